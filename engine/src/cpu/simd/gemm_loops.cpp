// A register-blocked product for the small GEMMs inside the recurrences (a block of batch rows
// times the recurrent kernel, once per time step), compiled once per KL_ISA like
// vector_loops.cpp. Those products are too small for BLAS's per-call packing and dispatch to
// pay off (16 x 64 by 64 x 256 takes a few microseconds), and B is the same matrix at every
// step, so it stays in L1/L2 unpacked. Like conv_loops.cpp this file compiles with
// -ffp-contract=fast (a multiply-add is one FMA); the summation order is fixed by the shape.
#include <array>
#include <utility>

#include "cpu/simd/register_blocks.h"
#include "cpu/simd/vector_loops.h"

namespace kl::cpu::KL_ISA {
namespace {

// P rows x FV vectors of columns: c[p][..] = (accumulate ? c[p][..] : 0) + sum_k a[p][k] b[k][..]
// (b and c already offset to the block's first column).
template <class T, int P, int FV>
void gemm_block(const T* __restrict a, int64_t lda, const T* __restrict b, int64_t ldb,
                T* __restrict c, int64_t ldc, int64_t K, bool accumulate) {
  using V = Vec<T>;
  typename V::type acc[P][FV];
  for (int p = 0; p < P; ++p)
    for (int v = 0; v < FV; ++v)
      acc[p][v] = accumulate ? V::load(c + p * ldc + v * V::width) : typename V::type{};
  for (int64_t k = 0; k < K; ++k) {
    const T* bk = b + k * ldb;
    typename V::type bv[FV];
    for (int v = 0; v < FV; ++v) bv[v] = V::load(bk + v * V::width);
    for (int p = 0; p < P; ++p) {
      T av = a[p * lda + k];
      for (int v = 0; v < FV; ++v) acc[p][v] += av * bv[v];
    }
  }
  for (int p = 0; p < P; ++p)
    for (int v = 0; v < FV; ++v) V::store(c + p * ldc + v * V::width, acc[p][v]);
}

template <class T>
using GemmBlock = void (*)(const T*, int64_t, const T*, int64_t, T*, int64_t, int64_t, bool);

template <class T, int FV, int... Ps>
constexpr std::array<GemmBlock<T>, sizeof...(Ps)> gemm_blocks(std::integer_sequence<int, Ps...>) {
  return {&gemm_block<T, Ps + 1, FV>...};
}

// All M rows of one group of FV column vectors starting at column n0. Accumulating blocks
// cannot overlap (a row would be added twice), so the last block runs a narrower instance.
template <class T, int FV>
void gemm_columns(const T* a, int64_t lda, const T* b, int64_t ldb, T* c, int64_t ldc, int64_t M,
                  int64_t K, int64_t n0, bool accumulate) {
  constexpr int kMaxRows = kAccumulators / FV;
  static constexpr auto blocks =
      gemm_blocks<T, FV>(std::make_integer_sequence<int, kMaxRows>{});
  for (int64_t m = 0; m < M; m += kMaxRows) {
    int64_t rows = M - m < kMaxRows ? M - m : kMaxRows;
    blocks[rows - 1](a + m * lda, lda, b + n0, ldb, c + m * ldc + n0, ldc, K, accumulate);
  }
}

// c (M x N, ldc) = a (M x K, lda) @ b (K x N, ldb) + (accumulate ? c : 0), all row-major.
template <class T>
void small_gemm(const T* a, int64_t lda, const T* b, int64_t ldb, T* c, int64_t ldc, int64_t M,
                int64_t N, int64_t K, bool accumulate) {
  int64_t n0 = for_each_vector_group<T>(N, [&](auto vectors, int64_t first) {
    gemm_columns<T, decltype(vectors)::value>(a, lda, b, ldb, c, ldc, M, K, first, accumulate);
  });
  for (int64_t m = 0; m < M; ++m)  // columns past the last whole vector
    for (int64_t n = n0; n < N; ++n) {
      T acc = accumulate ? c[m * ldc + n] : T(0);
      for (int64_t k = 0; k < K; ++k) acc += a[m * lda + k] * b[k * ldb + n];
      c[m * ldc + n] = acc;
    }
}

}  // namespace

void fill_gemm_loops(VectorLoops& loops) {
  loops.f32.small_gemm = small_gemm<float>;
  loops.f64.small_gemm = small_gemm<double>;
}

}  // namespace kl::cpu::KL_ISA
