// CPU kernels of patches (im2col), patches_adjoint (col2im), max_pool and its adjoint.
#include <algorithm>
#include <cstring>
#include <limits>

#include "cpu/kernels.h"
#include "kl/thread_pool.h"

namespace kl::cpu {
namespace {

// Row-major offsets of a channels-last tensor: strides in elements, batch first.
struct Layout {
  int n;
  int64_t in[3], out[3], win[3];
  int64_t in_stride[4], out_rows_per_batch, channels, features;
};

Layout layout_of(const WindowGeometry& g, const Shape& input, const Shape& output) {
  Layout l{};
  l.n = g.rank();
  l.channels = input.back();
  for (int i = 0; i < l.n; ++i) {
    l.in[i] = input[i + 1];
    l.out[i] = output[i + 1];
    l.win[i] = g.window[i];
  }
  // in_stride[i]: elements between neighbours along spatial axis i; in_stride[n]: one batch.
  int64_t stride = l.channels;
  for (int i = l.n - 1; i >= 0; --i) {
    l.in_stride[i] = stride;
    stride *= l.in[i];
  }
  l.in_stride[l.n] = stride;
  l.out_rows_per_batch = 1;
  for (int i = 0; i < l.n; ++i) l.out_rows_per_batch *= l.out[i];
  l.features = output.back();
  return l;
}

// Calls fn(window index, input element offset within the batch or -1 for padding) for every
// window position of output row `row` (a flat index over the output's spatial positions).
template <class Fn>
void for_each_window_position(const Layout& l, const WindowGeometry& g, int64_t row, Fn&& fn) {
  int64_t o[3] = {0, 0, 0};
  for (int i = l.n - 1; i >= 0; --i) {
    o[i] = row % l.out[i];
    row /= l.out[i];
  }
  int64_t start[3];
  for (int i = 0; i < l.n; ++i) start[i] = o[i] * g.strides[i] - g.before[i];
  int64_t k = 0;
  int64_t w0 = l.win[0], w1 = l.n > 1 ? l.win[1] : 1, w2 = l.n > 2 ? l.win[2] : 1;
  for (int64_t a = 0; a < w0; ++a) {
    int64_t p0 = start[0] + a * g.dilation[0];
    bool in0 = p0 >= 0 && p0 < l.in[0];
    for (int64_t b = 0; b < w1; ++b) {
      int64_t p1 = l.n > 1 ? start[1] + b * g.dilation[1] : 0;
      bool in1 = l.n < 2 || (p1 >= 0 && p1 < l.in[1]);
      for (int64_t c = 0; c < w2; ++c, ++k) {
        int64_t p2 = l.n > 2 ? start[2] + c * g.dilation[2] : 0;
        bool in2 = l.n < 3 || (p2 >= 0 && p2 < l.in[2]);
        if (!(in0 && in1 && in2)) {
          fn(k, int64_t(-1));
          continue;
        }
        int64_t offset = p0 * l.in_stride[0];
        if (l.n > 1) offset += p1 * l.in_stride[1];
        if (l.n > 2) offset += p2 * l.in_stride[2];
        fn(k, offset);
      }
    }
  }
}

void patches_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& g = static_cast<const PatchesOp&>(op).geometry();
  const Tensor& x = expect_contiguous(in[0]);
  const Tensor& o = out[0];
  if (o.size() == 0) return;
  Layout l = layout_of(g, x.shape(), o.shape());
  size_t item = itemsize(x.dtype());
  size_t block = size_t(l.channels) * item;
  const char* src = static_cast<const char*>(x.raw_data());
  char* dst = static_cast<char*>(o.raw_data());
  int64_t rows = x.dim(0) * l.out_rows_per_batch;
  // About 64 KiB of output per task: enough work per task, fixed by the shape alone.
  int64_t row_bytes = std::max<int64_t>(1, l.features * int64_t(item));
  int64_t grain = std::max<int64_t>(1, (int64_t(1) << 16) / row_bytes);
  parallel_range(rows, grain, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      int64_t batch = r / l.out_rows_per_batch;
      const char* base = src + batch * l.in_stride[l.n] * item;
      char* row = dst + r * l.features * item;
      for_each_window_position(l, g, r % l.out_rows_per_batch, [&](int64_t k, int64_t off) {
        if (off < 0)
          std::memset(row + k * block, 0, block);
        else
          std::memcpy(row + k * block, base + off * item, block);
      });
    }
  });
}

template <class T>
void patches_adjoint_typed(const WindowGeometry& g, const Tensor& rows, const Tensor& o) {
  Layout l = layout_of(g, o.shape(), rows.shape());
  const T* src = rows.data<T>();
  T* dst = o.data<T>();
  std::fill(dst, dst + o.size(), T(0));
  if (rows.size() == 0) return;
  // Tasks own disjoint (batch, channel block) slices of the output, and each output element
  // accumulates its contributions in row order: the same sums for any thread count.
  constexpr int64_t kChannelBlock = 64;
  int64_t blocks = (l.channels + kChannelBlock - 1) / kChannelBlock;
  int64_t batches = o.dim(0);
  parallel_for(batches * blocks, [&](int64_t task) {
    int64_t batch = task / blocks;
    int64_t c0 = (task % blocks) * kChannelBlock;
    int64_t c1 = std::min(l.channels, c0 + kChannelBlock);
    T* base = dst + batch * l.in_stride[l.n];
    for (int64_t r = 0; r < l.out_rows_per_batch; ++r) {
      const T* row = src + (batch * l.out_rows_per_batch + r) * l.features;
      for_each_window_position(l, g, r, [&](int64_t k, int64_t off) {
        if (off < 0) return;
        const T* from = row + k * l.channels;
        T* to = base + off;
        for (int64_t c = c0; c < c1; ++c) to[c] += from[c];
      });
    }
  });
}

void patches_adjoint_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& g = static_cast<const PatchesAdjointOp&>(op).geometry();
  const Tensor& rows = expect_contiguous(in[0]);
  const Tensor& o = out[0];
  if (o.size() == 0) return;
  switch (rows.dtype()) {
    case DType::float32: patches_adjoint_typed<float>(g, rows, o); break;
    case DType::float64: patches_adjoint_typed<double>(g, rows, o); break;
    default:
      KL_CHECK(false, "[patches_adjoint] dtype ", dtype_name(rows.dtype()), " is not supported");
  }
}

template <class T>
void max_pool_typed(const WindowGeometry& g, const Tensor& x, const Tensor& o) {
  Layout l = layout_of(g, x.shape(), o.shape());
  const T* src = x.data<T>();
  T* dst = o.data<T>();
  int64_t rows = x.dim(0) * l.out_rows_per_batch;
  int64_t grain = std::max<int64_t>(1, (int64_t(1) << 14) / std::max<int64_t>(1, l.channels));
  parallel_range(rows, grain, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const T* base = src + (r / l.out_rows_per_batch) * l.in_stride[l.n];
      T* y = dst + r * l.channels;
      std::fill(y, y + l.channels, -std::numeric_limits<T>::infinity());
      for_each_window_position(l, g, r % l.out_rows_per_batch, [&](int64_t, int64_t off) {
        if (off < 0) return;
        const T* v = base + off;
        // NaN wins and then stays: the comparison with a NaN maximum is always false.
        for (int64_t c = 0; c < l.channels; ++c)
          y[c] = (v[c] > y[c] || v[c] != v[c]) ? v[c] : y[c];
      });
    }
  });
}

// For each channel whose window maximum has not been met yet: if v is the maximum, its
// gradient goes here. Branch-free selects, so the loop vectorises (a data-dependent branch per
// element mispredicts on random data and ran 8x slower).
template <class T>
inline void route_to_first_max(const T* __restrict v, const T* __restrict y,
                               const T* __restrict g, T* __restrict d, T* __restrict unrouted,
                               int64_t n) {
  for (int64_t c = 0; c < n; ++c) {
    // Every load is unconditional, or the vectoriser cannot if-convert the selects.
    T vc = v[c], yc = y[c], gc = g[c], dc = d[c], uc = unrouted[c];
    bool first = (vc == yc) & (uc != T(0));
    d[c] = first ? dc + gc : dc;
    unrouted[c] = first ? T(0) : uc;
  }
}

template <class T>
void max_pool_adjoint_typed(const WindowGeometry& g, const Tensor& x, const Tensor& pooled,
                            const Tensor& ct, const Tensor& o) {
  Layout l = layout_of(g, x.shape(), pooled.shape());
  const T* xs = x.data<T>();
  const T* ys = pooled.data<T>();
  const T* gs = ct.data<T>();
  T* dst = o.data<T>();
  // One task per batch item: overlapping windows add into the same elements, always in the
  // same (row, window position) order, so the sums do not depend on the thread count.
  constexpr int64_t kBlock = 64;
  parallel_for(x.dim(0), [&](int64_t batch) {
    int64_t in_offset = batch * l.in_stride[l.n];
    T* dx = dst + in_offset;
    std::fill(dx, dx + l.in_stride[l.n], T(0));
    for (int64_t r = 0; r < l.out_rows_per_batch; ++r) {
      int64_t row = (batch * l.out_rows_per_batch + r) * l.channels;
      for (int64_t c0 = 0; c0 < l.channels; c0 += kBlock) {
        int64_t width = std::min(kBlock, l.channels - c0);
        const T* y = ys + row + c0;
        const T* gr = gs + row + c0;
        T unrouted[kBlock];
        std::fill(unrouted, unrouted + width, T(1));
        for_each_window_position(l, g, r, [&](int64_t, int64_t off) {
          if (off >= 0) route_to_first_max(xs + in_offset + off + c0, y, gr, dx + off + c0,
                                           unrouted, width);
        });
      }
    }
  });
}

void max_pool_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& g = static_cast<const MaxPoolOp&>(op).geometry();
  const Tensor& x = expect_contiguous(in[0]);
  if (out[0].size() == 0) return;
  if (x.dtype() == DType::float32)
    max_pool_typed<float>(g, x, out[0]);
  else
    max_pool_typed<double>(g, x, out[0]);
}

void max_pool_adjoint_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& g = static_cast<const MaxPoolAdjointOp&>(op).geometry();
  const Tensor& x = expect_contiguous(in[0]);
  const Tensor& pooled = expect_contiguous(in[1]);
  const Tensor& ct = expect_contiguous(in[2]);
  if (out[0].size() == 0) return;
  if (x.dtype() == DType::float32)
    max_pool_adjoint_typed<float>(g, x, pooled, ct, out[0]);
  else
    max_pool_adjoint_typed<double>(g, x, pooled, ct, out[0]);
}

}  // namespace

void register_window_kernels() {
  register_kernel(OpKind::patches, DeviceKind::cpu, patches_kernel);
  register_kernel(OpKind::patches_adjoint, DeviceKind::cpu, patches_adjoint_kernel);
  register_kernel(OpKind::max_pool, DeviceKind::cpu, max_pool_kernel);
  register_kernel(OpKind::max_pool_adjoint, DeviceKind::cpu, max_pool_adjoint_kernel);
}

}  // namespace kl::cpu
