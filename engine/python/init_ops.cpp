// One binding per primitive front end. Scalars arrive as weakly typed 0-d tensors.
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "bindings.h"
#include "kl/enum_names.h"
#include "kl/op_trace.h"
#include "kl/optim.h"

namespace kl::python {
namespace {

using Release = nb::call_guard<nb::gil_scoped_release>;

DType dt(const std::string& name) { return dtype_from_name(name); }

ScatterMode scatter_mode(const std::string& mode) {
  return enum_from_name<ScatterMode>(mode, kScatterModeNames, "scatter");
}

std::vector<int64_t> axes_or_all(const std::optional<std::vector<int64_t>>& axes) {
  return axes ? *axes : std::vector<int64_t>{};
}

}  // namespace

void init_ops(nb::module_& m) {
  for (int i = 0; i < int(UnaryKind::count_); ++i) {
    UnaryKind k = UnaryKind(i);
    m.def(unary_name(k), [k](const Operand& x) { return unary(k, to_tensor(x)); }, "x"_a, Release());
  }
  for (int i = 0; i < int(BinaryKind::count_); ++i) {
    BinaryKind k = BinaryKind(i);
    m.def(binary_name(k),
          [k](const Operand& a, const Operand& b) { return binary(k, to_tensor(a), to_tensor(b)); },
          "a"_a, "b"_a, Release());
  }
  m.def("where", [](const Operand& c, const Operand& x, const Operand& y) {
    return where(to_tensor(c), to_tensor(x), to_tensor(y));
  }, "condition"_a, "x"_a, "y"_a, Release());
  m.def("cast", [](const Tensor& x, const std::string& dtype) { return cast(x, dt(dtype)); },
        "x"_a, "dtype"_a, Release());
  m.def("copy", &copy, "x"_a, Release());
  m.def("reduce", [](const std::string& kind, const Tensor& x,
                     const std::optional<std::vector<int64_t>>& axes, bool keepdims) {
    // An explicit empty axis list reduces nothing (NumPy semantics): return x unchanged in value.
    if (axes && axes->empty()) return kind == "any" || kind == "all" ? cast(x, DType::bool_) : copy(x);
    return reduce(enum_from_name<ReduceKind>(kind, kReduceKindNames, "reduce"), x, axes_or_all(axes), keepdims);
  }, "kind"_a, "x"_a, "axes"_a = nb::none(), "keepdims"_a = false, Release());
  m.def("arg_reduce", &arg_reduce, "x"_a, "is_max"_a, "axis"_a, "keepdims"_a = false, Release());
  m.def("matmul", &matmul, "a"_a, "b"_a, Release());
  m.def("reshape", &reshape, "x"_a, "shape"_a, Release());
  m.def("transpose", &transpose, "x"_a, "perm"_a, Release());
  m.def("slice", &slice, "x"_a, "starts"_a, "stops"_a, "steps"_a, Release());
  m.def("broadcast_to", &broadcast_to, "x"_a, "shape"_a, Release());
  m.def("concatenate", &concatenate, "xs"_a, "axis"_a, Release());
  m.def("pad", &pad, "x"_a, "before"_a, "after"_a, "value"_a = 0.0, Release());
  m.def("patches", &patches, "x"_a, "window"_a, "strides"_a, "dilation"_a, "before"_a,
        "after"_a, Release());
  m.def("patches_adjoint", &patches_adjoint, "rows"_a, "input_shape"_a, "window"_a, "strides"_a,
        "dilation"_a, "before"_a, "after"_a, Release());
  m.def("max_pool", &max_pool, "x"_a, "window"_a, "strides"_a, "before"_a, "after"_a,
        Release());
  m.def("max_pool_adjoint", &max_pool_adjoint, "x"_a, "pooled"_a, "ct"_a, "window"_a,
        "strides"_a, "before"_a, "after"_a, Release());
  m.def("dot_product_attention", [](const Tensor& q, const Tensor& k, const Tensor& v,
                                    std::optional<Tensor> bias, std::optional<Tensor> mask,
                                    double scale, bool causal) {
          return dot_product_attention(q, k, v, bias ? *bias : Tensor(), mask ? *mask : Tensor(),
                                       scale, causal);
        }, "q"_a, "k"_a, "v"_a, "bias"_a = nb::none(), "mask"_a = nb::none(), "scale"_a,
        "causal"_a = false, Release());
  m.def("lstm_sequence", [](const Tensor& xproj, const Tensor& u, const Tensor& h0,
                            const Tensor& c0, std::optional<Tensor> mask, bool reverse) {
          return lstm_sequence(xproj, u, h0, c0, mask ? *mask : Tensor(), reverse);
        }, "xproj"_a, "u"_a, "h0"_a, "c0"_a, "mask"_a = nb::none(), "reverse"_a = false,
        Release());
  m.def("gru_sequence", [](const Tensor& xproj, const Tensor& u, std::optional<Tensor> rbias,
                           const Tensor& h0, std::optional<Tensor> mask, bool reverse) {
          // No recurrent bias: the reset-before GRU (reset_after=False).
          return gru_sequence(xproj, u, rbias ? *rbias : Tensor(), h0, mask ? *mask : Tensor(),
                              reverse);
        }, "xproj"_a, "u"_a, "rbias"_a, "h0"_a, "mask"_a = nb::none(), "reverse"_a = false,
        Release());
  m.def("simple_rnn_sequence", [](const Tensor& xproj, const Tensor& u, const Tensor& h0,
                                  const std::string& activation, std::optional<Tensor> mask,
                                  bool reverse) {
          auto a = enum_from_name<RecurrentActivation>(activation, kRecurrentActivationNames,
                                                       "simple_rnn_sequence");
          return simple_rnn_sequence(xproj, u, h0, a, mask ? *mask : Tensor(), reverse)[0];
        }, "xproj"_a, "u"_a, "h0"_a, "activation"_a = "tanh", "mask"_a = nb::none(),
        "reverse"_a = false, Release());
  m.def("max_pool_gather", &max_pool_gather, "x"_a, "pooled"_a, "c"_a, "window"_a,
        "strides"_a, "before"_a, "after"_a, Release());
  m.def("bias_activation", &bias_activation, "x"_a, "bias"_a, "activation"_a, Release());
  m.def("bias_activation_grad", &bias_activation_grad, "ct"_a, "y"_a, "activation"_a,
        Release());
  m.def("conv2d", &conv2d, "x"_a, "w"_a, "top"_a = 0, "bottom"_a = 0, Release());
  m.def("conv2d_bias_activation", [](const Tensor& x, const Tensor& w,
                                     std::optional<Tensor> bias, const std::string& activation,
                                     int64_t top, int64_t bottom) {
          return conv2d_bias_activation(x, w, bias ? *bias : Tensor(), activation, top, bottom);
        }, "x"_a, "w"_a, "bias"_a.none(), "activation"_a, "top"_a = 0, "bottom"_a = 0,
        Release());
  m.def("conv2d_filter_grad", &conv2d_filter_grad, "x"_a, "g"_a, Release());
  m.def("take", &take, "x"_a, "indices"_a, "axis"_a, Release());
  m.def("scatter", [](const Tensor& base, const Tensor& idx, const Tensor& upd, int64_t axis,
                      const std::string& mode) { return scatter(base, idx, upd, axis, scatter_mode(mode)); },
        "base"_a, "indices"_a, "updates"_a, "axis"_a, "mode"_a = "add", Release());
  m.def("take_along_axis", &take_along_axis, "x"_a, "indices"_a, "axis"_a, Release());
  m.def("scatter_along_axis", [](const Tensor& base, const Tensor& idx, const Tensor& upd,
                                 int64_t axis, const std::string& mode) {
    return scatter_along_axis(base, idx, upd, axis, scatter_mode(mode));
  }, "base"_a, "indices"_a, "updates"_a, "axis"_a, "mode"_a = "add", Release());
  m.def("cumulative", [](const std::string& kind, const Tensor& x, int64_t axis, bool reverse) {
    return cumulative(enum_from_name<CumulativeKind>(kind, kCumulativeKindNames, "cumulative"), x, axis, reverse);
  }, "kind"_a, "x"_a, "axis"_a, "reverse"_a = false, Release());
  m.def("sort", &sort, "x"_a, "axis"_a = -1, "descending"_a = false, Release());
  m.def("softmax", &softmax, "x"_a, "axis"_a = -1, Release());
  m.def("log_softmax", &log_softmax, "x"_a, "axis"_a = -1, Release());
  m.def("arange", [](double start, double step, int64_t n, const std::string& dtype,
                     const std::string& device) {
    return arange(start, step, n, dt(dtype), device_from_name(device));
  }, "start"_a, "step"_a, "n"_a, "dtype"_a, "device"_a = "cpu", Release());
  m.def("full", [](const Shape& shape, std::variant<int64_t, double> value, const std::string& dtype,
                   const std::string& device) {
    if (auto* i = std::get_if<int64_t>(&value)) return full_int(shape, *i, dt(dtype), device_from_name(device));
    return full(shape, std::get<double>(value), dt(dtype), device_from_name(device));
  }, "shape"_a, "value"_a, "dtype"_a, "device"_a = "cpu", Release());
  m.def("random", [](const std::string& kind, const Shape& shape, const std::string& dtype,
                     uint64_t seed, uint64_t counter, const std::string& device) {
    return random(enum_from_name<RandomKind>(kind, kRandomKindNames, "random"), shape, dt(dtype),
                  seed, counter, device_from_name(device));
  }, "kind"_a, "shape"_a, "dtype"_a, "seed"_a, "counter"_a, "device"_a = "cpu", Release());
  m.def("random_from_state", [](const std::string& kind, const Shape& shape, const std::string& dtype,
                                const Tensor& state, uint64_t block_offset) {
    return random(enum_from_name<RandomKind>(kind, kRandomKindNames, "random"), shape, dt(dtype),
                  state, block_offset);
  }, "kind"_a, "shape"_a, "dtype"_a, "state"_a, "block_offset"_a = 0, Release());
  m.def("set_op_timing", &set_op_timing, "on"_a);
  // {op kind: (kernel calls, kernel seconds)} on this thread since timing was turned on.
  m.def("op_timings", [] {
    std::map<std::string, std::pair<uint64_t, double>> out;
    for (int i = 0; i < kNumOpKinds; ++i) {
      OpTiming t = op_timing(OpKind(i));
      if (t.calls) out[op_kind_name(OpKind(i))] = {t.calls, double(t.nanoseconds) * 1e-9};
    }
    return out;
  });
  // The profiler (keras_like.profiler): per-kernel events from every thread while on.
  m.def("start_op_trace", &start_op_trace);
  // ([(name, start_ns, duration_ns, thread, shapes, bytes)], events dropped past the cap)
  m.def("stop_op_trace", [] {
    int64_t dropped = 0;
    std::vector<OpTraceEvent> events = stop_op_trace(&dropped);
    std::vector<std::tuple<std::string, int64_t, int64_t, int, std::string, int64_t>> out;
    out.reserve(events.size());
    for (auto& e : events)
      out.emplace_back(std::move(e.name), e.start_ns, e.duration_ns, e.thread,
                       std::move(e.shapes), e.bytes);
    return std::make_pair(std::move(out), dropped);
  });
  m.def("dispatch_count", [](const std::string& kind) {
    for (int i = 0; i < kNumOpKinds; ++i)
      if (kind == op_kind_name(OpKind(i))) return dispatch_count(OpKind(i));
    throw std::invalid_argument(error_message("[dispatch_count] unknown op kind '", kind, "'"));
  }, "kind"_a);
  m.def("assign", &assign, "dst"_a, "src"_a, Release());
  m.def("optimizer_update", [](const std::string& kind, const Tensor& variable, const Tensor& gradient,
                               const Tensors& slots, const Tensor& scalars) {
    optimizer_update(enum_from_name<OptimizerKind>(kind, kOptimizerKindNames, "optimizer_update"), variable, gradient,
                     slots, scalars);
  }, "kind"_a, "variable"_a, "gradient"_a, "slots"_a, "scalars"_a, Release());
  m.def("empty", [](const Shape& shape, const std::string& dtype, const std::string& device) {
    return empty(shape, dt(dtype), device_from_name(device));
  }, "shape"_a, "dtype"_a, "device"_a = "cpu");
  m.def("result_dtype", [](const Tensor& a, const Tensor& b) {
    return std::string(dtype_name(result_dtype(a.dtype(), a.weak(), b.dtype(), b.weak())));
  });
  m.def("promote_types", [](const std::string& a, const std::string& b) {
    return std::string(dtype_name(promote_types(dt(a), dt(b))));
  });
  m.def("op_kinds", [] {
    std::vector<std::pair<std::string, bool>> out;
    for (int i = 0; i < kNumOpKinds; ++i)
      out.emplace_back(op_kind_name(OpKind(i)), find_kernel(OpKind(i), DeviceKind::cpu) != nullptr);
    return out;
  });
}

}  // namespace kl::python
