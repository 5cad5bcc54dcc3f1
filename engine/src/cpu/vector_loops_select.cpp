#include "cpu/simd/vector_loops.h"

namespace kl::cpu {
namespace baseline {
void fill_vector_loops(VectorLoops&);
}
#ifdef KL_HAVE_X86_ISA_VARIANTS
namespace avx2 {
void fill_vector_loops(VectorLoops&);
}
namespace avx512 {
void fill_vector_loops(VectorLoops&);
}
#endif

namespace {
VectorLoops select_loops() {
  VectorLoops loops;
#ifdef KL_HAVE_X86_ISA_VARIANTS
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
    avx512::fill_vector_loops(loops);
    return loops;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    avx2::fill_vector_loops(loops);
    return loops;
  }
#endif
  baseline::fill_vector_loops(loops);
  return loops;
}
}  // namespace

const VectorLoops& vector_loops() {
  static const VectorLoops loops = select_loops();
  return loops;
}

}  // namespace kl::cpu
