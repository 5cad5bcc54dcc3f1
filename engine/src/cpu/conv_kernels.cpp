// CPU kernels of conv2d and conv2d_filter_grad: offset tables and the split into tasks; the
// loops themselves are per instruction set (simd/conv_loops.cpp).
#include <algorithm>

#include "cpu/kernels.h"
#include "cpu/simd/vector_loops.h"
#include "cpu/strided.h"
#include "kl/thread_pool.h"

namespace kl::cpu {
namespace {

// off[(kh * KW + kw) * C + c]: where tap (kh, kw, c) sits relative to its output pixel's input.
void tap_offsets(int64_t* off, int64_t KH, int64_t KW, int64_t C, int64_t W) {
  for (int64_t kh = 0; kh < KH; ++kh)
    for (int64_t kw = 0; kw < KW; ++kw)
      for (int64_t c = 0; c < C; ++c) *off++ = (kh * W + kw) * C + c;
}

template <class T>
void conv2d_typed(const Conv2dOp& op, const Tensor& x, const Tensor& w, const Tensor* bias,
                  bool relu, Tensor& y, int64_t* tables) {
  int64_t N = x.dim(0), H = x.dim(1), W = x.dim(2), C = x.dim(3);
  int64_t KH = w.dim(0), KW = w.dim(1), F = w.dim(3), OH = y.dim(1), OW = y.dim(2);
  int64_t K = KH * KW * C, per_kernel_row = KW * C, top = op.top();
  // tables[kh0]: the taps of kernel rows kh0.. relative to input row (output row + kh0 - top).
  tap_offsets(tables, KH, KW, C, W);
  for (int64_t kh0 = 1; kh0 < KH; ++kh0)
    for (int64_t r = 0; r < K - kh0 * per_kernel_row; ++r)
      tables[kh0 * K + r] = tables[r + kh0 * per_kernel_row] - kh0 * W * C;
  const T *xs = x.data<T>(), *ws = w.data<T>();
  T* ys = y.data<T>();
  const T* bs = bias ? bias->data<T>() : nullptr;
  auto row = loops_of<T>().conv2d_forward_row;
  // Every output element is computed by one task from the same operations, so any split
  // gives the same bits; rows are grouped until a task holds ~2^17 multiply-adds.
  int64_t per_row = std::max<int64_t>(1, OW * F * K);
  parallel_range(N * OH, std::max<int64_t>(1, (int64_t(1) << 17) / per_row),
                 [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      int64_t n = r / OH, oh = r % OH;
      // Kernel rows [kh0, kh1) read real input rows; the others would read padding.
      int64_t kh0 = std::max<int64_t>(0, top - oh), kh1 = std::min(KH, H + top - oh);
      int64_t taps = std::max<int64_t>(0, kh1 - kh0) * per_kernel_row;
      const T* input = taps ? xs + ((n * H + oh + kh0 - top) * W) * C : xs;
      row(input, C, tables + kh0 * K, taps, ws + kh0 * per_kernel_row * F, F, ys + r * OW * F,
          OW, bs, relu);
    }
  });
}

template <class T>
void filter_grad_typed(const Tensor& x, const Tensor& g, Tensor& dw, Tensors& scratch) {
  int64_t N = x.dim(0), H = x.dim(1), W = x.dim(2), C = x.dim(3);
  int64_t OH = g.dim(1), OW = g.dim(2), F = g.dim(3), KH = dw.dim(0), KW = dw.dim(1);
  int64_t K = KH * KW * C, pixels = OH * OW;
  T* out = dw.data<T>();
  if (N == 0 || K * F == 0) {
    std::fill(out, out + K * F, T(0));
    return;
  }
  int64_t* off = scratch[0].data<int64_t>();
  int64_t* base = scratch[1].data<int64_t>();
  T* partial = scratch[2].data<T>();
  T* spill = scratch[3].data<T>();
  tap_offsets(off, KH, KW, C, W);
  for (int64_t n = 0, q = 0; n < N; ++n)
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) base[q++] = ((n * H + oh) * W + ow) * C;
  // Whole images per chunk, a count fixed by the shape; partials combined in chunk order.
  int64_t images = std::max<int64_t>(1, kConvFilterChunkPixels / std::max<int64_t>(pixels, 1));
  int64_t chunks = (N + images - 1) / images;
  const T *xs = x.data<T>(), *gs = g.data<T>();
  auto grad = loops_of<T>().conv2d_filter_grad;
  parallel_for(chunks, [&](int64_t k) {
    int64_t n0 = k * images, n1 = std::min(N, n0 + images);
    grad(xs, base + n0 * pixels, off, K, gs + n0 * pixels * F, F, (n1 - n0) * pixels,
         partial + k * K * F, spill + k * kConvSpillRows * F);
  });
  parallel_range(K * F, kGrain, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      T acc = partial[i];
      for (int64_t k = 1; k < chunks; ++k) acc += partial[k * K * F + i];
      out[i] = acc;
    }
  });
}

// No input channels: every sum is empty, so y is the epilogue of zero.
template <class T>
void empty_sums(Tensor& y, const Tensor* bias, bool relu) {
  T* ys = y.data<T>();
  int64_t F = y.dim(3);
  for (int64_t i = 0; i < y.size(); ++i) {
    T v = bias ? bias->data<T>()[i % F] : T(0);
    ys[i] = relu && !(v > T(0) || v != v) ? T(0) : v;
  }
}

void conv2d_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& conv = static_cast<const Conv2dOp&>(op);
  const Tensor& x = expect_contiguous(in[0]);
  const Tensor& w = expect_contiguous(in[1]);
  const Tensor* bias = conv.has_bias() ? &expect_contiguous(in[2]) : nullptr;
  bool relu = conv.activation() == FusedActivation::relu;
  if (out[0].size() == 0) return;
  bool f32 = x.dtype() == DType::float32;
  if (w.dim(2) == 0) {
    f32 ? empty_sums<float>(out[0], bias, relu) : empty_sums<double>(out[0], bias, relu);
    return;
  }
  int64_t* tables = scratch[0].data<int64_t>();
  if (f32) conv2d_typed<float>(conv, x, w, bias, relu, out[0], tables);
  else conv2d_typed<double>(conv, x, w, bias, relu, out[0], tables);
}

void conv2d_filter_grad_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const Tensor& x = expect_contiguous(in[0]);
  const Tensor& g = expect_contiguous(in[1]);
  if (x.dtype() == DType::float32) filter_grad_typed<float>(x, g, out[0], scratch);
  else filter_grad_typed<double>(x, g, out[0], scratch);
}

}  // namespace

void register_conv_kernels() {
  register_kernel(OpKind::conv2d, DeviceKind::cpu, conv2d_kernel);
  register_kernel(OpKind::conv2d_filter_grad, DeviceKind::cpu, conv2d_filter_grad_kernel);
}

}  // namespace kl::cpu
