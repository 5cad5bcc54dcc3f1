// Reductions over axes and argmax/argmin.
#include <algorithm>

#include "kl/autograd.h"
#include "kl/enum_names.h"
#include "kl/ops.h"

namespace kl {
namespace {
Shape reduced_shape(const Shape& shape, const std::vector<int>& axes, bool keepdims) {
  Shape out;
  size_t j = 0;
  for (int i = 0; i < int(shape.size()); ++i) {
    bool reduced = j < axes.size() && axes[j] == i;
    if (reduced) ++j;
    if (!reduced)
      out.push_back(shape[i]);
    else if (keepdims)
      out.push_back(1);
  }
  return out;
}

// The cotangent reshaped so that it broadcasts against the input.
Tensor keepdims_view(const Tensor& g, const Shape& in_shape, const std::vector<int>& axes) {
  return reshape(g, reduced_shape(in_shape, axes, true));
}
// d prod(x) / d x_i is the product of all other elements. Exclusive running products from both
// ends give it without dividing by x_i, so zeros in x are handled exactly.
Tensor prod_vjp(const Tensor& x, const Tensor& g_keep, const std::vector<int>& axes) {
  std::vector<int64_t> perm;
  Shape kept;
  int64_t length = 1;
  for (int i = 0; i < x.ndim(); ++i)
    if (!std::binary_search(axes.begin(), axes.end(), i)) {
      perm.push_back(i);
      kept.push_back(x.dim(i));
    }
  for (int a : axes) {
    perm.push_back(a);
    length *= x.dim(a);
  }
  Tensor moved = transpose(x, perm);
  Shape flat_shape = kept;
  flat_shape.push_back(length);
  Tensor flat = reshape(moved, flat_shape);
  int last = int(kept.size());
  Shape zeros(flat_shape.size(), 0), ones(flat_shape.size(), 1), none(flat_shape.size(), 0);
  Shape stop_short = flat_shape, start_one = zeros;
  stop_short[last] = length - 1;
  start_one[last] = 1;
  Shape pad_one = none;
  pad_one[last] = 1;
  Tensor forward = cumulative(CumulativeKind::prod, flat, last, false);
  Tensor backward = cumulative(CumulativeKind::prod, flat, last, true);
  Tensor left = pad(slice(forward, zeros, stop_short, ones), pad_one, none, 1.0);
  Tensor right = pad(slice(backward, start_one, flat_shape, ones), none, pad_one, 1.0);
  Shape g_shape = kept;
  g_shape.push_back(1);
  Tensor grad_flat = multiply(reshape(g_keep, g_shape), multiply(left, right));
  std::vector<int64_t> inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = int64_t(i);
  return transpose(reshape(grad_flat, moved.shape()), inverse);
}
}  // namespace

const char* ReduceOp::name() const { return kReduceKindNames[int(k_)]; }

std::vector<TensorSpec> ReduceOp::scratch(const Tensors& in) const {
  const Tensor& x = in[0];
  int first = axes_.empty() ? x.ndim() : axes_.front(), last = axes_.empty() ? x.ndim() : axes_.back() + 1;
  int64_t A = 1, R = 1, B = 1;
  for (int i = 0; i < x.ndim(); ++i) (i < first ? A : i < last ? R : B) *= x.dim(i);
  if (B != 1) {
    int64_t rows = column_chunk_rows(B);
    if (R <= rows) return {};
    return {{{A * ((R + rows - 1) / rows) * B * 8}, DType::uint8}};
  }
  if (R <= kReduceChunk) return {};
  return {{{A * ((R + kReduceChunk - 1) / kReduceChunk) * 8}, DType::uint8}};
}

std::vector<TensorSpec> ReduceOp::infer(const Tensors& in) const {
  const Tensor& x = in[0];
  KL_CHECK(axes_.empty() || axes_.back() - axes_.front() + 1 == int(axes_.size()), "[", name(),
           "] internal: reduced axes must be adjacent");
  DType dt = x.dtype();
  switch (k_) {
    case ReduceKind::sum: case ReduceKind::prod:  // Keras: narrow unsigned sums give uint32
      if (dt == DType::bool_ || (is_integer(dt) && itemsize(dt) < 4))
        dt = is_signed(dt) || dt == DType::bool_ ? DType::int32 : DType::uint32;
      break;
    case ReduceKind::any: case ReduceKind::all: dt = DType::bool_; break;
    case ReduceKind::max: case ReduceKind::min:
      if (x.size() == 0)
        for (int a : axes_)
          KL_CHECK(x.dim(a) > 0, "[", name(), "] zero-size reduction along axis ", a,
                   " of shape ", shape_str(x.shape()), " has no identity");
      break;
  }
  return {{reduced_shape(x.shape(), axes_, keepdims_), dt}};
}

Tensors ReduceOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor& x = in[0];
  Tensor g = keepdims_view(ct[0], x.shape(), axes_);
  switch (k_) {
    case ReduceKind::sum: return {broadcast_to(g, x.shape())};
    case ReduceKind::prod: return {prod_vjp(x, g, axes_)};
    default: {  // max / min: split the gradient evenly among tied extremes, like JAX
      Tensor y = keepdims_view(out[0], x.shape(), axes_);
      Tensor hit = cast(binary(BinaryKind::equal, x, y), x.dtype());
      std::vector<int64_t> axes(axes_.begin(), axes_.end());
      Tensor count = sum(hit, axes, true);
      return {multiply(hit, divide(g, count))};
    }
  }
}

Tensor reduce(ReduceKind k, const Tensor& x, const std::vector<int64_t>& axes, bool keepdims) {
  const char* const* names = kReduceKindNames;
  std::vector<int> norm;
  if (axes.empty()) {
    for (int i = 0; i < x.ndim(); ++i) norm.push_back(i);
  } else {
    norm = normalize_axes(axes, x.ndim(), names[int(k)]);
  }
  Tensor input = x;
  if ((k == ReduceKind::any || k == ReduceKind::all) && x.dtype() != DType::bool_)
    input = cast(x, DType::bool_);
  bool adjacent = norm.empty() || norm.back() - norm.front() + 1 == int(norm.size());
  if (adjacent) return call1<ReduceOp>({input}, k, norm, keepdims);
  // Scattered axes: move them last (kept axes first) so the kernel reduces one run of axes.
  std::vector<int64_t> perm;
  for (int i = 0; i < x.ndim(); ++i)
    if (!std::binary_search(norm.begin(), norm.end(), i)) perm.push_back(i);
  std::vector<int> trailing;
  for (int a : norm) {
    trailing.push_back(int(perm.size()));
    perm.push_back(a);
  }
  Tensor r = call1<ReduceOp>({transpose(input, perm)}, k, trailing, false);
  return keepdims ? reshape(r, reduced_shape(x.shape(), norm, true)) : r;
}

Tensor sum(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims) {
  return reduce(ReduceKind::sum, x, axes, keepdims);
}

std::vector<TensorSpec> ArgReduceOp::infer(const Tensors& in) const {
  const Tensor& x = in[0];
  KL_CHECK(x.dim(axis_) > 0, "[", name(), "] attempt to get ", name(), " of an empty sequence");
  return {{reduced_shape(x.shape(), {axis_}, keepdims_), DType::int32}};
}

Tensor arg_reduce(const Tensor& x, bool is_max, int64_t axis, bool keepdims) {
  const char* name = is_max ? "argmax" : "argmin";
  if (x.ndim() == 0) return arg_reduce(reshape(x, {1}), is_max, 0, keepdims);
  return call1<ArgReduceOp>({x}, is_max, normalize_axis(axis, x.ndim(), name), keepdims);
}

}  // namespace kl
