#include "cpu/simd/vector_loops.h"

#include <cstdlib>
#include <cstring>

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
// KERAS_LIKE_SIMD_ISA=baseline or avx2 caps the choice, so one machine can test every
// variant's loops (tests/engine/test_simd_variants.py); anything else means no cap.
int isa_cap() {
  const char* cap = std::getenv("KERAS_LIKE_SIMD_ISA");
  if (cap && std::strcmp(cap, "baseline") == 0) return 0;
  if (cap && std::strcmp(cap, "avx2") == 0) return 1;
  return 2;
}

VectorLoops select_loops() {
  VectorLoops loops;
#ifdef KL_HAVE_X86_ISA_VARIANTS
  __builtin_cpu_init();
  int cap = isa_cap();
  if (cap >= 2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
    avx512::fill_vector_loops(loops);
    return loops;
  }
  if (cap >= 1 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
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
