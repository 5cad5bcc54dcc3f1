#pragma once
// C (M x N, ldc) = op(A) @ op(B) + beta * C for the fused kernels (recurrences, attention) that
// call BLAS on blocks they own, with op(X) = X or X^T. A and B are row-major: op(A) is M x K
// (A is K x M when transposed), op(B) is K x N (B is N x K when transposed). Empty products
// never reach BLAS, whose argument checks reject a zero leading dimension.
#include <cblas.h>

#include <cstdint>
#include <type_traits>

#include "kl/error.h"

namespace kl::cpu {

template <class T>
void row_major_gemm(const T* a, int64_t lda, bool a_transposed, const T* b, int64_t ldb,
                    bool b_transposed, T* c, int64_t ldc, int64_t M, int64_t N, int64_t K,
                    T beta) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
  if (M == 0 || N == 0) return;
  // BLAS takes 32-bit sizes; the ops check their shapes, so this only guards against a bug.
  constexpr int64_t kMax = 2147483647;
  KL_CHECK(M <= kMax && N <= kMax && K <= kMax && lda <= kMax && ldb <= kMax && ldc <= kMax,
           "[gemm] internal: a product exceeds BLAS's 32-bit sizes");
  if (K == 0) {
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) c[m * ldc + n] = beta == T(0) ? T(0) : beta * c[m * ldc + n];
    return;
  }
  auto ta = a_transposed ? CblasTrans : CblasNoTrans;
  auto tb = b_transposed ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>)
    scipy_cblas_sgemm(CblasRowMajor, ta, tb, int(M), int(N), int(K), 1.0f, a, int(lda), b,
                      int(ldb), beta, c, int(ldc));
  else
    scipy_cblas_dgemm(CblasRowMajor, ta, tb, int(M), int(N), int(K), 1.0, a, int(lda), b,
                      int(ldb), beta, c, int(ldc));
}

}  // namespace kl::cpu
