// CPU kernels of the whole-sequence recurrences (lstm, gru, simple_rnn) and their backward
// passes. Batch rows never interact in a recurrence, so each task runs a fixed block of rows
// through every time step (one GEMM with the recurrent kernel per step, then the gates): no
// synchronisation between steps, and blocks fixed by the shape make the bits independent of the
// thread count. Gate activations go through the run-time-selected SIMD loops, so they match
// ops.sigmoid / ops.tanh bit for bit.
//
// Step s runs input time src(s) (T - 1 - s when reversed). Per-step outputs (hs, cs, gates) are
// kept in processing order, as Keras returns them; cotangents of xproj are in input order. A
// masked step carries the previous states through unchanged.
#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "cpu/kernels.h"
#include "cpu/simd/vector_loops.h"
#include "kl/thread_pool.h"

namespace kl::cpu {
namespace {

constexpr int64_t kRowsPerTask = 16;

// The run-time-selected loops a step uses: gate activations (matching ops.sigmoid / ops.tanh
// bit for bit), gate gradients, and the block-of-rows product with the recurrent kernel.
template <class T>
struct StepLoops {
  using Fn = void (*)(const T*, T*, int64_t);
  Fn sigmoid, tanh, relu;
  decltype(VectorLoopsFor<T>::lstm_gate_grads) lstm_gate_grads;
  decltype(VectorLoopsFor<T>::gru_gate_grads) gru_gate_grads;
  decltype(VectorLoopsFor<T>::small_gemm) small_gemm;
  StepLoops() {
    const VectorLoopsFor<T>& v = loops_of<T>();
    sigmoid = v.unary[int(UnaryKind::sigmoid)];
    tanh = v.unary[int(UnaryKind::tanh)];
    relu = v.unary[int(UnaryKind::relu)];
    lstm_gate_grads = v.lstm_gate_grads;
    gru_gate_grads = v.gru_gate_grads;
    small_gemm = v.small_gemm;
  }
  // c (M x N, ldc) = a (M x K, lda) @ b (K x N, ldb) + (accumulate ? c : 0).
  void gemm(const T* a, int64_t lda, const T* b, int64_t ldb, T* c, int64_t ldc, int64_t M,
            int64_t N, int64_t K, bool accumulate) const {
    small_gemm(a, lda, b, ldb, c, ldc, M, N, K, accumulate);
  }
};

// u^T (G x H) of the recurrent kernel u (H x G): the backward products dh += dz @ u^T then run
// as plain row-major GEMMs, with the same matrix at every step.
template <class T>
std::vector<T> transposed(const Tensor& u) {
  int64_t H = u.dim(0), G = u.dim(1);
  const T* p = u.data<T>();
  std::vector<T> t(size_t(G * H));
  for (int64_t h = 0; h < H; ++h)
    for (int64_t g = 0; g < G; ++g) t[g * H + h] = p[h * G + g];
  return t;
}

// Where a block of rows starts and which input time step a processing step reads.
struct Sequence {
  int64_t batch, steps;
  bool reverse;
  const bool* mask;  // (batch, steps) in input order, or null
  int64_t src(int64_t s) const { return reverse ? steps - 1 - s : s; }
  bool skipped(int64_t b, int64_t s) const { return mask && !mask[b * steps + src(s)]; }
  int64_t tasks() const { return (batch + kRowsPerTask - 1) / kRowsPerTask; }
};

Sequence sequence_of(const Op& op, int64_t batch, int64_t steps, const Tensors& in,
                     size_t mask_input) {
  const auto& r = static_cast<const RecurrentOp&>(op);
  return {batch, steps, r.reverse(),
          r.masked() ? expect_contiguous(in[mask_input]).data<bool>() : nullptr};
}

// h_{s-1} for the block starting at row r0: the initial state at s == 0, else the previous
// step's rows of hs (rows steps * units apart).
template <class T>
const T* previous_rows(const T* initial, const T* hs, const Sequence& q, int64_t r0, int64_t s,
                       int64_t units, int64_t* ld) {
  *ld = s == 0 ? units : q.steps * units;
  return s == 0 ? initial + r0 * units : hs + (r0 * q.steps + s - 1) * units;
}

// --- LSTM: gate blocks i, f, c, o ------------------------------------------------------------

template <class T>
void lstm_forward(const Sequence& q, const Tensor& xproj, const Tensor& u, const Tensor& h0,
                  const Tensor& c0, Tensors& out, T* z) {
  int64_t B = q.batch, S = q.steps, H = u.dim(0), G = 4 * H;
  const T *xp = xproj.data<T>(), *uk = u.data<T>();
  T *hs = out[0].data<T>(), *cs = out[1].data<T>(), *gates = out[2].data<T>();
  StepLoops<T> act;
  parallel_for(q.tasks(), [&](int64_t task) {
    int64_t r0 = task * kRowsPerTask, rows = std::min(kRowsPerTask, B - r0);
    T* zb = z + r0 * G;
    std::vector<T> tanh_c(H);
    for (int64_t s = 0; s < S; ++s) {
      for (int64_t r = 0; r < rows; ++r)
        std::memcpy(zb + r * G, xp + ((r0 + r) * S + q.src(s)) * G, sizeof(T) * G);
      int64_t ldh;
      const T* hp = previous_rows(h0.data<T>(), hs, q, r0, s, H, &ldh);
      act.gemm(hp, ldh, uk, G, zb, G, rows, G, H, true);
      for (int64_t r = 0; r < rows; ++r) {
        int64_t b = r0 + r, row = b * S + s;
        const T* cp = s == 0 ? c0.data<T>() + b * H : cs + (row - 1) * H;
        T *g = gates + row * G, *c = cs + row * H, *h = hs + row * H;
        if (q.skipped(b, s)) {
          std::memcpy(c, cp, sizeof(T) * H);
          std::memcpy(h, hp + r * ldh, sizeof(T) * H);
          std::fill(g, g + G, T(0));
          continue;
        }
        const T* zr = zb + r * G;
        act.sigmoid(zr, g, 2 * H);
        act.tanh(zr + 2 * H, g + 2 * H, H);
        act.sigmoid(zr + 3 * H, g + 3 * H, H);
        for (int64_t j = 0; j < H; ++j) c[j] = g[H + j] * cp[j] + g[j] * g[2 * H + j];
        act.tanh(c, tanh_c.data(), H);
        for (int64_t j = 0; j < H; ++j) h[j] = g[3 * H + j] * tanh_c[j];
      }
    }
  });
}

template <class T>
void lstm_backward(const Sequence& q, const Tensor& u, const Tensor& c0, const Tensor& cs_t,
                   const Tensor& gates_t, const Tensor& dhs_t, const Tensor& dcs_t,
                   Tensors& out) {
  int64_t B = q.batch, S = q.steps, H = u.dim(0), G = 4 * H;
  const T *cs = cs_t.data<T>(), *gates = gates_t.data<T>();
  std::vector<T> ut = transposed<T>(u);
  const T *dhs = dhs_t.data<T>(), *dcs = dcs_t.data<T>();
  T* dz = out[0].data<T>();
  T* dh = out[1].data<T>();  // the cotangent flowing into h_{s-1}; dh0 at the end
  T* dc = out[2].data<T>();  // likewise for c_{s-1}
  std::fill(dh, dh + B * H, T(0));
  std::fill(dc, dc + B * H, T(0));
  StepLoops<T> act;
  parallel_for(q.tasks(), [&](int64_t task) {
    int64_t r0 = task * kRowsPerTask, rows = std::min(kRowsPerTask, B - r0);
    std::vector<T> tanh_c(H);
    for (int64_t s = S - 1; s >= 0; --s) {
      for (int64_t r = 0; r < rows; ++r) {
        int64_t b = r0 + r, row = b * S + s;
        T* dzr = dz + (b * S + q.src(s)) * G;
        T *dhb = dh + b * H, *dcb = dc + b * H;
        if (q.skipped(b, s)) {
          // h and c passed through: their cotangents flow on, and the step's gates get none.
          for (int64_t j = 0; j < H; ++j) dhb[j] += dhs[row * H + j], dcb[j] += dcs[row * H + j];
          std::fill(dzr, dzr + G, T(0));
          continue;
        }
        const T* cp = s == 0 ? c0.data<T>() + b * H : cs + (row - 1) * H;
        act.tanh(cs + row * H, tanh_c.data(), H);
        act.lstm_gate_grads(gates + row * G, cp, tanh_c.data(), dhs + row * H, dcs + row * H,
                            dhb, dcb, dzr, H);
      }
      // dh_{s-1} += dz_s @ u^T for this block's rows (rows S * 4H apart in dz); masked rows
      // kept their pass-through cotangent and have dz = 0.
      act.gemm(dz + (r0 * S + q.src(s)) * G, S * G, ut.data(), H, dh + r0 * H, H, rows, H, G, true);
    }
  });
}

// --- GRU (reset_after): gate blocks z, r, h ------------------------------------------------
// gates holds z, r, the candidate h~ and the recurrent projection of the candidate block.

template <class T>
void gru_forward(const Sequence& q, const Tensor& xproj, const Tensor& u, const Tensor& rbias,
                 const Tensor& h0, Tensors& out, T* z) {
  int64_t B = q.batch, S = q.steps, H = u.dim(0), G = 3 * H;
  const T *xp = xproj.data<T>(), *uk = u.data<T>(), *rb = rbias.data<T>();
  T *hs = out[0].data<T>(), *gates = out[1].data<T>();
  StepLoops<T> act;
  parallel_for(q.tasks(), [&](int64_t task) {
    int64_t r0 = task * kRowsPerTask, rows = std::min(kRowsPerTask, B - r0);
    T* zb = z + r0 * G;
    for (int64_t s = 0; s < S; ++s) {
      for (int64_t r = 0; r < rows; ++r) std::memcpy(zb + r * G, rb, sizeof(T) * G);
      int64_t ldh;
      const T* hp = previous_rows(h0.data<T>(), hs, q, r0, s, H, &ldh);
      act.gemm(hp, ldh, uk, G, zb, G, rows, G, H, true);
      for (int64_t r = 0; r < rows; ++r) {
        int64_t b = r0 + r, row = b * S + s;
        T *g = gates + row * 4 * H, *h = hs + row * H;
        const T* prev = hp + r * ldh;
        if (q.skipped(b, s)) {
          std::memcpy(h, prev, sizeof(T) * H);
          std::fill(g, g + 4 * H, T(0));
          continue;
        }
        T* zr = zb + r * G;
        const T* xr = xp + (b * S + q.src(s)) * G;
        std::memcpy(g + 3 * H, zr + 2 * H, sizeof(T) * H);
        for (int64_t j = 0; j < 2 * H; ++j) zr[j] += xr[j];
        act.sigmoid(zr, g, 2 * H);
        for (int64_t j = 0; j < H; ++j) zr[2 * H + j] = xr[2 * H + j] + g[H + j] * g[3 * H + j];
        act.tanh(zr + 2 * H, g + 2 * H, H);
        for (int64_t j = 0; j < H; ++j) h[j] = g[j] * prev[j] + (T(1) - g[j]) * g[2 * H + j];
      }
    }
  });
}

template <class T>
void gru_backward(const Sequence& q, const Tensor& u, const Tensor& h0, const Tensor& hs_t,
                  const Tensor& gates_t, const Tensor& dhs_t, Tensors& out) {
  int64_t B = q.batch, S = q.steps, H = u.dim(0), G = 3 * H;
  const T *hs = hs_t.data<T>(), *gates = gates_t.data<T>();
  const T* dhs = dhs_t.data<T>();
  std::vector<T> ut = transposed<T>(u);
  T *dx = out[0].data<T>(), *drec = out[1].data<T>(), *dh = out[2].data<T>();
  std::fill(dh, dh + B * H, T(0));
  StepLoops<T> act;
  parallel_for(q.tasks(), [&](int64_t task) {
    int64_t r0 = task * kRowsPerTask, rows = std::min(kRowsPerTask, B - r0);
    for (int64_t s = S - 1; s >= 0; --s) {
      int64_t ldh;
      const T* hp = previous_rows(h0.data<T>(), hs, q, r0, s, H, &ldh);
      for (int64_t r = 0; r < rows; ++r) {
        int64_t b = r0 + r, row = b * S + s, at = (b * S + q.src(s)) * G;
        T *dxr = dx + at, *drr = drec + at, *dhb = dh + b * H;
        if (q.skipped(b, s)) {
          for (int64_t j = 0; j < H; ++j) dhb[j] += dhs[row * H + j];
          std::fill(dxr, dxr + G, T(0));
          std::fill(drr, drr + G, T(0));
          continue;
        }
        act.gru_gate_grads(gates + row * 4 * H, hp + r * ldh, dhs + row * H, dhb, dxr, drr, H);
      }
      act.gemm(drec + (r0 * S + q.src(s)) * G, S * G, ut.data(), H, dh + r0 * H, H, rows, H, G,
               true);
    }
  });
}

// --- GRU with the reset before the product: h~ = tanh(x_h + (r * h_prev) @ u_h) ---------------
// gates holds z, r, h~ and r * h_prev. Each step runs two GEMMs: h_prev @ u_zr, then the
// reset state through the candidate block of u.

template <class T>
void gru_reset_before_forward(const Sequence& q, const Tensor& xproj, const Tensor& u,
                              const Tensor& h0, Tensors& out, T* z) {
  int64_t B = q.batch, S = q.steps, H = u.dim(0), G = 3 * H;
  const T *xp = xproj.data<T>(), *uk = u.data<T>();
  T *hs = out[0].data<T>(), *gates = out[1].data<T>();
  StepLoops<T> act;
  parallel_for(q.tasks(), [&](int64_t task) {
    int64_t r0 = task * kRowsPerTask, rows = std::min(kRowsPerTask, B - r0);
    T* zb = z + r0 * G;
    for (int64_t s = 0; s < S; ++s) {
      int64_t ldh;
      const T* hp = previous_rows(h0.data<T>(), hs, q, r0, s, H, &ldh);
      act.gemm(hp, ldh, uk, G, zb, G, rows, 2 * H, H, false);
      for (int64_t r = 0; r < rows; ++r) {
        int64_t b = r0 + r;
        T* g = gates + (b * S + s) * 4 * H;
        if (q.skipped(b, s)) {
          std::fill(g, g + 4 * H, T(0));
          continue;
        }
        T* zr = zb + r * G;
        const T *xr = xp + (b * S + q.src(s)) * G, *prev = hp + r * ldh;
        for (int64_t j = 0; j < 2 * H; ++j) zr[j] += xr[j];
        act.sigmoid(zr, g, 2 * H);
        for (int64_t j = 0; j < H; ++j) g[3 * H + j] = g[H + j] * prev[j];
      }
      // Skipped rows hold zero in r * h_prev, so their candidate product is unused zero.
      act.gemm(gates + (r0 * S + s) * 4 * H + 3 * H, S * 4 * H, uk + 2 * H, G, zb + 2 * H, G,
               rows, H, H, false);
      for (int64_t r = 0; r < rows; ++r) {
        int64_t b = r0 + r;
        T *g = gates + (b * S + s) * 4 * H, *h = hs + (b * S + s) * H;
        const T* prev = hp + r * ldh;
        if (q.skipped(b, s)) {
          std::memcpy(h, prev, sizeof(T) * H);
          continue;
        }
        T* zr = zb + r * G;
        const T* xr = xp + (b * S + q.src(s)) * G;
        for (int64_t j = 0; j < H; ++j) zr[2 * H + j] += xr[2 * H + j];
        act.tanh(zr + 2 * H, g + 2 * H, H);
        for (int64_t j = 0; j < H; ++j) h[j] = g[j] * prev[j] + (T(1) - g[j]) * g[2 * H + j];
      }
    }
  });
}

template <class T>
void gru_reset_before_backward(const Sequence& q, const Tensor& u, const Tensor& h0,
                               const Tensor& hs_t, const Tensor& gates_t, const Tensor& dhs_t,
                               Tensors& out) {
  int64_t B = q.batch, S = q.steps, H = u.dim(0), G = 3 * H;
  const T *hs = hs_t.data<T>(), *gates = gates_t.data<T>();
  const T* dhs = dhs_t.data<T>();
  std::vector<T> ut = transposed<T>(u);
  T *dx = out[0].data<T>(), *dh = out[1].data<T>();
  std::fill(dh, dh + B * H, T(0));
  StepLoops<T> act;
  parallel_for(q.tasks(), [&](int64_t task) {
    int64_t r0 = task * kRowsPerTask, rows = std::min(kRowsPerTask, B - r0);
    std::vector<T> dreset_h(rows * H);
    for (int64_t s = S - 1; s >= 0; --s) {
      int64_t ldh;
      const T* hp = previous_rows(h0.data<T>(), hs, q, r0, s, H, &ldh);
      T* dx_step = dx + (r0 * S + q.src(s)) * G;
      for (int64_t r = 0; r < rows; ++r) {
        int64_t b = r0 + r, row = b * S + s;
        T *dxr = dx + (b * S + q.src(s)) * G, *dhb = dh + b * H;
        if (q.skipped(b, s)) {
          for (int64_t j = 0; j < H; ++j) dhb[j] += dhs[row * H + j];
          std::fill(dxr, dxr + G, T(0));
          continue;
        }
        const T *g = gates + row * 4 * H, *prev = hp + r * ldh;
        for (int64_t j = 0; j < H; ++j) {
          T zg = g[j], hh = g[2 * H + j];
          T dht = dhs[row * H + j] + dhb[j];
          dxr[j] = dht * (prev[j] - hh) * zg * (T(1) - zg);
          dxr[2 * H + j] = dht * (T(1) - zg) * (T(1) - hh * hh);
          dhb[j] = dht * zg;
        }
      }
      // d(r * h_prev) = d(candidate pre-activation) @ u_h^T (zero on skipped rows).
      act.gemm(dx_step + 2 * H, S * G, ut.data() + 2 * H * H, H, dreset_h.data(), H, rows, H, H,
               false);
      for (int64_t r = 0; r < rows; ++r) {
        int64_t b = r0 + r;
        if (q.skipped(b, s)) continue;
        const T *g = gates + (b * S + s) * 4 * H, *prev = hp + r * ldh;
        T *dxr = dx + (b * S + q.src(s)) * G, *dhb = dh + b * H;
        for (int64_t j = 0; j < H; ++j) {
          T rg = g[H + j], drh = dreset_h[r * H + j];
          dxr[H + j] = drh * prev[j] * rg * (T(1) - rg);
          dhb[j] += drh * rg;
        }
      }
      act.gemm(dx_step, S * G, ut.data(), H, dh + r0 * H, H, rows, H, 2 * H, true);
    }
  });
}

// --- SimpleRNN: h = activation(xproj + h_prev @ u) -----------------------------------------

template <class T>
void apply(RecurrentActivation a, const StepLoops<T>& act, T* x, int64_t n) {
  if (a == RecurrentActivation::tanh) act.tanh(x, x, n);
  else if (a == RecurrentActivation::sigmoid) act.sigmoid(x, x, n);
  else if (a == RecurrentActivation::relu) act.relu(x, x, n);
}

// The activation's derivative from its output y.
template <class T>
T derivative(RecurrentActivation a, T y) {
  switch (a) {
    case RecurrentActivation::tanh: return T(1) - y * y;
    case RecurrentActivation::sigmoid: return y * (T(1) - y);
    case RecurrentActivation::relu: return y > T(0) ? T(1) : T(0);
    default: return T(1);
  }
}

template <class T>
void simple_forward(const Sequence& q, RecurrentActivation a, const Tensor& xproj,
                    const Tensor& u, const Tensor& h0, Tensors& out) {
  int64_t B = q.batch, S = q.steps, H = u.dim(0);
  const T *xp = xproj.data<T>(), *uk = u.data<T>();
  T* hs = out[0].data<T>();
  StepLoops<T> act;
  parallel_for(q.tasks(), [&](int64_t task) {
    int64_t r0 = task * kRowsPerTask, rows = std::min(kRowsPerTask, B - r0);
    std::vector<T> zb(rows * H);
    for (int64_t s = 0; s < S; ++s) {
      for (int64_t r = 0; r < rows; ++r)
        std::memcpy(zb.data() + r * H, xp + ((r0 + r) * S + q.src(s)) * H, sizeof(T) * H);
      int64_t ldh;
      const T* hp = previous_rows(h0.data<T>(), hs, q, r0, s, H, &ldh);
      act.gemm(hp, ldh, uk, H, zb.data(), H, rows, H, H, true);
      for (int64_t r = 0; r < rows; ++r) {
        int64_t b = r0 + r;
        T* h = hs + (b * S + s) * H;
        if (q.skipped(b, s)) {
          std::memcpy(h, hp + r * ldh, sizeof(T) * H);
          continue;
        }
        apply(a, act, zb.data() + r * H, H);
        std::memcpy(h, zb.data() + r * H, sizeof(T) * H);
      }
    }
  });
}

template <class T>
void simple_backward(const Sequence& q, RecurrentActivation a, const Tensor& u,
                     const Tensor& hs_t, const Tensor& dhs_t, Tensors& out) {
  int64_t B = q.batch, S = q.steps, H = u.dim(0);
  const T *hs = hs_t.data<T>(), *dhs = dhs_t.data<T>();
  std::vector<T> ut = transposed<T>(u);
  T *dx = out[0].data<T>(), *dh = out[1].data<T>();
  std::fill(dh, dh + B * H, T(0));
  StepLoops<T> act;
  parallel_for(q.tasks(), [&](int64_t task) {
    int64_t r0 = task * kRowsPerTask, rows = std::min(kRowsPerTask, B - r0);
    for (int64_t s = S - 1; s >= 0; --s) {
      for (int64_t r = 0; r < rows; ++r) {
        int64_t b = r0 + r, row = b * S + s;
        T *dxr = dx + (b * S + q.src(s)) * H, *dhb = dh + b * H;
        bool skipped = q.skipped(b, s);
        for (int64_t j = 0; j < H; ++j) {
          T dht = dhs[row * H + j] + dhb[j];
          dxr[j] = skipped ? T(0) : dht * derivative(a, hs[row * H + j]);
          dhb[j] = skipped ? dht : T(0);
        }
      }
      act.gemm(dx + (r0 * S + q.src(s)) * H, S * H, ut.data(), H, dh + r0 * H, H, rows, H, H, true);
    }
  });
}

// --- registration --------------------------------------------------------------------------

void lstm_sequence_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const Tensor& xproj = expect_contiguous(in[0]);
  Sequence q = sequence_of(op, xproj.dim(0), xproj.dim(1), in, 4);
  by_float_dtype(xproj.dtype(), [&](auto t) {
    using T = decltype(t);
    lstm_forward<T>(q, xproj, in[1], in[2], in[3], out, scratch[0].data<T>());
  });
}

void lstm_sequence_grad_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors&) {
  const Tensor& cs = expect_contiguous(in[2]);
  Sequence q = sequence_of(op, cs.dim(0), cs.dim(1), in, 6);
  by_float_dtype(cs.dtype(), [&](auto t) {
    lstm_backward<decltype(t)>(q, in[0], in[1], cs, in[3], in[4], in[5], out);
  });
}

void gru_sequence_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& gru = static_cast<const GruSequenceOp&>(op);
  const Tensor& xproj = expect_contiguous(in[0]);
  Sequence q = sequence_of(op, xproj.dim(0), xproj.dim(1), in, gru.h0_input() + 1);
  by_float_dtype(xproj.dtype(), [&](auto t) {
    using T = decltype(t);
    if (gru.reset_after())
      gru_forward<T>(q, xproj, in[1], in[2], in[3], out, scratch[0].data<T>());
    else
      gru_reset_before_forward<T>(q, xproj, in[1], in[2], out, scratch[0].data<T>());
  });
}

void gru_sequence_grad_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors&) {
  const Tensor& hs = expect_contiguous(in[2]);
  Sequence q = sequence_of(op, hs.dim(0), hs.dim(1), in, 5);
  bool reset_after = static_cast<const GruSequenceGradOp&>(op).reset_after();
  by_float_dtype(hs.dtype(), [&](auto t) {
    if (reset_after) gru_backward<decltype(t)>(q, in[0], in[1], hs, in[3], in[4], out);
    else gru_reset_before_backward<decltype(t)>(q, in[0], in[1], hs, in[3], in[4], out);
  });
}

void simple_rnn_sequence_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors&) {
  const Tensor& xproj = expect_contiguous(in[0]);
  Sequence q = sequence_of(op, xproj.dim(0), xproj.dim(1), in, 3);
  auto a = static_cast<const RecurrentOp&>(op).activation();
  by_float_dtype(xproj.dtype(), [&](auto t) {
    simple_forward<decltype(t)>(q, a, xproj, in[1], in[2], out);
  });
}

void simple_rnn_sequence_grad_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors&) {
  const Tensor& hs = expect_contiguous(in[1]);
  Sequence q = sequence_of(op, hs.dim(0), hs.dim(1), in, 3);
  auto a = static_cast<const RecurrentOp&>(op).activation();
  by_float_dtype(hs.dtype(), [&](auto t) {
    simple_backward<decltype(t)>(q, a, in[0], hs, in[2], out);
  });
}

}  // namespace

void register_recurrent_kernels() {
  register_kernel(OpKind::lstm_sequence, DeviceKind::cpu, lstm_sequence_kernel);
  register_kernel(OpKind::lstm_sequence_grad, DeviceKind::cpu, lstm_sequence_grad_kernel);
  register_kernel(OpKind::gru_sequence, DeviceKind::cpu, gru_sequence_kernel);
  register_kernel(OpKind::gru_sequence_grad, DeviceKind::cpu, gru_sequence_grad_kernel);
  register_kernel(OpKind::simple_rnn_sequence, DeviceKind::cpu, simple_rnn_sequence_kernel);
  register_kernel(OpKind::simple_rnn_sequence_grad, DeviceKind::cpu,
                  simple_rnn_sequence_grad_kernel);
}

}  // namespace kl::cpu
