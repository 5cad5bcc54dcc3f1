#pragma once
#include <string>

// OpenBLAS always runs single-threaded: our pool splits each GEMM into fixed row blocks (see
// cpu/matmul_kernel.cpp), so a second pool would only oversubscribe the cores and make results
// depend on the thread count.
namespace kl {
void pin_blas_to_one_thread();
std::string blas_config();     // OpenBLAS build configuration string
std::string blas_core_name();  // the kernel OpenBLAS chose for this CPU
}  // namespace kl
