// Softmax, log-softmax, cumulative scans and sort.
#include "kl/autograd.h"
#include "kl/ops.h"

namespace kl {

std::vector<TensorSpec> SoftmaxOp::infer(const Tensors& in) const {
  KL_CHECK(is_floating(in[0].dtype()), "[", name(), "] expected a floating tensor, received ",
           dtype_name(in[0].dtype()));
  return {{in[0].shape(), in[0].dtype()}};
}

Tensors SoftmaxOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor &y = out[0], &g = ct[0];
  if (log_) return {subtract(g, multiply(unary(UnaryKind::exp, y), sum(g, {axis_}, true)))};
  return {multiply(y, subtract(g, sum(multiply(g, y), {axis_}, true)))};
}

Tensor softmax(const Tensor& x, int64_t axis) {
  Tensor f = is_floating(x.dtype()) ? x : cast(x, DType::float32);
  if (f.ndim() == 0) return reshape(softmax(reshape(f, {1}), 0), {});
  return call1<SoftmaxOp>({f}, normalize_axis(axis, f.ndim(), "softmax"), false);
}

Tensor log_softmax(const Tensor& x, int64_t axis) {
  Tensor f = is_floating(x.dtype()) ? x : cast(x, DType::float32);
  if (f.ndim() == 0) return reshape(log_softmax(reshape(f, {1}), 0), {});
  return call1<SoftmaxOp>({f}, normalize_axis(axis, f.ndim(), "log_softmax"), true);
}

const char* CumulativeOp::name() const {
  static const char* names[] = {"cumsum", "cumprod", "cummax", "cummin"};
  return names[int(k_)];
}

std::vector<TensorSpec> CumulativeOp::infer(const Tensors& in) const {
  DType dt = in[0].dtype();
  if ((k_ == CumulativeKind::sum || k_ == CumulativeKind::prod) &&
      (dt == DType::bool_ || (is_integer(dt) && itemsize(dt) < 4)))
    dt = DType::int32;
  return {{in[0].shape(), dt}};
}

Tensors CumulativeOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor &x = in[0], &g = ct[0];
  switch (k_) {
    case CumulativeKind::sum: return {cumulative(CumulativeKind::sum, g, axis_, !reverse_)};
    case CumulativeKind::prod: {
      // d/dx_i sum_j g_j y_j = sum_{j >= i} g_j y_j / x_i (x_i != 0).
      Tensor gy = cumulative(CumulativeKind::sum, multiply(g, out[0]), axis_, !reverse_);
      return {divide(gy, x)};
    }
    default: {
      // Output j equals x at the position that set the running extreme; each output's
      // cotangent goes to that position. Positions attaining the extreme are where x equals the
      // output; the last one reached in scan order is the one in force.
      int64_t length = x.dim(axis_);
      Shape line(x.ndim(), 1);
      line[axis_] = length;
      Tensor index = broadcast_to(reshape(arange(0, 1, length, DType::int64, x.device()), line), x.shape());
      Tensor hit = binary(BinaryKind::equal, x, out[0]);
      Tensor none = full({}, reverse_ ? double(length) : -1.0, DType::int64, x.device());
      Tensor source = cumulative(reverse_ ? CumulativeKind::min : CumulativeKind::max,
                                 where(hit, index, none), axis_, reverse_);
      return {scatter_along_axis(zeros_like(x), source, g, axis_, ScatterMode::add)};
    }
  }
}

Tensor cumulative(CumulativeKind k, const Tensor& x, int64_t axis, bool reverse) {
  static const char* names[] = {"cumsum", "cumprod", "cummax", "cummin"};
  Tensor in = x.ndim() == 0 ? reshape(x, {1}) : x;
  return call1<CumulativeOp>({in}, k, normalize_axis(axis, in.ndim(), names[int(k)]), reverse);
}

std::vector<TensorSpec> SortOp::infer(const Tensors& in) const {
  return {{in[0].shape(), in[0].dtype()}, {in[0].shape(), DType::int32}};
}

Tensors SortOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  return {scatter_along_axis(zeros_like(in[0]), out[1], ct[0], axis_, ScatterMode::add)};
}

Tensors sort(const Tensor& x, int64_t axis, bool descending) {
  Tensor in = x.ndim() == 0 ? reshape(x, {1}) : x;
  return call<SortOp>({in}, normalize_axis(axis, in.ndim(), "sort"), descending);
}

}  // namespace kl
