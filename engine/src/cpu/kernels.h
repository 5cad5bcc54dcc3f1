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
}  // namespace kl::cpu

namespace kl::cpu {
// x itself when contiguous, else a contiguous copy made without recording a gradient.
Tensor contiguous_input(const Tensor& x);
}  // namespace kl::cpu
