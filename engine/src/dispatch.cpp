#include <chrono>
#include <mutex>

#include "kl/autograd.h"
#include "kl/graph.h"
#include "kl/ops.h"
#include "kl/op.h"
#include "kl/op_trace.h"
#include "kl/thread_pool.h"

namespace kl {
namespace cpu {
void register_kernels();
}

namespace {
Kernel g_kernels[kNumOpKinds][kNumDeviceKinds] = {};

Device common_device(const Op& op, const Tensors& inputs) {
  if (inputs.empty()) return op.output_device(inputs);
  // A meta input makes the whole op shape-only: symbolic calls mix meta activations with real
  // weights.
  for (const auto& t : inputs)
    if (t.device().kind == DeviceKind::meta) return t.device();
  Device dev = inputs[0].device();
  for (const auto& t : inputs)
    KL_CHECK(t.device() == dev, "[", op.name(), "] inputs are on different devices: ",
             device_name(dev), " and ", device_name(t.device()));
  return dev;
}

thread_local uint64_t t_dispatch_counts[kNumOpKinds] = {};
// Kernel wall time per op kind on this thread, while timing is on (the profiler's source).
thread_local bool t_timing = false;
thread_local OpTiming t_timings[kNumOpKinds] = {};

// The inputs a kernel sees: contiguous copies where the op asks for them.
Tensors staged_inputs(const Op& op, const Tensors& inputs) {
  Tensors staged;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!op.needs_contiguous(i, inputs[i])) continue;
    if (staged.empty()) staged = inputs;
    NoGradGuard no_grad;
    detail::CaptureSuspend part_of_this_call;
    staged[i] = copy(inputs[i]);
  }
  return staged.empty() ? inputs : staged;
}

void run_kernel(const Op& op, const Device& dev, const Tensors& inputs, Tensors& outputs) {
  Kernel kernel = find_kernel(op.kind(), dev.kind);
  KL_CHECK(kernel, "[", op.name(), "] no kernel for device ", device_kind_name(dev.kind));
  Tensors scratch;
  for (auto& spec : op.scratch(inputs)) scratch.push_back(empty(spec.shape, spec.dtype, dev, op.name()));
  ++t_dispatch_counts[int(op.kind())];
  DenormalGuard ftz;
  bool tracing = detail::op_trace_on();
  if (!t_timing && !tracing) {
    kernel(op, inputs, outputs, scratch);
    return;
  }
  auto start = std::chrono::steady_clock::now();
  kernel(op, inputs, outputs, scratch);
  auto end = std::chrono::steady_clock::now();
  if (t_timing) {
    auto& timing = t_timings[int(op.kind())];
    timing.calls += 1;
    timing.nanoseconds +=
        uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
  }
  if (tracing) detail::record_op_event(op, inputs, outputs, start, end);
}

void record(const OpPtr& op, const Tensors& inputs, Tensors& outputs) {
  bool any = false;
  for (const auto& t : inputs) any = any || t.requires_grad();
  if (!any) return;
  auto node = std::make_shared<Node>();
  node->op = op;
  node->inputs = inputs;
  bool keep = op->needs_outputs();
  for (size_t i = 0; i < outputs.size(); ++i) {
    auto& out = outputs[i];
    node->outputs.push_back(out.impl_ptr());
    if (keep) node->saved_outputs.push_back(out.detach());
    if (!is_floating(out.dtype())) continue;  // integer and bool outputs carry no gradient
    out.impl()->grad_node = node;
    out.impl()->output_index = int(i);
    out.set_requires_grad(true);
  }
}
}  // namespace

Tensors Op::vjp(const Tensors&, const Tensors&, const Tensors&) const {
  throw std::invalid_argument(error_message("[", name(), "] has no gradient"));
}

Tensors Op::vjp_before_relu(const Tensors&, const Tensor&, const Tensor&) const {
  throw std::logic_error(error_message("[", name(), "] has no relu epilogue"));
}

Device Op::output_device(const Tensors&) const { return Device{}; }

void register_kernel(OpKind kind, DeviceKind device, Kernel kernel) {
  g_kernels[int(kind)][int(device)] = kernel;
}

Kernel find_kernel(OpKind kind, DeviceKind device) { return g_kernels[int(kind)][int(device)]; }

void init_engine() {
  static std::once_flag once;
  std::call_once(once, [] { cpu::register_kernels(); });
}

Tensors dispatch(const OpPtr& op, const Tensors& inputs) {
  for (const auto& t : inputs) KL_CHECK(t.defined(), "[", op->name(), "] received an undefined tensor");
  Device dev = common_device(*op, inputs);
  Tensors outputs;
  if (op->is_view()) {
    op->infer(inputs);  // validates arguments
    outputs = op->make_view(inputs);
    for (const auto& out : outputs) check_shape(out.shape(), itemsize(out.dtype()), op->name());
  } else {
    auto specs = op->infer(inputs);
    outputs.reserve(specs.size());
    for (auto& spec : specs) outputs.push_back(empty(spec.shape, spec.dtype, dev, op->name()));
    if (dev.kind != DeviceKind::meta) run_kernel(*op, dev, staged_inputs(*op, inputs), outputs);
  }
  detail::capture_call(op, inputs, outputs, /*in_place=*/false);
  if (is_recording() && op->differentiable()) record(op, inputs, outputs);
  return outputs;
}

void dispatch_inplace(const OpPtr& op, const Tensors& inputs, const Tensors& targets) {
  Tensors all = inputs;
  all.insert(all.end(), targets.begin(), targets.end());
  for (const auto& t : all) KL_CHECK(t.defined(), "[", op->name(), "] received an undefined tensor");
  Device dev = common_device(*op, all);
  auto specs = op->infer(inputs);
  for (size_t i = 0; i < specs.size() && i < targets.size(); ++i)
    KL_CHECK(specs[i].shape == targets[i].shape() && specs[i].dtype == targets[i].dtype(), "[",
             op->name(), "] cannot write a ", dtype_name(specs[i].dtype), " value of shape ",
             shape_str(specs[i].shape), " into a ", dtype_name(targets[i].dtype()),
             " tensor of shape ", shape_str(targets[i].shape()));
  for (const auto& t : targets)
    KL_CHECK(t.device().kind == DeviceKind::meta || t.storage()->writable(), "[", op->name(),
             "] the destination is read-only (borrowed memory)");
  detail::capture_call(op, inputs, targets, /*in_place=*/true);
  if (dev.kind == DeviceKind::meta) return;
  Tensors outputs = targets;
  run_kernel(*op, dev, staged_inputs(*op, inputs), outputs);
}

void dispatch_into(const OpPtr& op, const Tensors& inputs, Tensors& outputs) {
  Device dev = outputs.empty() ? common_device(*op, inputs) : outputs[0].device();
  run_kernel(*op, dev, staged_inputs(*op, inputs), outputs);
}

uint64_t dispatch_count(OpKind kind) { return t_dispatch_counts[int(kind)]; }

void set_op_timing(bool on) {
  t_timing = on;
  if (on)
    for (auto& t : t_timings) t = {};
}

OpTiming op_timing(OpKind kind) { return t_timings[int(kind)]; }

Tensor dispatch1(const OpPtr& op, const Tensors& inputs) { return dispatch(op, inputs)[0]; }

const char* op_kind_name(OpKind kind) {
  static const char* names[] = {
      "unary", "binary", "where", "cast", "reduce", "arg_reduce", "matmul", "copy",
      "reshape", "transpose", "slice", "broadcast_to",
      "concatenate", "pad", "take", "scatter", "take_along_axis", "scatter_along_axis",
      "cumulative", "sort", "softmax", "log_softmax",
      "arange", "full", "random",
      "cholesky", "triangular_solve", "lu", "qr", "svd", "eigh", "custom_vjp", "optimizer_update",
      "patches", "patches_adjoint", "max_pool", "max_pool_adjoint", "max_pool_gather",
      "bias_activation", "bias_activation_grad", "conv2d", "conv2d_filter_grad",
      "lstm_sequence", "lstm_sequence_grad", "gru_sequence", "gru_sequence_grad",
      "simple_rnn_sequence", "simple_rnn_sequence_grad", "attention", "attention_grad",
      "fused_elementwise"};
  static_assert(sizeof(names) / sizeof(names[0]) == kNumOpKinds, "op_kind_name is out of date");
  return names[int(kind)];
}

}  // namespace kl
