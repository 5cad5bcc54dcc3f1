#pragma once
// Front ends of the primitives: validate arguments, build the op, dispatch.
#include <string>
#include <vector>

#include "kl/primitives.h"

namespace kl {

Tensor unary(UnaryKind k, const Tensor& x);
Tensor binary(BinaryKind k, const Tensor& a, const Tensor& b);
Tensor add(const Tensor& a, const Tensor& b);
Tensor subtract(const Tensor& a, const Tensor& b);
Tensor multiply(const Tensor& a, const Tensor& b);
Tensor divide(const Tensor& a, const Tensor& b);
Tensor negative(const Tensor& x);
Tensor where(const Tensor& cond, const Tensor& x, const Tensor& y);
Tensor cast(const Tensor& x, DType dtype);
Tensor copy(const Tensor& x);
Tensor contiguous(const Tensor& x);  // x itself when already contiguous

Tensor reduce(ReduceKind k, const Tensor& x, const std::vector<int64_t>& axes, bool keepdims);
Tensor sum(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims);
Tensor arg_reduce(const Tensor& x, bool is_max, int64_t axis, bool keepdims);

Tensor matmul(const Tensor& a, const Tensor& b);

Tensor reshape(const Tensor& x, const Shape& shape);  // one -1 allowed
Tensor transpose(const Tensor& x, const std::vector<int64_t>& perm);
Tensor swap_last_axes(const Tensor& x);
Tensor slice(const Tensor& x, const Shape& starts, const Shape& stops, const Shape& steps);
Tensor broadcast_to(const Tensor& x, const Shape& shape);
Tensor concatenate(const Tensors& xs, int64_t axis);
Tensor pad(const Tensor& x, const Shape& before, const Shape& after, double value);
// Convolution windows as rows (see PatchesOp) and their adjoint.
Tensor patches(const Tensor& x, const Shape& window, const Shape& strides, const Shape& dilation,
               const Shape& before, const Shape& after);
Tensor patches_adjoint(const Tensor& rows, const Shape& input_shape, const Shape& window,
                       const Shape& strides, const Shape& dilation, const Shape& before,
                       const Shape& after);
// Max pooling of a channels-last x (dilation 1) and its adjoint (see MaxPoolOp).
Tensor max_pool(const Tensor& x, const Shape& window, const Shape& strides, const Shape& before,
                const Shape& after);
Tensor max_pool_adjoint(const Tensor& x, const Tensor& pooled, const Tensor& ct,
                        const Shape& window, const Shape& strides, const Shape& before,
                        const Shape& after);
Tensor max_pool_gather(const Tensor& x, const Tensor& pooled, const Tensor& c,
                       const Shape& window, const Shape& strides, const Shape& before,
                       const Shape& after);
// activation(x + bias) over x's last axis, activation "linear" or "relu" (BiasActivationOp);
// bias_activation_grad returns {g, db}.
Tensor bias_activation(const Tensor& x, const Tensor& bias, const std::string& activation);
Tensors bias_activation_grad(const Tensor& ct, const Tensor& y, const std::string& activation);
// Direct stride-1 valid 2-D convolution of channels-last x with w (KH, KW, C, F) (Conv2dOp),
// and its filter gradient from x and the output cotangent g.
// top / bottom: implicit zero rows above and below x.
Tensor conv2d(const Tensor& x, const Tensor& w, int64_t top = 0, int64_t bottom = 0);
// activation(conv2d(x, w) + bias) in one op; bias may be undefined (no bias).
Tensor conv2d_bias_activation(const Tensor& x, const Tensor& w, const Tensor& bias,
                              const std::string& activation, int64_t top = 0,
                              int64_t bottom = 0);
Tensor conv2d_filter_grad(const Tensor& x, const Tensor& g);
Tensor take(const Tensor& x, const Tensor& indices, int64_t axis);
Tensor scatter(const Tensor& base, const Tensor& indices, const Tensor& updates, int64_t axis,
               ScatterMode mode);
Tensor take_along_axis(const Tensor& x, const Tensor& indices, int64_t axis);
Tensor scatter_along_axis(const Tensor& base, const Tensor& indices, const Tensor& updates,
                          int64_t axis, ScatterMode mode);
Tensor cumulative(CumulativeKind k, const Tensor& x, int64_t axis, bool reverse);
Tensors sort(const Tensor& x, int64_t axis, bool descending);
Tensor softmax(const Tensor& x, int64_t axis);
Tensor log_softmax(const Tensor& x, int64_t axis);

Tensor arange(double start, double step, int64_t n, DType dtype, const Device& device = {});
Tensor full(const Shape& shape, double value, DType dtype, const Device& device = {});
// An exact integer fill; throws OverflowError when `value` does not fit in an integer `dtype`.
Tensor full_int(const Shape& shape, int64_t value, DType dtype, const Device& device = {});
Tensor zeros_like(const Tensor& x);
Tensor ones_like(const Tensor& x);
Tensor scalar_like(double value, const Tensor& x);  // 0-d, same dtype and device as x
// A weak Python scalar follows the other operand to its device (meta, cuda).
Tensor scalar_to_device(const Tensor& scalar, const Device& device);
// Draws from the Philox state tensor [seed, counter] (int64, shape (2,)), starting
// `block_offset` blocks past its counter.
Tensor random(RandomKind k, const Shape& shape, DType dtype, const Tensor& state,
              uint64_t block_offset = 0);
Tensor random(RandomKind k, const Shape& shape, DType dtype, uint64_t seed, uint64_t counter,
              const Device& device = {});

Tensors custom_vjp(const Tensors& primals, const Tensors& outputs, CustomVjpOp::VjpFn fn);

// In-place updates for Variables and optimizers: dst keeps its storage (no reallocation).
void assign(const Tensor& dst, const Tensor& src);

// The whole-sequence recurrences (see RecurrentOp); `mask` may be an undefined Tensor.
// lstm_sequence -> {hs, cs, gates}; gru_sequence -> {hs, gates}; simple_rnn_sequence -> {hs}.
// gru_sequence without `rbias` (undefined) is the reset-before GRU (reset_after=False).
Tensors lstm_sequence(const Tensor& xproj, const Tensor& u, const Tensor& h0, const Tensor& c0,
                      const Tensor& mask = {}, bool reverse = false);
Tensors gru_sequence(const Tensor& xproj, const Tensor& u, const Tensor& rbias, const Tensor& h0,
                     const Tensor& mask = {}, bool reverse = false);
Tensors simple_rnn_sequence(const Tensor& xproj, const Tensor& u, const Tensor& h0,
                            RecurrentActivation activation, const Tensor& mask = {},
                            bool reverse = false);

// Fused scaled dot-product attention (see AttentionOp); `bias` and `mask` may be undefined.
Tensor dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                             const Tensor& bias = {}, const Tensor& mask = {},
                             double scale = 1.0, bool causal = false);

}  // namespace kl
