#include <cblas.h>

#include "blas_threads.h"

extern "C" {
void scipy_openblas_set_num_threads(int num_threads);
char* scipy_openblas_get_config(void);
char* scipy_openblas_get_corename(void);
}

namespace kl {

// Our pool splits GEMMs into row blocks, so OpenBLAS runs each block on the calling thread.
void set_blas_threads(int) { scipy_openblas_set_num_threads(1); }
std::string blas_config() { return scipy_openblas_get_config(); }
std::string blas_core_name() { return scipy_openblas_get_corename(); }

}  // namespace kl
