#pragma once
// Contiguous inner loops compiled once per instruction set (baseline, AVX2, AVX-512); the
// best one the running CPU supports is picked on first use.
#include <cstdint>
#include <type_traits>

#include "kl/optim.h"
#include "kl/primitives.h"

namespace kl::cpu {

// Rows below this many bytes are all tail to softmax_row's vector loops.
constexpr int64_t kShortSoftmaxBytes = 64;

template <class T>
struct VectorLoopsFor {
  using Unary = void (*)(const T* x, T* y, int64_t n);
  // mode 0: a and b are arrays; 1: b is a scalar; 2: a is a scalar.
  using Binary = void (*)(const T* a, const T* b, T* out, int64_t n, int mode);
  Unary unary[int(UnaryKind::count_)] = {};
  Binary binary[int(BinaryKind::count_)] = {};
  T (*sum)(const T* x, int64_t n) = nullptr;
  T (*max)(const T* x, int64_t n) = nullptr;
  // y = softmax or log-softmax of one contiguous row.
  void (*softmax_row)(const T* x, T* y, int64_t n, bool log) = nullptr;
  // The same for `rows` contiguous rows shorter than kShortSoftmaxBytes, a block at a time.
  void (*softmax_short_rows)(const T* x, T* y, int64_t rows, int64_t n, bool log) = nullptr;
  // One optimizer update over elements [begin, end) (kernels in simd/optimizer_loops.cpp).
  void (*optimizer)(OptimizerKind kind, T* var, const T* grad, T* const* slots, size_t num_slots,
                    const double* scalars, int64_t begin, int64_t end) = nullptr;
  // Direct convolution (simd/conv_loops.cpp; taps are rows r of an implicit im2col matrix with
  // input offsets off[r]). One output row: y[o][f] = sum_r x[o*C + off[r]] * w[r][f], plus
  // bias[f] when bias is not null, then relu when asked.
  void (*conv2d_forward_row)(const T* x, int64_t C, const int64_t* off, int64_t K, const T* w,
                             int64_t F, T* y, int64_t OW, const T* bias, bool relu) = nullptr;
  // dw[r][f] = sum over q < pixels of x[base[q] + off[r]] * g[q][f]; `spill` holds
  // conv_accumulators rows of F.
  void (*conv2d_filter_grad)(const T* x, const int64_t* base, const int64_t* off, int64_t K,
                             const T* g, int64_t F, int64_t pixels, T* dw, T* spill) = nullptr;
  // c (M x N, ldc) = a (M x K, lda) @ b (K x N, ldb) + (accumulate ? c : 0), row-major: the
  // recurrences' per-step products (simd/gemm_loops.cpp).
  void (*small_gemm)(const T* a, int64_t lda, const T* b, int64_t ldb, T* c, int64_t ldc,
                     int64_t M, int64_t N, int64_t K, bool accumulate) = nullptr;
  // The matmul op's packed-B GEMM (simd/gemm_loops.cpp): pack_gemm_b copies panels
  // [first_panel, end_panel) of B (K x N, element (k, n) at b[k * row_stride + n * col_stride])
  // into `out`, which holds K x (N rounded up to whole panels); packed_gemm then computes rows
  // [m0, m1) and those panels of c (ldc) = A @ B, A row-major M x K (lda) or stored K x M when
  // a_transposed.
  int gemm_panel_width = 0;  // columns per panel
  void (*pack_gemm_b)(const T* b, int64_t row_stride, int64_t col_stride, int64_t K, int64_t N,
                      int64_t first_panel, int64_t end_panel, T* out) = nullptr;
  void (*packed_gemm)(const T* a, int64_t lda, bool a_transposed, const T* packed_b, T* c,
                      int64_t ldc, int64_t N, int64_t K, int64_t m0, int64_t m1,
                      int64_t first_panel, int64_t end_panel) = nullptr;
  // One row's gate gradients of one step of the LSTM / reset_after GRU backward pass
  // (simd/recurrent_loops.cpp; the arguments as in cpu/recurrent_kernels.cpp).
  void (*lstm_gate_grads)(const T* gates, const T* c_prev, const T* tanh_c, const T* dh_in,
                          const T* dc_in, T* dh_carry, T* dc_carry, T* dz, int64_t H) = nullptr;
  void (*gru_gate_grads)(const T* gates, const T* prev, const T* dh_in, T* dh_carry, T* dx,
                         T* drec, int64_t H) = nullptr;
};

struct VectorLoops {
  const char* isa = "baseline";
  VectorLoopsFor<float> f32;
  VectorLoopsFor<double> f64;
  int conv_accumulators = 12;  // rows of spill conv2d_filter_grad needs
};

const VectorLoops& vector_loops();

// The chosen loops of one float type (float or double).
template <class T>
const VectorLoopsFor<T>& loops_of() {
  if constexpr (std::is_same_v<T, float>) return vector_loops().f32;
  else return vector_loops().f64;
}

}  // namespace kl::cpu
