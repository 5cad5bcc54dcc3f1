// Direct 2-D convolution loops (channels-last, stride 1, valid), compiled once per instruction
// set like vector_loops.cpp. The (kh, kw, c) window taps are the rows of an implicit im2col
// matrix: a micro-kernel keeps a block of outputs in vector registers and walks the taps
// through a table of input offsets, so no patches buffer is written and nothing is packed.
// This file alone compiles with -ffp-contract=fast (engine/CMakeLists.txt): on AVX2/AVX-512 a
// multiply-add is one FMA, as in OpenBLAS's GEMM kernels; the summation order is fixed by the
// shape, never by the thread count.
#include <algorithm>
#include <array>
#include <cstring>
#include <type_traits>
#include <utility>

#include "cpu/simd/register_blocks.h"
#include "cpu/simd/vector_loops.h"

namespace kl::cpu::KL_ISA {
namespace {

// The layer epilogue on a vector of accumulators: + bias, then relu (NaN passes, as in the
// relu primitive) when asked.
template <class T>
typename Vec<T>::type epilogue(typename Vec<T>::type v, const T* bias, bool relu) {
  using V = Vec<T>;
  if (bias) v += V::load(bias);
  if (relu) {
    typename V::type zero{};
    v = (v > zero) | (v != v) ? v : zero;
  }
  return v;
}

// P output pixels x FV vectors of output channels: y[p][f0 ..] = sum_r x[p*C + off[r]] * w[r][f0 ..]
// (w, y and bias already offset to f0).
template <class T, int P, int FV>
void forward_block(const T* __restrict x, int64_t C, const int64_t* __restrict off, int64_t K,
                   const T* __restrict w, int64_t F, T* __restrict y, const T* bias, bool relu) {
  using V = Vec<T>;
  typename V::type acc[P][FV];
  for (int p = 0; p < P; ++p)
    for (int v = 0; v < FV; ++v) acc[p][v] = typename V::type{};
  for (int64_t r = 0; r < K; ++r) {
    const T* wr = w + r * F;
    typename V::type wv[FV];
    for (int v = 0; v < FV; ++v) wv[v] = V::load(wr + v * V::width);
    const T* xr = x + off[r];
    for (int p = 0; p < P; ++p) {
      T xv = xr[p * C];
      for (int v = 0; v < FV; ++v) acc[p][v] += xv * wv[v];
    }
  }
  for (int p = 0; p < P; ++p)
    for (int v = 0; v < FV; ++v)
      V::store(y + p * F + v * V::width,
               epilogue<T>(acc[p][v], bias ? bias + v * V::width : nullptr, relu));
}

template <class T>
using ForwardBlock = void (*)(const T*, int64_t, const int64_t*, int64_t, const T*, int64_t, T*,
                              const T*, bool);

template <class T, int FV, int... Ps>
constexpr std::array<ForwardBlock<T>, sizeof...(Ps)> forward_blocks(
    std::integer_sequence<int, Ps...>) {
  return {&forward_block<T, Ps + 1, FV>...};
}

template <class T, int FV>
void forward_row_fv(const T* x, int64_t C, const int64_t* off, int64_t K, const T* w, int64_t F,
                    T* y, int64_t OW, int64_t f0, const T* bias, bool relu) {
  constexpr int kMaxPixels = kAccumulators / FV;
  // One instance per block width: a row is split into equal blocks of at most kMaxPixels
  // (13 pixels: 7 + 7 overlapping by one, not 12 + 1 or 12 + 12 overlapping by 11).
  static constexpr auto blocks =
      forward_blocks<T, FV>(std::make_integer_sequence<int, kMaxPixels>{});
  int64_t count = (OW + kMaxPixels - 1) / kMaxPixels;
  int64_t width = (OW + count - 1) / count;
  auto block = blocks[width - 1];
  // The last block overlaps the one before instead of a remainder loop: the overlapped pixels
  // are recomputed with the same operations, so they get the same bits.
  for (int64_t o = 0; o < OW; o += width) {
    int64_t start = std::min(o, OW - width);
    block(x + start * C, C, off, K, w + f0, F, y + start * F + f0, bias ? bias + f0 : nullptr,
          relu);
  }
}

// One output row: x points at the input pixel under output pixel 0 of the row.
template <class T>
void conv2d_forward_row(const T* x, int64_t C, const int64_t* off, int64_t K, const T* w,
                        int64_t F, T* y, int64_t OW, const T* bias, bool relu) {
  int64_t f0 = for_each_vector_group<T>(F, [&](auto vectors, int64_t first) {
    forward_row_fv<T, decltype(vectors)::value>(x, C, off, K, w, F, y, OW, first, bias, relu);
  });
  for (int64_t o = 0; o < OW; ++o)  // channels past the last whole vector
    for (int64_t f = f0; f < F; ++f) {
      T acc = T(0);
      for (int64_t r = 0; r < K; ++r) acc += x[o * C + off[r]] * w[r * F + f];
      if (bias) acc += bias[f];
      if (relu) acc = acc > T(0) || acc != acc ? acc : T(0);
      y[o * F + f] = acc;
    }
}

// CP taps x FV vectors of output channels of the filter gradient, over `pixels` output pixels:
// dw[t][f0 ..] += sum_pixel x[base(pixel) + off[t]] * g[pixel][f0 ..].
template <class T, int CP, int FV>
void filter_block(const T* __restrict x, const int64_t* __restrict base,
                  const int64_t* __restrict off, const T* __restrict g, int64_t F,
                  int64_t pixels, T* __restrict dw) {
  using V = Vec<T>;
  typename V::type acc[CP][FV];
  for (int t = 0; t < CP; ++t)
    for (int v = 0; v < FV; ++v) acc[t][v] = typename V::type{};
  int64_t o[CP];
  for (int t = 0; t < CP; ++t) o[t] = off[t];
  for (int64_t q = 0; q < pixels; ++q) {
    const T* gq = g + q * F;
    typename V::type gv[FV];
    for (int v = 0; v < FV; ++v) gv[v] = V::load(gq + v * V::width);
    const T* xq = x + base[q];
    for (int t = 0; t < CP; ++t) {
      T xv = xq[o[t]];
      for (int v = 0; v < FV; ++v) acc[t][v] += xv * gv[v];
    }
  }
  for (int t = 0; t < CP; ++t)
    for (int v = 0; v < FV; ++v) V::store(dw + t * F + v * V::width, acc[t][v]);
}

template <class T, int FV>
void filter_fv(const T* x, const int64_t* base, const int64_t* off, int64_t K, const T* g,
               int64_t F, int64_t pixels, T* dw, int64_t f0, T* spill) {
  constexpr int CP = kAccumulators / FV;
  for (int64_t r = 0; r < K; r += CP) {
    if (r + CP <= K) {
      filter_block<T, CP, FV>(x, base, off + r, g + f0, F, pixels, dw + r * F + f0);
      continue;
    }
    // The last, partial block of taps: pad its offset table with tap 0 and drop those rows.
    int64_t padded[CP];
    for (int t = 0; t < CP; ++t) padded[t] = off[r + t < K ? r + t : 0];
    filter_block<T, CP, FV>(x, base, padded, g + f0, F, pixels, spill);
    for (int64_t t = 0; t < K - r; ++t)
      std::memcpy(dw + (r + t) * F + f0, spill + t * F, sizeof(T) * FV * Vec<T>::width);
  }
}

// dw (K x F) = sum over `pixels` output pixels of x[base[q] + off[r]] * g[q][f]; `spill` is
// room for kAccumulators rows of F.
template <class T>
void conv2d_filter_grad(const T* x, const int64_t* base, const int64_t* off, int64_t K,
                        const T* g, int64_t F, int64_t pixels, T* dw, T* spill) {
  int64_t f0 = for_each_vector_group<T>(F, [&](auto vectors, int64_t first) {
    filter_fv<T, decltype(vectors)::value>(x, base, off, K, g, F, pixels, dw, first, spill);
  });
  for (int64_t r = 0; r < K; ++r)  // channels past the last whole vector
    for (int64_t f = f0; f < F; ++f) {
      T acc = T(0);
      for (int64_t q = 0; q < pixels; ++q) acc += x[base[q] + off[r]] * g[q * F + f];
      dw[r * F + f] = acc;
    }
}

}  // namespace

void fill_conv_loops(VectorLoops& loops) {
  loops.f32.conv2d_forward_row = conv2d_forward_row<float>;
  loops.f64.conv2d_forward_row = conv2d_forward_row<double>;
  loops.f32.conv2d_filter_grad = conv2d_filter_grad<float>;
  loops.f64.conv2d_filter_grad = conv2d_filter_grad<double>;
  loops.conv_accumulators = kAccumulators;
}

}  // namespace kl::cpu::KL_ISA
