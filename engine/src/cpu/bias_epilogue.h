#pragma once
// y = activation(x + bias) over a block of rows: the arithmetic of bias_activation, shared with
// the matmul kernel's fused epilogue (graph mode merges matmul -> bias_activation), so the two
// give the same bits.
#include <cstdint>

#include "kl/primitives.h"

namespace kl::cpu {

template <class T, FusedActivation A>
void bias_activation_block(const T* x, int64_t ldx, const T* bias, T* y, int64_t ldy,
                           int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr = x + r * ldx;
    T* yr = y + r * ldy;
    for (int64_t c = 0; c < cols; ++c) {
      T v = xr[c] + bias[c];
      // As the relu primitive: NaN passes through.
      yr[c] = A == FusedActivation::relu ? (v > T(0) || v != v ? v : T(0)) : v;
    }
  }
}

template <class T>
void bias_activation_block(FusedActivation a, const T* x, int64_t ldx, const T* bias, T* y,
                           int64_t ldy, int64_t rows, int64_t cols) {
  if (a == FusedActivation::relu)
    bias_activation_block<T, FusedActivation::relu>(x, ldx, bias, y, ldy, rows, cols);
  else
    bias_activation_block<T, FusedActivation::linear>(x, ldx, bias, y, ldy, rows, cols);
}

}  // namespace kl::cpu
