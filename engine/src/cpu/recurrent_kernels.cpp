// CPU kernels of lstm_sequence and lstm_sequence_grad. Batch rows never interact in an LSTM, so
// each task runs a fixed block of rows through every time step (one GEMM with the recurrent
// kernel per step, then the gates): no synchronisation between steps, and blocks fixed by the
// shape make the bits independent of the thread count.
#include <cblas.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "cpu/kernels.h"
#include "cpu/scalar_math.h"
#include "kl/thread_pool.h"

namespace kl::cpu {
namespace {

constexpr int64_t kRowsPerTask = 16;

// C (M x N, ldc) = A (M x K, lda) @ op(B) + beta * C, with op(B) = B (K x N) or B^T (B N x K).
template <class T>
void gemm(const T* a, int64_t lda, const T* b, int64_t ldb, bool b_transposed, T* c,
          int64_t ldc, int64_t M, int64_t N, int64_t K, T beta) {
  auto tb = b_transposed ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>)
    scipy_cblas_sgemm(CblasRowMajor, CblasNoTrans, tb, int(M), int(N), int(K), 1.0f, a, int(lda),
                      b, int(ldb), beta, c, int(ldc));
  else
    scipy_cblas_dgemm(CblasRowMajor, CblasNoTrans, tb, int(M), int(N), int(K), 1.0, a, int(lda),
                      b, int(ldb), beta, c, int(ldc));
}

template <class T>
T sigmoid(T v) {
  return T(1) / (T(1) + m_exp(-v));
}

template <class T>
void lstm_forward(const Tensor& xproj, const Tensor& u, const Tensor& h0, const Tensor& c0,
                  Tensors& out, T* z) {
  int64_t B = xproj.dim(0), T_ = xproj.dim(1), H = u.dim(0), G = 4 * H;
  const T* xp = xproj.data<T>();
  const T* uk = u.data<T>();
  T* hs = out[0].data<T>();
  T* cs = out[1].data<T>();
  T* gates = out[2].data<T>();
  int64_t tasks = (B + kRowsPerTask - 1) / kRowsPerTask;
  parallel_for(tasks, [&](int64_t task) {
    int64_t r0 = task * kRowsPerTask, rows = std::min(kRowsPerTask, B - r0);
    T* zb = z + r0 * G;
    for (int64_t t = 0; t < T_; ++t) {
      for (int64_t r = 0; r < rows; ++r)
        std::memcpy(zb + r * G, xp + ((r0 + r) * T_ + t) * G, sizeof(T) * G);
      // h_{t-1}: h0, or the previous step's row of hs (rows T * H apart).
      const T* hp = t == 0 ? h0.data<T>() + r0 * H : hs + (r0 * T_ + t - 1) * H;
      int64_t ldh = t == 0 ? H : T_ * H;
      if (H > 0) gemm<T>(hp, ldh, uk, G, false, zb, G, rows, G, H, T(1));
      for (int64_t r = 0; r < rows; ++r) {
        int64_t row = (r0 + r) * T_ + t;
        const T* zr = zb + r * G;
        const T* cp = t == 0 ? c0.data<T>() + (r0 + r) * H : cs + (row - 1) * H;
        T* gr = gates + row * G;
        for (int64_t j = 0; j < H; ++j) {
          T i = sigmoid(zr[j]), f = sigmoid(zr[H + j]), g = m_tanh(zr[2 * H + j]),
            o = sigmoid(zr[3 * H + j]);
          T c = f * cp[j] + i * g;
          gr[j] = i, gr[H + j] = f, gr[2 * H + j] = g, gr[3 * H + j] = o;
          cs[row * H + j] = c;
          hs[row * H + j] = o * m_tanh(c);
        }
      }
    }
  });
}

template <class T>
void lstm_backward(const Tensor& u, const Tensor& c0, const Tensor& cs_t, const Tensor& gates_t,
                   const Tensor& dhs_t, const Tensor& dcs_t, Tensors& out) {
  int64_t B = cs_t.dim(0), T_ = cs_t.dim(1), H = cs_t.dim(2), G = 4 * H;
  const T* uk = u.data<T>();
  const T* cs = cs_t.data<T>();
  const T* gates = gates_t.data<T>();
  const T* dhs = dhs_t.data<T>();
  const T* dcs = dcs_t.data<T>();
  T* dz = out[0].data<T>();
  T* dh = out[1].data<T>();  // the cotangent flowing into h_{t-1}; dh0 at the end
  T* dc = out[2].data<T>();  // likewise for c_{t-1}
  std::fill(dh, dh + B * H, T(0));
  std::fill(dc, dc + B * H, T(0));
  int64_t tasks = (B + kRowsPerTask - 1) / kRowsPerTask;
  parallel_for(tasks, [&](int64_t task) {
    int64_t r0 = task * kRowsPerTask, rows = std::min(kRowsPerTask, B - r0);
    for (int64_t t = T_ - 1; t >= 0; --t) {
      for (int64_t r = 0; r < rows; ++r) {
        int64_t b = r0 + r, row = b * T_ + t;
        const T* gr = gates + row * G;
        const T* cp = t == 0 ? c0.data<T>() + b * H : cs + (row - 1) * H;
        T* dzr = dz + row * G;
        for (int64_t j = 0; j < H; ++j) {
          T i = gr[j], f = gr[H + j], g = gr[2 * H + j], o = gr[3 * H + j];
          T tc = m_tanh(cs[row * H + j]);
          T dht = dhs[row * H + j] + dh[b * H + j];
          T dct = dcs[row * H + j] + dc[b * H + j] + dht * o * (T(1) - tc * tc);
          dzr[j] = dct * g * i * (T(1) - i);
          dzr[H + j] = dct * cp[j] * f * (T(1) - f);
          dzr[2 * H + j] = dct * i * (T(1) - g * g);
          dzr[3 * H + j] = dht * tc * o * (T(1) - o);
          dc[b * H + j] = dct * f;
        }
      }
      // dh_{t-1} = dz_t @ u^T for this block's rows (rows T * 4H apart in dz).
      if (H > 0)
        gemm<T>(dz + (r0 * T_ + t) * G, T_ * G, uk, G, true, dh + r0 * H, H, rows, H, G, T(0));
    }
  });
}

void lstm_sequence_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const Tensor& xproj = expect_contiguous(in[0]);
  if (out[0].size() == 0 && out[2].size() == 0) return;
  if (xproj.dtype() == DType::float32)
    lstm_forward<float>(xproj, in[1], in[2], in[3], out, scratch[0].data<float>());
  else
    lstm_forward<double>(xproj, in[1], in[2], in[3], out, scratch[0].data<double>());
}

void lstm_sequence_grad_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const Tensor& cs = expect_contiguous(in[2]);
  if (cs.dtype() == DType::float32)
    lstm_backward<float>(in[0], in[1], cs, in[3], in[4], in[5], out);
  else
    lstm_backward<double>(in[0], in[1], cs, in[3], in[4], in[5], out);
}

}  // namespace

void register_recurrent_kernels() {
  register_kernel(OpKind::lstm_sequence, DeviceKind::cpu, lstm_sequence_kernel);
  register_kernel(OpKind::lstm_sequence_grad, DeviceKind::cpu, lstm_sequence_grad_kernel);
}

}  // namespace kl::cpu
