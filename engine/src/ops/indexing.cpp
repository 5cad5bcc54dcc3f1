// Gather and scatter along an axis: take, scatter, take_along_axis, scatter_along_axis.
#include "kl/autograd.h"
#include "kl/ops.h"

namespace kl {
namespace {
void check_indices(const Tensor& idx, const char* op) {
  KL_CHECK(is_integer(idx.dtype()), "[", op, "] indices must be integers, received ",
           dtype_name(idx.dtype()));
}

Shape take_shape(const Shape& x, const Shape& idx, int axis) {
  Shape s(x.begin(), x.begin() + axis);
  s.insert(s.end(), idx.begin(), idx.end());
  s.insert(s.end(), x.begin() + axis + 1, x.end());
  return s;
}
}  // namespace

std::vector<TensorSpec> TakeOp::infer(const Tensors& in) const {
  check_indices(in[1], "take");
  return {{take_shape(in[0].shape(), in[1].shape(), axis_), in[0].dtype()}};
}

Tensors TakeOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  // A broadcast zero base: the scatter's copy fills the output, with no zero tensor stored.
  Tensor zero_base = broadcast_to(scalar_like(0.0, ct[0]), in[0].shape());
  return {scatter(zero_base, in[1], ct[0], axis_, ScatterMode::add), Tensor()};
}

Tensor take(const Tensor& x, const Tensor& indices, int64_t axis) {
  KL_CHECK(x.ndim() > 0, "[take] cannot take from a zero-dimensional tensor");
  return call1<TakeOp>({x, indices}, normalize_axis(axis, x.ndim(), "take"));
}

std::vector<TensorSpec> ScatterOp::infer(const Tensors& in) const {
  const Tensor &base = in[0], &idx = in[1], &upd = in[2];
  check_indices(idx, "scatter");
  Shape expected = take_shape(base.shape(), idx.shape(), axis_);
  KL_CHECK(upd.shape() == expected, "[scatter] updates must have shape ", shape_str(expected),
           " for base ", shape_str(base.shape()), " and indices ", shape_str(idx.shape()),
           ", received ", shape_str(upd.shape()));
  KL_CHECK(upd.dtype() == base.dtype(), "[scatter] internal: updates must match the base dtype");
  return {{base.shape(), base.dtype()}};
}

Tensors ScatterOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor &idx = in[1], &g = ct[0];
  switch (mode_) {
    case ScatterMode::add: return {g, Tensor(), take(g, idx, axis_)};
    case ScatterMode::update:
      return {scatter(g, idx, zeros_like(in[2]), axis_, ScatterMode::update), Tensor(),
              take(g, idx, axis_)};
    default: return Op::vjp(in, out, ct);
  }
}

Tensor scatter(const Tensor& base, const Tensor& indices, const Tensor& updates, int64_t axis,
               ScatterMode mode) {
  int ax = normalize_axis(axis, base.ndim(), "scatter");
  Tensor u = updates.dtype() == base.dtype() ? updates : cast(updates, base.dtype());
  return call1<ScatterOp>({base, indices, u}, ax, mode);
}

std::vector<TensorSpec> TakeAlongAxisOp::infer(const Tensors& in) const {
  const Tensor &x = in[0], &idx = in[1];
  check_indices(idx, "take_along_axis");
  KL_CHECK(idx.ndim() == x.ndim(), "[take_along_axis] indices must have the rank of the input: shapes ",
           shape_str(x.shape()), " and ", shape_str(idx.shape()));
  for (int i = 0; i < x.ndim(); ++i)
    KL_CHECK(i == axis_ || idx.dim(i) == x.dim(i), "[take_along_axis] shapes ", shape_str(x.shape()),
             " and ", shape_str(idx.shape()), " differ outside axis ", axis_);
  return {{idx.shape(), x.dtype()}};
}

Tensors TakeAlongAxisOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  return {scatter_along_axis(zeros_like(in[0]), in[1], ct[0], axis_, ScatterMode::add), Tensor()};
}

Tensor take_along_axis(const Tensor& x, const Tensor& indices, int64_t axis) {
  int ax = normalize_axis(axis, x.ndim(), "take_along_axis");
  // Broadcast the non-axis dimensions like NumPy does.
  Shape xs = x.shape(), is = indices.shape();
  KL_CHECK(xs.size() == is.size(), "[take_along_axis] indices must have the rank of the input: shapes ",
           shape_str(xs), " and ", shape_str(is));
  Shape bx = xs, bi = is;
  for (size_t i = 0; i < xs.size(); ++i) {
    if (int(i) == ax) continue;
    int64_t d = broadcast_shapes({xs[i]}, {is[i]}, "take_along_axis")[0];
    bx[i] = bi[i] = d;
  }
  return call1<TakeAlongAxisOp>({broadcast_to(x, bx), broadcast_to(indices, bi)}, ax);
}

std::vector<TensorSpec> ScatterAlongAxisOp::infer(const Tensors& in) const {
  const Tensor &base = in[0], &idx = in[1], &upd = in[2];
  check_indices(idx, "scatter_along_axis");
  KL_CHECK(idx.shape() == upd.shape() && idx.ndim() == base.ndim(),
           "[scatter_along_axis] indices and updates must share a shape of the base's rank: base ",
           shape_str(base.shape()), ", indices ", shape_str(idx.shape()), ", updates ",
           shape_str(upd.shape()));
  return {{base.shape(), base.dtype()}};
}

Tensors ScatterAlongAxisOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor &idx = in[1], &g = ct[0];
  switch (mode_) {
    case ScatterMode::add: return {g, Tensor(), take_along_axis(g, idx, axis_)};
    case ScatterMode::update:
      return {scatter_along_axis(g, idx, zeros_like(in[2]), axis_, ScatterMode::update), Tensor(),
              take_along_axis(g, idx, axis_)};
    default: return Op::vjp(in, out, ct);
  }
}

Tensor scatter_along_axis(const Tensor& base, const Tensor& indices, const Tensor& updates,
                          int64_t axis, ScatterMode mode) {
  int ax = normalize_axis(axis, base.ndim(), "scatter_along_axis");
  Tensor u = updates.dtype() == base.dtype() ? updates : cast(updates, base.dtype());
  return call1<ScatterAlongAxisOp>({base, indices, u}, ax, mode);
}

}  // namespace kl
