#pragma once
#include <string>

// OpenBLAS keeps its own thread pool; its size follows ours so the two never oversubscribe.
namespace kl {
void set_blas_threads(int n);
std::string blas_config();     // OpenBLAS build configuration string
std::string blas_core_name();  // the kernel OpenBLAS chose for this CPU
}  // namespace kl

