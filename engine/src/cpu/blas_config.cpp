#include <cblas.h>

#include "blas_threads.h"

extern "C" {
void scipy_openblas_set_num_threads(int num_threads);
char* scipy_openblas_get_config(void);
char* scipy_openblas_get_corename(void);
}

namespace kl {

void pin_blas_to_one_thread() { scipy_openblas_set_num_threads(1); }
std::string blas_config() { return scipy_openblas_get_config(); }
std::string blas_core_name() { return scipy_openblas_get_corename(); }

}  // namespace kl
