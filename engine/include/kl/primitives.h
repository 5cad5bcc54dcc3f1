#pragma once
// The primitive op classes. Kernels read their parameters; front ends in ops.h build them.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "kl/op.h"

namespace kl {

enum class UnaryKind : uint8_t {
  negative, abs, sign, exp, expm1, log, log1p, sqrt, rsqrt, square, reciprocal,
  sin, cos, tan, arcsin, arccos, arctan, sinh, cosh, tanh, arcsinh, arccosh, arctanh,
  erf, erfinv, floor, ceil, round, sigmoid, relu, softplus, lgamma, digamma,
  logical_not, isnan, isinf, isfinite, bitwise_invert,
  count_
};
const char* unary_name(UnaryKind k);

enum class BinaryKind : uint8_t {
  add, subtract, multiply, divide, power, maximum, minimum, floor_divide, mod, arctan2,
  equal, not_equal, less, less_equal, greater, greater_equal,
  logical_and, logical_or, logical_xor, bitwise_and, bitwise_or, bitwise_xor,
  left_shift, right_shift,
  count_
};
const char* binary_name(BinaryKind k);
bool binary_is_comparison(BinaryKind k);  // comparisons and logical ops give bool

class UnaryOp : public Op {
 public:
  explicit UnaryOp(UnaryKind k) : k_(k) {}
  OpKind kind() const override { return OpKind::unary; }
  const char* name() const override { return unary_name(k_); }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool differentiable() const override;
  bool needs_outputs() const override;
  UnaryKind unary_kind() const { return k_; }
  bool same_computation(const Op& o) const override {
    const auto& other = static_cast<const UnaryOp&>(o);
    return k_ == other.k_;
  }

 private:
  UnaryKind k_;
};

class BinaryOp : public Op {
 public:
  explicit BinaryOp(BinaryKind k) : k_(k) {}
  OpKind kind() const override { return OpKind::binary; }
  const char* name() const override { return binary_name(k_); }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool differentiable() const override;
  bool needs_outputs() const override { return k_ == BinaryKind::power; }
  BinaryKind binary_kind() const { return k_; }
  bool same_computation(const Op& o) const override {
    const auto& other = static_cast<const BinaryOp&>(o);
    return k_ == other.k_;
  }

 private:
  BinaryKind k_;
};

// where(cond, x, y); inputs broadcast together.
class WhereOp : public Op {
 public:
  OpKind kind() const override { return OpKind::where; }
  const char* name() const override { return "where"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool same_computation(const Op&) const override { return true; }
};

class CastOp : public Op {
 public:
  explicit CastOp(DType to) : to_(to) {}
  OpKind kind() const override { return OpKind::cast; }
  const char* name() const override { return "cast"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  DType to() const { return to_; }
  bool same_computation(const Op& o) const override {
    const auto& other = static_cast<const CastOp&>(o);
    return to_ == other.to_;
  }

 private:
  DType to_;
};

// Materialises any view as a fresh contiguous tensor.
class CopyOp : public Op {
 public:
  OpKind kind() const override { return OpKind::copy; }
  const char* name() const override { return "copy"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
};

enum class ReduceKind : uint8_t { sum, prod, max, min, any, all };
// Fixed partial-reduction length: part of the numerical result, never of the thread count.
constexpr int64_t kReduceChunk = 16384;
// Rows per partial sum when reducing the middle axis of [A, R, B] with B > 1 (a column
// reduction): chunks of about kReduceChunk elements, so a long R spreads over the threads.
inline int64_t column_chunk_rows(int64_t B) {
  return B >= kReduceChunk ? 1 : kReduceChunk / std::max<int64_t>(B, 1);
}

class ReduceOp : public Op {
 public:
  ReduceOp(ReduceKind k, std::vector<int> axes, bool keepdims)
      : k_(k), axes_(std::move(axes)), keepdims_(keepdims) {}
  OpKind kind() const override { return OpKind::reduce; }
  const char* name() const override;
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  // Partial results (8 bytes each, any accumulator): per kReduceChunk of a long row, or per
  // column_chunk_rows of a long column reduction.
  std::vector<TensorSpec> scratch(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool differentiable() const override { return k_ != ReduceKind::any && k_ != ReduceKind::all; }
  bool needs_outputs() const override { return k_ == ReduceKind::max || k_ == ReduceKind::min; }
  ReduceKind reduce_kind() const { return k_; }
  const std::vector<int>& axes() const { return axes_; }  // normalised, sorted
  bool keepdims() const { return keepdims_; }
  bool same_computation(const Op& o) const override {
    const auto& other = static_cast<const ReduceOp&>(o);
    return k_ == other.k_ && axes_ == other.axes_ && keepdims_ == other.keepdims_;
  }

 private:
  ReduceKind k_;
  std::vector<int> axes_;
  bool keepdims_;
};

class ArgReduceOp : public Op {
 public:
  ArgReduceOp(bool is_max, int axis, bool keepdims) : is_max_(is_max), axis_(axis), keepdims_(keepdims) {}
  OpKind kind() const override { return OpKind::arg_reduce; }
  const char* name() const override { return is_max_ ? "argmax" : "argmin"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  bool differentiable() const override { return false; }
  bool is_max() const { return is_max_; }
  int axis() const { return axis_; }
  bool same_computation(const Op& o) const override {
    const auto& other = static_cast<const ArgReduceOp&>(o);
    return is_max_ == other.is_max_ && axis_ == other.axis_ && keepdims_ == other.keepdims_;
  }

 private:
  bool is_max_;
  int axis_;
  bool keepdims_;
};

// Batched matmul on rank >= 2 operands with broadcast batch dimensions.
// Whether the last two axes of t have one unit stride (and a leading dimension BLAS accepts).
bool is_blas_matrix_layout(const Tensor& t);

// The activations fused into a layer epilogue (bias_activation, conv2d, matmul in graph mode).
enum class FusedActivation : uint8_t { linear, relu };
const char* fused_activation_name(FusedActivation a);

class MatmulOp : public Op {
 public:
  MatmulOp() = default;
  // With a bias (a third input, (N,)) the kernel applies bias_activation's epilogue to each
  // block of the product while it is in cache. Only graph mode makes these (it merges a matmul
  // whose one reader is a bias_activation), so eager and compiled steps give the same bits.
  // Graph runs are never differentiated, so this form has no vjp.
  explicit MatmulOp(FusedActivation epilogue) : has_bias_(true), epilogue_(epilogue) {}
  OpKind kind() const override { return OpKind::matmul; }
  const char* name() const override { return has_bias_ ? "matmul_bias_activation" : "matmul"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  // BLAS needs one unit stride among the last two axes of each operand.
  bool needs_contiguous(size_t, const Tensor& t) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool same_computation(const Op& o) const override {
    const auto& m = static_cast<const MatmulOp&>(o);
    return m.has_bias_ == has_bias_ && m.epilogue_ == epilogue_;
  }
  // Float products the packed-B GEMM runs (packs_b: a function of the shapes and of whether B
  // is stored transposed) get B's panels as scratch: every batch
  // matrix of B, K x N rounded up to kPackedColumnBytes (a multiple of every ISA's panel).
  std::vector<TensorSpec> scratch(const Tensors& in) const override;
  static constexpr int64_t kPackedColumnBytes = 128;
  static bool packs_b(const Tensor& a, const Tensor& b);
  bool has_bias() const { return has_bias_; }
  FusedActivation epilogue() const { return epilogue_; }

 private:
  bool has_bias_ = false;
  FusedActivation epilogue_ = FusedActivation::linear;
};

class ReshapeOp : public Op {
 public:
  explicit ReshapeOp(Shape shape) : shape_(std::move(shape)) {}
  OpKind kind() const override { return OpKind::reshape; }
  const char* name() const override { return "reshape"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool is_view() const override { return true; }
  Tensors make_view(const Tensors& in) const override;
  bool same_computation(const Op& o) const override {
    const auto& other = static_cast<const ReshapeOp&>(o);
    return shape_ == other.shape_;
  }

 private:
  Shape shape_;
};

class TransposeOp : public Op {
 public:
  explicit TransposeOp(std::vector<int> perm) : perm_(std::move(perm)) {}
  OpKind kind() const override { return OpKind::transpose; }
  const char* name() const override { return "transpose"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool is_view() const override { return true; }
  Tensors make_view(const Tensors& in) const override;
  bool same_computation(const Op& o) const override {
    const auto& other = static_cast<const TransposeOp&>(o);
    return perm_ == other.perm_;
  }

 private:
  std::vector<int> perm_;
};

// Basic strided slice: per axis start, stop, step (already clamped by the front end).
class SliceOp : public Op {
 public:
  SliceOp(Shape starts, Shape stops, Shape steps)
      : starts_(std::move(starts)), stops_(std::move(stops)), steps_(std::move(steps)) {}
  OpKind kind() const override { return OpKind::slice; }
  const char* name() const override { return "slice"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool is_view() const override { return true; }
  Tensors make_view(const Tensors& in) const override;
  bool same_computation(const Op& o) const override {
    const auto& other = static_cast<const SliceOp&>(o);
    return starts_ == other.starts_ && stops_ == other.stops_ && steps_ == other.steps_;
  }

 private:
  Shape starts_, stops_, steps_;
};

class BroadcastToOp : public Op {
 public:
  explicit BroadcastToOp(Shape shape) : shape_(std::move(shape)) {}
  OpKind kind() const override { return OpKind::broadcast_to; }
  const char* name() const override { return "broadcast_to"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool is_view() const override { return true; }
  Tensors make_view(const Tensors& in) const override;
  bool same_computation(const Op& o) const override {
    const auto& other = static_cast<const BroadcastToOp&>(o);
    return shape_ == other.shape_;
  }

 private:
  Shape shape_;
};

class ConcatenateOp : public Op {
 public:
  explicit ConcatenateOp(int axis) : axis_(axis) {}
  OpKind kind() const override { return OpKind::concatenate; }
  const char* name() const override { return "concatenate"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  int axis() const { return axis_; }
  bool same_computation(const Op& o) const override {
    const auto& other = static_cast<const ConcatenateOp&>(o);
    return axis_ == other.axis_;
  }

 private:
  int axis_;
};

// Constant padding: (before, after) per axis.
class PadOp : public Op {
 public:
  PadOp(Shape before, Shape after, double value)
      : before_(std::move(before)), after_(std::move(after)), value_(value) {}
  OpKind kind() const override { return OpKind::pad; }
  const char* name() const override { return "pad"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  const Shape& before() const { return before_; }
  double value() const { return value_; }

 private:
  Shape before_, after_;
  double value_;
};

// take(x, indices, axis): x.shape[:axis] + indices.shape + x.shape[axis+1:]. Negative indices
// wrap; out-of-range indices raise IndexError.
class TakeOp : public Op {
 public:
  explicit TakeOp(int axis) : axis_(axis) {}
  OpKind kind() const override { return OpKind::take; }
  const char* name() const override { return "take"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  // The decoded (wrapped, bounds-checked) int64 indices.
  std::vector<TensorSpec> scratch(const Tensors& in) const override {
    return {{{in[1].size()}, DType::int64}};
  }
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  int axis() const { return axis_; }

 private:
  int axis_;
};

enum class ScatterMode : uint8_t { add, update, max, min };

// The inverse of take: out = base; out[..., indices[j], ...] (op)= updates[..., j, ...].
class ScatterOp : public Op {
 public:
  ScatterOp(int axis, ScatterMode mode) : axis_(axis), mode_(mode) {}
  OpKind kind() const override { return OpKind::scatter; }
  const char* name() const override { return "scatter"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  // The base is copied into the output by the copy kernel, which reads any strides.
  bool needs_contiguous(size_t i, const Tensor& t) const override {
    return i != 0 && !t.is_contiguous();
  }
  // The decoded (wrapped, bounds-checked) int64 indices.
  std::vector<TensorSpec> scratch(const Tensors& in) const override {
    return {{{in[1].size()}, DType::int64}};
  }
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  int axis() const { return axis_; }
  ScatterMode mode() const { return mode_; }

 private:
  int axis_;
  ScatterMode mode_;
};

class TakeAlongAxisOp : public Op {
 public:
  explicit TakeAlongAxisOp(int axis) : axis_(axis) {}
  OpKind kind() const override { return OpKind::take_along_axis; }
  const char* name() const override { return "take_along_axis"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  // The decoded (wrapped, bounds-checked) int64 indices.
  std::vector<TensorSpec> scratch(const Tensors& in) const override {
    return {{{in[1].size()}, DType::int64}};
  }
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  int axis() const { return axis_; }

 private:
  int axis_;
};

// out = base; out[idx along axis] (op)= updates, with indices shaped like updates.
class ScatterAlongAxisOp : public Op {
 public:
  ScatterAlongAxisOp(int axis, ScatterMode mode) : axis_(axis), mode_(mode) {}
  OpKind kind() const override { return OpKind::scatter_along_axis; }
  const char* name() const override { return "scatter_along_axis"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  // The decoded (wrapped, bounds-checked) int64 indices.
  std::vector<TensorSpec> scratch(const Tensors& in) const override {
    return {{{in[1].size()}, DType::int64}};
  }
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  int axis() const { return axis_; }
  ScatterMode mode() const { return mode_; }

 private:
  int axis_;
  ScatterMode mode_;
};

enum class CumulativeKind : uint8_t { sum, prod, max, min };

class CumulativeOp : public Op {
 public:
  CumulativeOp(CumulativeKind k, int axis, bool reverse) : k_(k), axis_(axis), reverse_(reverse) {}
  OpKind kind() const override { return OpKind::cumulative; }
  const char* name() const override;
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool needs_outputs() const override { return k_ != CumulativeKind::sum; }
  CumulativeKind cumulative_kind() const { return k_; }
  int axis() const { return axis_; }
  bool reverse() const { return reverse_; }

 private:
  CumulativeKind k_;
  int axis_;
  bool reverse_;
};

// Stable sort along an axis: outputs (values, int32 indices). NaNs sort last.
class SortOp : public Op {
 public:
  SortOp(int axis, bool descending) : axis_(axis), descending_(descending) {}
  OpKind kind() const override { return OpKind::sort; }
  const char* name() const override { return "sort"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  // One int32 order buffer per line being sorted.
  std::vector<TensorSpec> scratch(const Tensors& in) const override {
    return {{{in[0].size()}, DType::int32}};
  }
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool needs_outputs() const override { return true; }
  int axis() const { return axis_; }
  bool descending() const { return descending_; }

 private:
  int axis_;
  bool descending_;
};

class SoftmaxOp : public Op {
 public:
  SoftmaxOp(int axis, bool log) : axis_(axis), log_(log) {}
  OpKind kind() const override { return log_ ? OpKind::log_softmax : OpKind::softmax; }
  const char* name() const override { return log_ ? "log_softmax" : "softmax"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool needs_outputs() const override { return true; }
  int axis() const { return axis_; }
  bool same_computation(const Op& o) const override {
    const auto& other = static_cast<const SoftmaxOp&>(o);
    return axis_ == other.axis_ && log_ == other.log_;
  }

 private:
  int axis_;
  bool log_;
};

// The sliding windows of a convolution or pooling, gathered into rows (im2col).
// x is channels-last (batch, s_1..s_n, channels); the output is (batch, o_1..o_n,
// w_1 * ... * w_n * channels) with feature ((k_1 * w_2 + k_2) * ... + k_n) * channels + c, so
// a (w_1, ..., w_n, in, out) kernel reshaped to (w_1*...*w_n*in, out) multiplies it directly.
// Window positions in the padding read zero. o_i = (s_i + before_i + after_i -
// dilation_i * (w_i - 1) - 1) / stride_i + 1, or 0 when the dilated window is longer.
struct WindowGeometry {
  Shape window, strides, dilation, before, after;
  int rank() const { return int(window.size()); }
  Shape output_spatial(const Shape& input) const;  // input: the full channels-last shape
};

class PatchesOp : public Op {
 public:
  explicit PatchesOp(WindowGeometry g) : g_(std::move(g)) {}
  OpKind kind() const override { return OpKind::patches; }
  const char* name() const override { return "patches"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  const WindowGeometry& geometry() const { return g_; }

 private:
  WindowGeometry g_;
};

// The adjoint of patches (col2im): every row's entries are added back at the input positions
// they were read from, giving a tensor of `input_shape`.
class PatchesAdjointOp : public Op {
 public:
  PatchesAdjointOp(WindowGeometry g, Shape input_shape)
      : g_(std::move(g)), input_shape_(std::move(input_shape)) {}
  OpKind kind() const override { return OpKind::patches_adjoint; }
  const char* name() const override { return "patches_adjoint"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  const WindowGeometry& geometry() const { return g_; }

 private:
  WindowGeometry g_;
  Shape input_shape_;
};

// The maximum over each window of a channels-last input (dilation 1); window positions in the
// padding never win. Its gradient goes to the first maximum of each window in row-major window
// order, as TensorFlow's MaxPoolGrad does.
class MaxPoolOp : public Op {
 public:
  explicit MaxPoolOp(WindowGeometry g) : g_(std::move(g)) {}
  OpKind kind() const override { return OpKind::max_pool; }
  const char* name() const override { return "max_pool"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  std::vector<TensorSpec> scratch(const Tensors& in) const override;  // window tap offsets
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  // The relu mask at a window's maximum is the pooled value's sign: masking the small pooled
  // cotangent instead of the routed one gives the same values.
  Tensors vjp_through_relu(const Tensors& in, const Tensors& out,
                           const Tensors& ct) const override;
  bool needs_outputs() const override { return true; }
  const WindowGeometry& geometry() const { return g_; }

 private:
  WindowGeometry g_;
};

// Inputs (x, max_pool(x), cotangent of the pooled output) -> the cotangent of x.
class MaxPoolAdjointOp : public Op {
 public:
  explicit MaxPoolAdjointOp(WindowGeometry g) : g_(std::move(g)) {}
  OpKind kind() const override { return OpKind::max_pool_adjoint; }
  const char* name() const override { return "max_pool_adjoint"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  std::vector<TensorSpec> scratch(const Tensors& in) const override;  // window tap offsets
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  // Linear in the cotangent: its vjp gathers at each window's first maximum (max_pool_gather);
  // the routing is piecewise constant in x, so x and pooled get no gradient.
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  const WindowGeometry& geometry() const { return g_; }

 private:
  WindowGeometry g_;
};

// Inputs (x, max_pool(x), c with x's shape) -> c at each window's first maximum, of the pooled
// shape (0 where a window has none, as for NaN): the transpose of max_pool_adjoint in its
// cotangent, so second-order gradients through max_pool work.
class MaxPoolGatherOp : public Op {
 public:
  explicit MaxPoolGatherOp(WindowGeometry g) : g_(std::move(g)) {}
  OpKind kind() const override { return OpKind::max_pool_gather; }
  const char* name() const override { return "max_pool_gather"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  std::vector<TensorSpec> scratch(const Tensors& in) const override;  // window tap offsets
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  const WindowGeometry& geometry() const { return g_; }

 private:
  WindowGeometry g_;
};

// y = activation(x + bias) over the last (channel) axis in one pass: the epilogue of a Dense
// or channels-last convolution layer. Its gradient is one pass too (see BiasActivationGradOp).

class BiasActivationOp : public Op {
 public:
  explicit BiasActivationOp(FusedActivation a) : a_(a) {}
  OpKind kind() const override { return OpKind::bias_activation; }
  const char* name() const override { return "bias_activation"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool has_relu_epilogue() const override { return a_ == FusedActivation::relu; }
  Tensors vjp_before_relu(const Tensors& in, const Tensor& z_ct,
                          const Tensor& z_ct_column_sums) const override;
  bool needs_outputs() const override { return a_ == FusedActivation::relu; }
  FusedActivation activation() const { return a_; }

 private:
  FusedActivation a_;
};

// (ct, y) -> (g, db): g = ct * activation'(y) and db = g summed over every axis but the last,
// in fixed row chunks combined in order (thread-count independent, like a column reduction).
// y is bias_activation's output; relu's derivative reads it (y > 0 exactly where x + bias > 0).
class BiasActivationGradOp : public Op {
 public:
  explicit BiasActivationGradOp(FusedActivation a) : a_(a) {}
  OpKind kind() const override { return OpKind::bias_activation_grad; }
  const char* name() const override { return "bias_activation_grad"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  std::vector<TensorSpec> scratch(const Tensors& in) const override;  // per-chunk db rows
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  FusedActivation activation() const { return a_; }

 private:
  FusedActivation a_;
};

// Direct 2-D convolution, channels-last, stride 1, no padding (callers pad): x (N, H, W, C)
// and w (KH, KW, C, F) give (N, H - KH + 1, W - KW + 1, F). No patches buffer: the kernel walks
// the window taps in registers (cpu/simd/conv_loops.cpp). Its gradients are this op again (for
// x: the padded cotangent with the flipped kernel) and Conv2dFilterGradOp.
// With a bias (a third input, (F,)) and/or relu, the layer epilogue runs on the accumulators
// before they are stored (as BiasActivationOp would, without another pass over y).
class Conv2dOp : public Op {
 public:
  // top / bottom: implicit zero rows above and below x (in [0, KH)): output rows next to
  // them skip the kernel rows that would read padding instead of multiplying zeros.
  explicit Conv2dOp(FusedActivation a = FusedActivation::linear, bool has_bias = false,
                    int64_t top = 0, int64_t bottom = 0)
      : a_(a), has_bias_(has_bias), top_(top), bottom_(bottom) {}
  OpKind kind() const override { return OpKind::conv2d; }
  const char* name() const override { return "conv2d"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  std::vector<TensorSpec> scratch(const Tensors& in) const override;  // the tap offset table
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool has_relu_epilogue() const override { return a_ == FusedActivation::relu; }
  Tensors vjp_before_relu(const Tensors& in, const Tensor& z_ct,
                          const Tensor& z_ct_column_sums) const override;
  bool needs_outputs() const override { return a_ == FusedActivation::relu; }
  FusedActivation activation() const { return a_; }
  bool has_bias() const { return has_bias_; }
  int64_t top() const { return top_; }
  int64_t bottom() const { return bottom_; }

 private:
  FusedActivation a_;
  bool has_bias_;
  int64_t top_, bottom_;
};

// (x, g) -> dw of shape (KH, KW, C, F) with KH = H - OH + 1, KW = W - OW + 1: sums over fixed
// chunks of images, each into its own partial, combined in chunk order.
class Conv2dFilterGradOp : public Op {
 public:
  OpKind kind() const override { return OpKind::conv2d_filter_grad; }
  const char* name() const override { return "conv2d_filter_grad"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  std::vector<TensorSpec> scratch(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
};
// Output pixels per filter-gradient chunk (whole images, at least one): part of the result.
constexpr int64_t kConvFilterChunkPixels = 1024;
constexpr int64_t kConvSpillRows = 24;  // the most accumulator rows of any ISA's kernel

// Creation ops take no inputs.
class ArangeOp : public Op {
 public:
  ArangeOp(double start, double step, int64_t n, DType dt, Device dev)
      : start_(start), step_(step), n_(n), dtype_(dt), device_(dev) {}
  OpKind kind() const override { return OpKind::arange; }
  const char* name() const override { return "arange"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool differentiable() const override { return false; }
  Device output_device(const Tensors&) const override { return device_; }
  double start() const { return start_; }
  double step() const { return step_; }

 private:
  double start_, step_;
  int64_t n_;
  DType dtype_;
  Device device_;
};

class FullOp : public Op {
 public:
  FullOp(Shape shape, double value, DType dt, Device dev)
      : shape_(std::move(shape)), value_(value), dtype_(dt), device_(dev) {}
  // An exact integer fill: int64 values beyond 2^53 would not survive a trip through double.
  FullOp(Shape shape, int64_t value, DType dt, Device dev)
      : shape_(std::move(shape)), value_(double(value)), int_value_(value), is_int_(true),
        dtype_(dt), device_(dev) {}
  OpKind kind() const override { return OpKind::full; }
  const char* name() const override { return "full"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool differentiable() const override { return false; }
  Device output_device(const Tensors&) const override { return device_; }
  double value() const { return value_; }
  bool is_int() const { return is_int_; }
  int64_t int_value() const { return int_value_; }

 private:
  Shape shape_;
  double value_;
  int64_t int_value_ = 0;
  bool is_int_ = false;
  DType dtype_;
  Device device_;
};

enum class RandomKind : uint8_t { uniform, normal, bits };

// Philox4x32-10 keyed by `seed`, counter block starting at `counter`: element i uses counter
// (counter + i / 4) and lane i % 4, so results never depend on threads or device.
// The Philox state is the op's input, an int64 tensor [seed, counter] (a SeedGenerator's
// state Variable), not an attribute: a recorded step replays with each step's state. The kernel
// starts at block `counter + block_offset`, so one state serves several independent streams.
class RandomOp : public Op {
 public:
  RandomOp(RandomKind k, Shape shape, DType dt, uint64_t block_offset)
      : k_(k), shape_(std::move(shape)), dtype_(dt), block_offset_(block_offset) {}
  OpKind kind() const override { return OpKind::random; }
  const char* name() const override { return "random"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool differentiable() const override { return false; }
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  RandomKind random_kind() const { return k_; }
  uint64_t block_offset() const { return block_offset_; }

 private:
  RandomKind k_;
  Shape shape_;
  DType dtype_;
  uint64_t block_offset_;
};

// Attaches a caller-supplied gradient to precomputed outputs (ops.custom_gradient). Inputs are
// the primal inputs followed by the outputs; the outputs alias the latter, so no kernel runs.
class CustomVjpOp : public Op {
 public:
  using VjpFn = std::function<Tensors(const Tensors& cotangents)>;
  CustomVjpOp(int num_primals, VjpFn fn) : num_primals_(num_primals), fn_(std::move(fn)) {}
  OpKind kind() const override { return OpKind::custom_vjp; }
  const char* name() const override { return "custom_gradient"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool is_view() const override { return true; }
  Tensors make_view(const Tensors& in) const override;

 private:
  int num_primals_;
  VjpFn fn_;
};

// The whole-sequence recurrences: one call runs an RNN layer over every time step (a C++ loop
// with one GEMM against the recurrent kernel per step and the gates fused after it), one call
// runs backpropagation through time. Shared attributes: `reverse` processes the sequence from
// its last step (Keras's go_backwards; per-step outputs stay in processing order), `masked`
// adds a last input, a (batch, time) bool mask in input order: a masked step carries the
// states through unchanged. xproj (batch, time, gates * units) is the input projection of
// every step (x @ W + b, one GEMM before the loop).
enum class RecurrentActivation : uint8_t { linear, tanh, sigmoid, relu };

class RecurrentOp : public Op {
 public:
  RecurrentOp(bool reverse, bool masked, RecurrentActivation a = RecurrentActivation::tanh)
      : reverse_(reverse), masked_(masked), activation_(a) {}
  bool reverse() const { return reverse_; }
  bool masked() const { return masked_; }
  RecurrentActivation activation() const { return activation_; }
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }

 private:
  bool reverse_, masked_;
  RecurrentActivation activation_;
};

// LSTM, Keras's gate order (i, f, c, o), sigmoid gates and tanh candidate/output. Inputs
// (xproj, u, h0, c0[, mask]), u (units, 4 * units). Outputs (hs, cs, gates): every step's
// hidden and cell state (batch, time, units) and the activated gates (batch, time, 4 * units),
// which the backward pass reads instead of recomputing them.
class LstmSequenceOp : public RecurrentOp {
 public:
  using RecurrentOp::RecurrentOp;
  OpKind kind() const override { return OpKind::lstm_sequence; }
  const char* name() const override { return "lstm_sequence"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  std::vector<TensorSpec> scratch(const Tensors& in) const override;  // one step's z
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool needs_outputs() const override { return true; }
};

// (u, c0, cs, gates, dhs, dcs[, mask]) -> (dz, dh0, dc0), dz (batch, time, 4 * units) the
// cotangent of xproj; the recurrent kernel's gradient is one GEMM over dz afterwards.
class LstmSequenceGradOp : public RecurrentOp {
 public:
  using RecurrentOp::RecurrentOp;
  OpKind kind() const override { return OpKind::lstm_sequence_grad; }
  const char* name() const override { return "lstm_sequence_grad"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool differentiable() const override { return false; }
};

// GRU, gate order z, r, h; h = z * h_prev + (1 - z) * h~, u (units, 3 * units).
// - reset_after (Keras's default, cuDNN's): inputs (xproj, u, rbias, h0[, mask]); rbias
//   (3 * units), the recurrent bias, is added to h_prev @ u before r scales its candidate
//   block: h~ = tanh(x_h + r * (h_prev @ u_h + rbias_h)). gates holds z, r, h~ and that
//   recurrent projection of the candidate block.
// - reset before (reset_after=false): inputs (xproj, u, h0[, mask]); r scales h_prev first:
//   h~ = tanh(x_h + (r * h_prev) @ u_h), a second GEMM per step. gates holds z, r, h~ and
//   r * h_prev.
// Outputs (hs, gates), gates (batch, time, 4 * units) for the backward pass.
class GruSequenceOp : public RecurrentOp {
 public:
  GruSequenceOp(bool reverse, bool masked, bool reset_after)
      : RecurrentOp(reverse, masked), reset_after_(reset_after) {}
  OpKind kind() const override { return OpKind::gru_sequence; }
  const char* name() const override { return "gru_sequence"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  std::vector<TensorSpec> scratch(const Tensors& in) const override;  // one step's h @ u
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool needs_outputs() const override { return true; }
  bool reset_after() const { return reset_after_; }
  size_t h0_input() const { return reset_after_ ? 3 : 2; }

 private:
  bool reset_after_;
};

// (u, h0, hs, gates, dhs[, mask]) -> (dxproj, drec, dh0) with reset_after, drec the cotangent
// of every step's h @ u + rbias (it differs from dxproj in the candidate block, which r
// scales); (dxproj, dh0) with the reset before, where the candidate block's kernel gradient
// pairs dxproj with the saved r * h_prev.
class GruSequenceGradOp : public RecurrentOp {
 public:
  GruSequenceGradOp(bool reverse, bool masked, bool reset_after)
      : RecurrentOp(reverse, masked), reset_after_(reset_after) {}
  OpKind kind() const override { return OpKind::gru_sequence_grad; }
  const char* name() const override { return "gru_sequence_grad"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool differentiable() const override { return false; }
  bool reset_after() const { return reset_after_; }

 private:
  bool reset_after_;
};

// SimpleRNN, h = activation(xproj + h_prev @ u): inputs (xproj, u, h0[, mask]) -> (hs).
class SimpleRnnSequenceOp : public RecurrentOp {
 public:
  using RecurrentOp::RecurrentOp;
  OpKind kind() const override { return OpKind::simple_rnn_sequence; }
  const char* name() const override { return "simple_rnn_sequence"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool needs_outputs() const override { return true; }
};

// (u, hs, dhs[, mask]) -> (dxproj, dh0); the activation's derivative comes from hs.
class SimpleRnnSequenceGradOp : public RecurrentOp {
 public:
  using RecurrentOp::RecurrentOp;
  OpKind kind() const override { return OpKind::simple_rnn_sequence_grad; }
  const char* name() const override { return "simple_rnn_sequence_grad"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool differentiable() const override { return false; }
};

// Scaled dot-product attention softmax(q k^T * scale + bias) v in one pass over blocks of keys
// (online softmax), so no (batch, heads, T, S) tensor is ever stored. Inputs (q, k, v[, bias]
// [, mask]) in Keras's layout: q (B, T, N, H), k (B, S, K, H), v (B, S, K, Hv), N a multiple of
// K (query head n reads key head n / (N / K)); bias (float) and mask (bool) are rank 4 with
// every axis 1 or the full (B, N, T, S) extent. Masked and causal (s > t) logits become
// -0.7 * max(dtype), as in Keras, so a fully masked row averages every value. Outputs (out
// (B, T, N, Hv), stats (B, N, T, 2)): each row's max logit and its sum of exp(logit - max),
// from which the backward pass recomputes the probabilities block by block. (A log-sum-exp
// would lose the sum of a fully masked row, whose max is -0.7 * max(dtype).)
class AttentionOp : public Op {
 public:
  AttentionOp(double scale, bool causal, bool has_bias, bool has_mask)
      : scale_(scale), causal_(causal), has_bias_(has_bias), has_mask_(has_mask) {}
  OpKind kind() const override { return OpKind::attention; }
  const char* name() const override { return "dot_product_attention"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool needs_outputs() const override { return true; }
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  double scale() const { return scale_; }
  bool causal() const { return causal_; }
  bool has_bias() const { return has_bias_; }
  bool has_mask() const { return has_mask_; }

 protected:
  double scale_;
  bool causal_, has_bias_, has_mask_;
};

// (q, k, v[, bias][, mask], out, stats, dout) -> (dq, dk, dv[, dlogits]); dlogits (B, N, T, S),
// the cotangent of the biased logits, only when the bias needs a gradient (it is then reduced
// to the bias's shape).
class AttentionGradOp : public AttentionOp {
 public:
  AttentionGradOp(double scale, bool causal, bool has_bias, bool has_mask, bool logits_grad)
      : AttentionOp(scale, causal, has_bias, has_mask), logits_grad_(logits_grad) {}
  OpKind kind() const override { return OpKind::attention_grad; }
  const char* name() const override { return "dot_product_attention_grad"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool differentiable() const override { return false; }
  bool needs_outputs() const override { return false; }
  bool logits_grad() const { return logits_grad_; }

 private:
  bool logits_grad_;
};

}  // namespace kl
