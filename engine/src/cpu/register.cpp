#include "blas_threads.h"
#include "cpu/kernels.h"
#include "kl/autograd.h"
#include "kl/ops.h"

namespace kl::cpu {

const Tensor& expect_contiguous(const Tensor& x) {
  KL_CHECK(x.is_contiguous(), "[kernel] internal: a strided input reached a kernel that needs it "
           "contiguous (its op's needs_contiguous() is missing)");
  return x;
}

void register_kernels() {
  pin_blas_to_one_thread();
  register_elementwise_kernels();
  register_reduce_kernels();
  register_matmul_kernels();
  register_shape_kernels();
  register_fused_kernels();
  register_indexing_kernels();
  register_nn_kernels();
  register_random_kernels();
  register_optim_kernels();
  register_linalg_kernels();
  register_window_kernels();
  register_bias_activation_kernels();
  register_conv_kernels();
  register_recurrent_kernels();
  register_attention_kernels();
}

}  // namespace kl::cpu
