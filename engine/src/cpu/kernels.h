#pragma once
// Registration entry points of the CPU kernel families.
#include <cstring>

#include "kl/primitives.h"
#include "kl/tensor.h"

namespace kl::cpu {
void register_elementwise_kernels();
void register_reduce_kernels();
void register_matmul_kernels();
void register_shape_kernels();
void register_indexing_kernels();
void register_nn_kernels();
void register_random_kernels();
void register_optim_kernels();
void register_linalg_kernels();
void register_window_kernels();
void register_bias_activation_kernels();
void register_conv_kernels();
void register_recurrent_kernels();
void register_attention_kernels();
void register_fused_kernels();
// Whether a unary/binary op on `dtype` has the SIMD loop a fused program runs (the same loop
// its own kernel takes on contiguous operands).
bool fusable_elementwise(const Op& op, DType dtype);

// f(float{}) or f(double{}): the kernels whose ops accept only float32 and float64
// (recurrences, attention); the ops have checked the dtype.
template <class F>
void by_float_dtype(DType d, F f) {
  if (d == DType::float32) f(float{});
  else f(double{});
}
}  // namespace kl::cpu

namespace kl::cpu {
// x itself; the op's needs_contiguous() made the dispatcher stage a contiguous copy, so a
// strided x here is an engine bug (kernels never allocate or call ops).
const Tensor& expect_contiguous(const Tensor& x);
}  // namespace kl::cpu
