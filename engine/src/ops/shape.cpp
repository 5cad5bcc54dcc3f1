// View ops (reshape, transpose, slice, broadcast_to) and concatenate / pad.
#include <algorithm>

#include "kl/autograd.h"
#include "kl/ops.h"

namespace kl {
namespace {

// Strides for `shape` over x's memory when only size-1 axes are added or removed; empty when a
// copy is needed.
bool squeeze_like_strides(const Tensor& x, const Shape& shape, Strides& strides) {
  Shape kept;
  Strides kept_strides;
  for (int i = 0; i < x.ndim(); ++i)
    if (x.dim(i) != 1) {
      kept.push_back(x.dim(i));
      kept_strides.push_back(x.strides()[i]);
    }
  strides.assign(shape.size(), 0);
  size_t j = 0;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue;
    if (j >= kept.size() || kept[j] != shape[i]) return false;
    strides[i] = kept_strides[j++];
  }
  return j == kept.size();
}

Shape resolve_shape(const Shape& requested, int64_t total, const Shape& from) {
  Shape shape = requested;
  int infer_at = -1;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      KL_CHECK(infer_at < 0, "[reshape] can only specify one unknown dimension (-1), received ",
               shape_str(requested));
      infer_at = int(i);
    } else {
      KL_CHECK(shape[i] >= 0, "[reshape] invalid dimension in new shape ", shape_str(requested));
      known *= shape[i];
    }
  }
  if (infer_at >= 0) {
    KL_CHECK(known != 0 && total % known == 0, "[reshape] cannot reshape a tensor of shape ",
             shape_str(from), " into shape ", shape_str(requested));
    shape[infer_at] = total / known;
  }
  KL_CHECK(numel(shape) == total, "[reshape] cannot reshape a tensor of shape ", shape_str(from),
           " (", total, " elements) into shape ", shape_str(requested));
  return shape;
}
}  // namespace

// ---- reshape --------------------------------------------------------------------------------

std::vector<TensorSpec> ReshapeOp::infer(const Tensors& in) const {
  return {{resolve_shape(shape_, in[0].size(), in[0].shape()), in[0].dtype()}};
}

Tensors ReshapeOp::make_view(const Tensors& in) const {
  const Tensor& x = in[0];
  Shape shape = resolve_shape(shape_, x.size(), x.shape());
  if (x.is_contiguous()) return {kl::make_view(x, shape, contiguous_strides(shape), x.offset())};
  Strides strides;
  if (squeeze_like_strides(x, shape, strides)) return {kl::make_view(x, shape, strides, x.offset())};
  Tensor c;
  {
    NoGradGuard no_grad;  // the reshape node itself carries the gradient
    c = copy(x);
  }
  return {kl::make_view(c, shape, contiguous_strides(shape), 0)};
}

Tensors ReshapeOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  return {reshape(ct[0], in[0].shape())};
}

Tensor reshape(const Tensor& x, const Shape& shape) {
  if (shape == x.shape()) return x;
  return call1<ReshapeOp>({x}, shape);
}

// ---- transpose ------------------------------------------------------------------------------

std::vector<TensorSpec> TransposeOp::infer(const Tensors& in) const {
  Shape shape;
  for (int p : perm_) shape.push_back(in[0].dim(p));
  return {{shape, in[0].dtype()}};
}

Tensors TransposeOp::make_view(const Tensors& in) const {
  const Tensor& x = in[0];
  Shape shape;
  Strides strides;
  for (int p : perm_) {
    shape.push_back(x.dim(p));
    strides.push_back(x.strides()[p]);
  }
  return {kl::make_view(x, shape, strides, x.offset())};
}

Tensors TransposeOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  std::vector<int64_t> inverse(perm_.size());
  for (size_t i = 0; i < perm_.size(); ++i) inverse[perm_[i]] = int64_t(i);
  return {transpose(ct[0], inverse)};
}

Tensor transpose(const Tensor& x, const std::vector<int64_t>& perm) {
  std::vector<int> p;
  if (perm.empty()) {
    for (int i = x.ndim() - 1; i >= 0; --i) p.push_back(i);
  } else {
    KL_CHECK(int(perm.size()) == x.ndim(), "[transpose] axes ", shape_str(Shape(perm)),
             " do not match a tensor of rank ", x.ndim());
    for (auto a : perm) p.push_back(normalize_axis(a, x.ndim(), "transpose"));
    std::vector<int> sorted = p;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < x.ndim(); ++i)
      KL_CHECK(sorted[i] == i, "[transpose] axes ", shape_str(Shape(perm)), " are not a permutation");
  }
  bool identity = true;
  for (int i = 0; i < int(p.size()); ++i) identity = identity && p[i] == i;
  if (identity) return x;
  return call1<TransposeOp>({x}, p);
}

Tensor swap_last_axes(const Tensor& x) {
  std::vector<int64_t> perm;
  for (int i = 0; i < x.ndim(); ++i) perm.push_back(i);
  std::swap(perm[x.ndim() - 1], perm[x.ndim() - 2]);
  return transpose(x, perm);
}

// ---- slice ----------------------------------------------------------------------------------

namespace {
// Written so that no intermediate overflows, even for steps near +-2^63.
int64_t slice_len(int64_t start, int64_t stop, int64_t step) {
  if (step > 0) return stop > start ? 1 + int64_t(uint64_t(stop - start - 1) / uint64_t(step)) : 0;
  uint64_t magnitude = uint64_t(0) - uint64_t(step);
  return start > stop ? 1 + int64_t(uint64_t(start - stop - 1) / magnitude) : 0;
}
}  // namespace

std::vector<TensorSpec> SliceOp::infer(const Tensors& in) const {
  const Tensor& x = in[0];
  KL_CHECK(int(starts_.size()) == x.ndim(), "[slice] expected ", x.ndim(), " start indices, received ",
           starts_.size());
  Shape shape;
  for (int i = 0; i < x.ndim(); ++i) {
    KL_CHECK(steps_[i] != 0, "[slice] step cannot be zero");
    int64_t n = slice_len(starts_[i], stops_[i], steps_[i]);
    if (n > 0) {
      // The engine takes resolved indices (the Python layer normalizes negative ones); any
      // element the view would reach must lie inside the axis, or the view reads foreign memory.
      int64_t span = 0, last = 0;
      bool overflow = __builtin_mul_overflow(n - 1, steps_[i], &span) ||
                      __builtin_add_overflow(starts_[i], span, &last);
      KL_CHECK(!overflow && starts_[i] >= 0 && starts_[i] < x.dim(i) && last >= 0 &&
                   last < x.dim(i),
               "[slice] (start ", starts_[i], ", stop ", stops_[i], ", step ", steps_[i],
               ") reaches outside axis ", i, " of length ", x.dim(i));
    }
    shape.push_back(n);
  }
  return {{shape, x.dtype()}};
}

Tensors SliceOp::make_view(const Tensors& in) const {
  const Tensor& x = in[0];
  Shape shape;
  Strides strides;
  int64_t offset = x.offset();
  for (int i = 0; i < x.ndim(); ++i) {
    int64_t n = slice_len(starts_[i], stops_[i], steps_[i]);
    shape.push_back(n);
    // With one element the stride is never used; a huge step must not overflow it.
    strides.push_back(n > 1 ? x.strides()[i] * steps_[i] : x.strides()[i]);
    if (n > 0) offset += starts_[i] * x.strides()[i];
  }
  return {kl::make_view(x, shape, strides, offset)};
}

Tensors SliceOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor& x = in[0];
  bool unit = std::all_of(steps_.begin(), steps_.end(), [](int64_t s) { return s == 1; });
  if (unit) {
    Shape before, after;
    for (int i = 0; i < x.ndim(); ++i) {
      int64_t n = ct[0].dim(i);
      before.push_back(n > 0 ? starts_[i] : 0);
      after.push_back(x.dim(i) - before.back() - n);
    }
    return {pad(ct[0], before, after, 0.0)};
  }
  // Strided slices: write the cotangent into the matching view of a zero tensor.
  Tensor z = zeros_like(x);
  assign(slice(z, starts_, stops_, steps_), ct[0]);
  return {z};
}

Tensor slice(const Tensor& x, const Shape& starts, const Shape& stops, const Shape& steps) {
  KL_CHECK(int(starts.size()) == x.ndim() && int(stops.size()) == x.ndim() &&
               int(steps.size()) == x.ndim(),
           "[slice] expected ", x.ndim(), " (start, stop, step) triples for shape ", shape_str(x.shape()));
  return call1<SliceOp>({x}, starts, stops, steps);
}

// ---- broadcast_to ---------------------------------------------------------------------------

std::vector<TensorSpec> BroadcastToOp::infer(const Tensors& in) const {
  const Tensor& x = in[0];
  Shape b = broadcast_shapes(x.shape(), shape_, "broadcast_to");
  KL_CHECK(b == shape_, "[broadcast_to] cannot broadcast shape ", shape_str(x.shape()), " to ",
           shape_str(shape_));
  return {{shape_, x.dtype()}};
}

Tensors BroadcastToOp::make_view(const Tensors& in) const {
  const Tensor& x = in[0];
  int lead = int(shape_.size()) - x.ndim();
  Strides strides(shape_.size(), 0);
  for (int i = 0; i < x.ndim(); ++i)
    strides[lead + i] = x.dim(i) == 1 && shape_[lead + i] != 1 ? 0 : x.strides()[i];
  return {kl::make_view(x, shape_, strides, x.offset())};
}

Tensors BroadcastToOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  return {sum_to_shape(ct[0], in[0].shape())};
}

Tensor broadcast_to(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  return call1<BroadcastToOp>({x}, shape);
}

// ---- concatenate ----------------------------------------------------------------------------

std::vector<TensorSpec> ConcatenateOp::infer(const Tensors& in) const {
  Shape shape = in[0].shape();
  shape[axis_] = 0;
  for (const auto& t : in) {
    KL_CHECK(t.ndim() == int(shape.size()), "[concatenate] all inputs must have the same rank, received shapes ",
             shape_str(in[0].shape()), " and ", shape_str(t.shape()));
    for (int i = 0; i < t.ndim(); ++i)
      KL_CHECK(i == axis_ || t.dim(i) == shape[i], "[concatenate] shapes ", shape_str(in[0].shape()),
               " and ", shape_str(t.shape()), " differ outside axis ", axis_);
    KL_CHECK(!__builtin_add_overflow(shape[axis_], t.dim(axis_), &shape[axis_]),
             "[concatenate] the result's axis ", axis_, " would exceed 2^63 - 1 elements");
    KL_CHECK(t.dtype() == in[0].dtype(), "[concatenate] internal: inputs must share a dtype");
  }
  return {{shape, in[0].dtype()}};
}

Tensors ConcatenateOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  Tensors grads;
  int64_t at = 0;
  const Tensor& g = ct[0];
  for (const auto& t : in) {
    Shape starts(g.ndim(), 0), stops = g.shape(), steps(g.ndim(), 1);
    starts[axis_] = at;
    stops[axis_] = at + t.dim(axis_);
    at += t.dim(axis_);
    grads.push_back(t.requires_grad() ? slice(g, starts, stops, steps) : Tensor());
  }
  return grads;
}

Tensor concatenate(const Tensors& xs, int64_t axis) {
  KL_CHECK(!xs.empty(), "[concatenate] needs at least one tensor");
  KL_CHECK(xs[0].ndim() > 0, "[concatenate] zero-dimensional tensors cannot be concatenated");
  int ax = normalize_axis(axis, xs[0].ndim(), "concatenate");
  DType dt = xs[0].dtype();
  bool weak = xs[0].weak();
  for (const auto& t : xs) {
    dt = result_dtype(dt, weak, t.dtype(), t.weak());
    weak = weak && t.weak();
  }
  Tensors cast_inputs;
  for (const auto& t : xs) cast_inputs.push_back(t.dtype() == dt ? t : cast(t, dt));
  return call1<ConcatenateOp>(cast_inputs, ax);
}

// ---- pad ------------------------------------------------------------------------------------

std::vector<TensorSpec> PadOp::infer(const Tensors& in) const {
  const Tensor& x = in[0];
  KL_CHECK(int(before_.size()) == x.ndim() && int(after_.size()) == x.ndim(), "[pad] expected ",
           x.ndim(), " (before, after) pairs for shape ", shape_str(x.shape()));
  Shape shape = x.shape();
  for (int i = 0; i < x.ndim(); ++i) {
    KL_CHECK(before_[i] >= 0 && after_[i] >= 0, "[pad] negative padding for axis ", i);
    bool overflow = __builtin_add_overflow(shape[i], before_[i], &shape[i]) ||
                    __builtin_add_overflow(shape[i], after_[i], &shape[i]);
    KL_CHECK(!overflow, "[pad] padding (", before_[i], ", ", after_[i], ") of axis ", i,
             " makes the axis longer than 2^63 - 1 elements");
  }
  return {{shape, x.dtype()}};
}

Tensors PadOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor& x = in[0];
  Shape starts = before_, stops, steps(x.ndim(), 1);
  for (int i = 0; i < x.ndim(); ++i) stops.push_back(before_[i] + x.dim(i));
  return {slice(ct[0], starts, stops, steps)};
}

Tensor pad(const Tensor& x, const Shape& before, const Shape& after, double value) {
  return call1<PadOp>({x}, before, after, value);
}

}  // namespace kl
