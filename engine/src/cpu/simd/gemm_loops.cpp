// Register-blocked products compiled once per KL_ISA like vector_loops.cpp, in two shapes:
// - small_gemm, for the small GEMMs inside the recurrences (a block of batch rows times the
//   recurrent kernel, once per time step). Those products are too small for BLAS's per-call
//   packing and dispatch to pay off (16 x 64 by 64 x 256 takes a few microseconds), and B is the
//   same matrix at every step, so it stays in L1/L2 unpacked.
// - the packed-B GEMM behind the matmul op (cpu/matmul_kernel.cpp): B is copied once per call
//   into panels of kPanelVectors vectors so a micro-kernel streams it from L1, while A is read
//   where it lies (a row-major A broadcasts along its rows, a transposed one along its columns;
//   either way each row block of A is read from L2 once per panel), so only B is ever copied.
// Like conv_loops.cpp this file compiles with -ffp-contract=fast (a multiply-add is one FMA).
// Every output element is one chain of multiply-adds over k in order, started from zero: the
// blocking, the split across threads and the vector width change nothing, so the AVX2 and
// AVX-512 variants give the same bits, on any thread count.
#include <algorithm>
#include <array>
#include <cstring>
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


// ---- packed-B GEMM --------------------------------------------------------------------------

constexpr int kPanelVectors = 2;
constexpr int kPanelRows = kAccumulators / kPanelVectors;  // rows of C per micro-kernel call
constexpr int64_t kDepthBlock = 256;  // k per pass: a panel of B (256 x 2 vectors) fills half of L1
constexpr int64_t kRowBlock = 96;     // rows of A kept in L2 across the panels of one pass

template <class T>
constexpr int kPanelWidth = kPanelVectors * Vec<T>::width;

// The depth of each pass: K in equal passes of at most kDepthBlock (a last pass of a few k
// would reload and store C for little work).
int64_t pass_depth(int64_t K) {
  int64_t passes = (K + kDepthBlock - 1) / kDepthBlock;
  return (K + passes - 1) / passes;
}

// Packed B: pass by pass (pass_depth(K) rows of B), panel by panel, each panel depth x width with
// columns past N zero. Panel j of the pass starting at k0 (depth kc) is at
// out + k0 * panels * width + j * kc * width.
template <class T>
void pack_gemm_b(const T* b, int64_t row_stride, int64_t col_stride, int64_t K, int64_t N,
                 int64_t first_panel, int64_t end_panel, T* out) {
  constexpr int NR = kPanelWidth<T>;
  int64_t panels = (N + NR - 1) / NR;
  const int64_t depth = pass_depth(K);
  for (int64_t k0 = 0; k0 < K; k0 += depth) {
    int64_t kc = std::min(depth, K - k0);
    for (int64_t j = first_panel; j < end_panel; ++j) {
      T* o = out + k0 * panels * NR + j * kc * NR;
      int64_t n0 = j * NR, width = std::min<int64_t>(NR, N - n0);
      if (col_stride == 1 && width == NR) {
        // A fixed-size row copy: whole-vector moves instead of a memcpy call per 128 bytes.
        for (int64_t k = 0; k < kc; ++k) {
          const T* __restrict src = b + (k0 + k) * row_stride + n0;
          T* __restrict dst = o + k * NR;
          for (int t = 0; t < NR; ++t) dst[t] = src[t];
        }
      } else if (col_stride == 1) {
        for (int64_t k = 0; k < kc; ++k) {
          std::memcpy(o + k * NR, b + (k0 + k) * row_stride + n0, size_t(width) * sizeof(T));
          std::fill(o + k * NR + width, o + (k + 1) * NR, T(0));
        }
      } else {
        for (int64_t k = 0; k < kc; ++k) std::fill(o + k * NR + width, o + (k + 1) * NR, T(0));
        for (int64_t n = 0; n < width; ++n) {
          const T* col = b + (n0 + n) * col_stride + k0 * row_stride;
          for (int64_t k = 0; k < kc; ++k) o[k * NR + n] = col[k * row_stride];
        }
      }
    }
  }
}

// P rows of C (ldc) by one panel: c = (carry ? c : 0) + sum over the pass of a[p][k] b[k][..].
// Element (p, k) of A is a[p * lda + k], or a[k * lda + p] when A is transposed.
template <class T, int P, bool TransposedA>
void panel_block(const T* __restrict a, int64_t lda, const T* __restrict bp, T* __restrict c,
                 int64_t ldc, int64_t kc, bool carry) {
  using V = Vec<T>;
  constexpr int NR = kPanelWidth<T>;
  typename V::type acc[P][kPanelVectors];
  for (int p = 0; p < P; ++p)
    for (int v = 0; v < kPanelVectors; ++v)
      acc[p][v] = carry ? V::load(c + p * ldc + v * V::width) : typename V::type{};
  for (int64_t k = 0; k < kc; ++k) {
    typename V::type bv[kPanelVectors];
    for (int v = 0; v < kPanelVectors; ++v) bv[v] = V::load(bp + k * NR + v * V::width);
    for (int p = 0; p < P; ++p) {
      T av = TransposedA ? a[k * lda + p] : a[p * lda + k];
      for (int v = 0; v < kPanelVectors; ++v) acc[p][v] += av * bv[v];
    }
  }
  for (int p = 0; p < P; ++p)
    for (int v = 0; v < kPanelVectors; ++v) V::store(c + p * ldc + v * V::width, acc[p][v]);
}

template <class T>
using PanelBlock = void (*)(const T*, int64_t, const T*, T*, int64_t, int64_t, bool);

template <class T, bool TransposedA, int... Ps>
constexpr std::array<PanelBlock<T>, sizeof...(Ps)> panel_blocks(std::integer_sequence<int, Ps...>) {
  return {&panel_block<T, Ps + 1, TransposedA>...};
}

// Asks for a block of A (lines of `length` elements, ld apart) in L2 before the first panel
// needs it: the first panel otherwise waits on memory row by row (A is often a fresh batch),
// while the later panels find the block in L2.
template <class T>
void prefetch_block(const T* a, int64_t ld, int64_t lines, int64_t length) {
  constexpr int64_t kLine = 64 / int64_t(sizeof(T));
  for (int64_t r = 0; r < lines; ++r)
    for (int64_t i = 0; i < length; i += kLine) __builtin_prefetch(a + r * ld + i, 0, 2);
}

template <class T, bool TransposedA>
void packed_gemm_tile(const T* a, int64_t lda, const T* packed_b, T* c, int64_t ldc, int64_t N,
                      int64_t K, int64_t m0, int64_t m1, int64_t first_panel, int64_t end_panel) {
  constexpr int NR = kPanelWidth<T>;
  static constexpr auto blocks =
      panel_blocks<T, TransposedA>(std::make_integer_sequence<int, kPanelRows>{});
  int64_t panels = (N + NR - 1) / NR;
  alignas(64) T edge[kPanelRows * NR];  // the last panel's rows when N is not a whole panel
  const int64_t depth = pass_depth(K);
  for (int64_t k0 = 0; k0 < K; k0 += depth) {
    int64_t kc = std::min(depth, K - k0);
    bool carry = k0 > 0;
    for (int64_t r0 = m0; r0 < m1; r0 += kRowBlock) {
      int64_t r1 = std::min(m1, r0 + kRowBlock);
      prefetch_block(TransposedA ? a + r0 + k0 * lda : a + r0 * lda + k0, lda,
                     TransposedA ? kc : r1 - r0, TransposedA ? r1 - r0 : kc);
      for (int64_t j = first_panel; j < end_panel; ++j) {
        const T* bp = packed_b + k0 * panels * NR + j * kc * NR;
        int64_t n0 = j * NR, width = std::min<int64_t>(NR, N - n0);
        for (int64_t m = r0; m < r1; m += kPanelRows) {
          int64_t rows = std::min<int64_t>(kPanelRows, r1 - m);
          const T* am = TransposedA ? a + m + k0 * lda : a + m * lda + k0;
          T* cm = c + m * ldc + n0;
          if (width == NR) {
            blocks[rows - 1](am, lda, bp, cm, ldc, kc, carry);
            continue;
          }
          for (int64_t p = 0; p < rows && carry; ++p) std::memcpy(edge + p * NR, cm + p * ldc, size_t(width) * sizeof(T));
          blocks[rows - 1](am, lda, bp, edge, NR, kc, carry);
          for (int64_t p = 0; p < rows; ++p) std::memcpy(cm + p * ldc, edge + p * NR, size_t(width) * sizeof(T));
        }
      }
    }
  }
}

// Rows [m0, m1) and panels [first_panel, end_panel) of c (M x N, ldc) = A (M x K) @ B, with B
// packed by pack_gemm_b and A row-major (lda) or, when a_transposed, stored K x M (lda).
template <class T>
void packed_gemm(const T* a, int64_t lda, bool a_transposed, const T* packed_b, T* c, int64_t ldc,
                 int64_t N, int64_t K, int64_t m0, int64_t m1, int64_t first_panel,
                 int64_t end_panel) {
  if (a_transposed)
    packed_gemm_tile<T, true>(a, lda, packed_b, c, ldc, N, K, m0, m1, first_panel, end_panel);
  else
    packed_gemm_tile<T, false>(a, lda, packed_b, c, ldc, N, K, m0, m1, first_panel, end_panel);
}

}  // namespace

void fill_gemm_loops(VectorLoops& loops) {
  loops.f32.small_gemm = small_gemm<float>;
  loops.f64.small_gemm = small_gemm<double>;
  loops.f32.gemm_panel_width = kPanelWidth<float>;
  loops.f64.gemm_panel_width = kPanelWidth<double>;
  loops.f32.pack_gemm_b = pack_gemm_b<float>;
  loops.f64.pack_gemm_b = pack_gemm_b<double>;
  loops.f32.packed_gemm = packed_gemm<float>;
  loops.f64.packed_gemm = packed_gemm<double>;
}

}  // namespace kl::cpu::KL_ISA
