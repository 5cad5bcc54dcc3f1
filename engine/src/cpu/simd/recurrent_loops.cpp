// The recurrences' per-step gate gradients (cpu/recurrent_kernels.cpp), compiled once per
// KL_ISA like vector_loops.cpp: the core library is built for baseline x86-64, where these
// loops stay scalar; here they vectorise to the running CPU's widest registers. Every element
// takes the same operations in the same order as a scalar loop (no contraction), so all
// instruction sets give the same bits.
#include "cpu/simd/vector_loops.h"

namespace kl::cpu::KL_ISA {
namespace {

// LSTM, gate blocks i, f, c, o of g; dh_carry / dc_carry hold the cotangents flowing in from
// step s + 1 and leave with those flowing into step s - 1 (dh's is then added by the GEMM).
template <class T>
void lstm_gate_grads(const T* __restrict g, const T* __restrict c_prev,
                     const T* __restrict tanh_c, const T* __restrict dh_in,
                     const T* __restrict dc_in, T* __restrict dh_carry, T* __restrict dc_carry,
                     T* __restrict dz, int64_t H) {
  for (int64_t j = 0; j < H; ++j) {
    T i = g[j], f = g[H + j], gg = g[2 * H + j], o = g[3 * H + j], tc = tanh_c[j];
    T dht = dh_in[j] + dh_carry[j];
    T dct = dc_in[j] + dc_carry[j] + dht * o * (T(1) - tc * tc);
    dz[j] = dct * gg * i * (T(1) - i);
    dz[H + j] = dct * c_prev[j] * f * (T(1) - f);
    dz[2 * H + j] = dct * i * (T(1) - gg * gg);
    dz[3 * H + j] = dht * tc * o * (T(1) - o);
    dc_carry[j] = dct * f;
    dh_carry[j] = T(0);
  }
}

// GRU with reset_after, g = (z, r, h~, the candidate's recurrent projection): the cotangents
// of xproj (dx) and of h_prev @ u + rbias (drec).
template <class T>
void gru_gate_grads(const T* __restrict g, const T* __restrict prev, const T* __restrict dh_in,
                    T* __restrict dh_carry, T* __restrict dx, T* __restrict drec, int64_t H) {
  for (int64_t j = 0; j < H; ++j) {
    T zg = g[j], rg = g[H + j], hh = g[2 * H + j], rh = g[3 * H + j];
    T dht = dh_in[j] + dh_carry[j];
    T dzg = dht * (prev[j] - hh) * zg * (T(1) - zg);
    T dhh = dht * (T(1) - zg) * (T(1) - hh * hh);
    T dr = dhh * rh * rg * (T(1) - rg);
    dx[j] = dzg, dx[H + j] = dr, dx[2 * H + j] = dhh;
    drec[j] = dzg, drec[H + j] = dr, drec[2 * H + j] = dhh * rg;
    dh_carry[j] = dht * zg;
  }
}

template <class T>
void fill(VectorLoopsFor<T>& t) {
  t.lstm_gate_grads = lstm_gate_grads<T>;
  t.gru_gate_grads = gru_gate_grads<T>;
}

}  // namespace

void fill_recurrent_loops(VectorLoops& loops) {
  fill(loops.f32);
  fill(loops.f64);
}

}  // namespace kl::cpu::KL_ISA
