// CPU kernels of patches (im2col), patches_adjoint (col2im), max_pool, its adjoint and the
// adjoint's transpose (max_pool_gather).
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
  int64_t start[3] = {0, 0, 0};
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

// Offsets of every window position from the window's first element, in for_each_window_position
// order; returns how many. Interior windows (no position over padding) walk this table. No
// table (taps null) when no whole window fits in the input: then no window is interior.
int64_t window_taps(const Layout& l, const WindowGeometry& g, int64_t* taps) {
  if (!taps) return 0;
  int64_t w1 = l.n > 1 ? l.win[1] : 1, w2 = l.n > 2 ? l.win[2] : 1, k = 0;
  for (int64_t a = 0; a < l.win[0]; ++a)
    for (int64_t b = 0; b < w1; ++b)
      for (int64_t c = 0; c < w2; ++c) {
        int64_t offset = a * g.dilation[0] * l.in_stride[0];
        if (l.n > 1) offset += b * g.dilation[1] * l.in_stride[1];
        if (l.n > 2) offset += c * g.dilation[2] * l.in_stride[2];
        taps[k++] = offset;
      }
  return k;
}

// Walks the output positions of one batch item in row-major order, keeping their coordinates
// (a division per position cost more than the max over a small window).
class WindowCursor {
 public:
  WindowCursor(const Layout& l, const WindowGeometry& g, int64_t row) : l_(l), g_(g) {
    for (int i = l.n - 1; i >= 0; --i) {
      o_[i] = row % l.out[i];
      row /= l.out[i];
    }
  }
  void advance() {
    for (int i = l_.n - 1; i >= 0; --i) {
      if (++o_[i] < l_.out[i]) return;
      o_[i] = 0;
    }
  }
  // The offset of the window's first element when no position is over padding, else -1.
  int64_t interior_offset() const {
    int64_t offset = 0;
    for (int i = 0; i < l_.n; ++i) {
      int64_t first = o_[i] * g_.strides[i] - g_.before[i];
      if (first < 0 || first + (l_.win[i] - 1) * g_.dilation[i] >= l_.in[i]) return -1;
      offset += first * l_.in_stride[i];
    }
    return offset;
  }

 private:
  const Layout& l_;
  const WindowGeometry& g_;
  int64_t o_[3] = {0, 0, 0};
};

// Windows that tile the input (stride = window, no dilation or leading padding) never overlap:
// every input element gets at most one window's gradient, so the adjoint writes it once.
bool windows_tile(const WindowGeometry& g) {
  for (int i = 0; i < g.rank(); ++i)
    if (g.strides[i] != g.window[i] || g.dilation[i] != 1 || g.before[i] != 0) return false;
  return true;
}

// Zeroes the elements of one batch item that no tiling window covers (past the last whole or
// partial window along some axis). `d` starts a block along axis `axis`.
template <class T>
void zero_uncovered(T* d, const Layout& l, int axis) {
  int64_t covered = std::min(l.in[axis], l.out[axis] * l.win[axis]);
  int64_t stride = l.in_stride[axis];
  std::fill(d + covered * stride, d + l.in[axis] * stride, T(0));
  if (axis + 1 < l.n && axis < 2)  // rank <= 3 (the bound also tells the compiler)
    for (int64_t p = 0; p < covered; ++p) zero_uncovered(d + p * stride, l, axis + 1);
}

// 16-byte vectors in GCC's generic vector syntax (SSE2 here, which every x86-64 has): the
// auto-vectoriser kept a branchy scalar loop for the routing selects below.
template <class T>
struct Lanes {
  typedef T type __attribute__((vector_size(16)));
  typedef T unaligned __attribute__((vector_size(16), aligned(alignof(T)), may_alias));
  static constexpr int64_t width = 16 / int64_t(sizeof(T));
  static type load(const T* p) { return *reinterpret_cast<const unaligned*>(p); }
  static void store(T* p, type v) { *reinterpret_cast<unaligned*>(p) = v; }
};

template <class T>
inline void take_max(const T* __restrict v, T* __restrict y, int64_t n) {
  using L = Lanes<T>;
  int64_t c = 0;
  // NaN wins and then stays: the comparison with a NaN maximum is always false.
  for (; c + L::width <= n; c += L::width) {
    typename L::type vc = L::load(v + c), yc = L::load(y + c);
    L::store(y + c, (vc > yc) | (vc != vc) ? vc : yc);
  }
  for (; c < n; ++c) y[c] = (v[c] > y[c] || v[c] != v[c]) ? v[c] : y[c];
}

template <class T>
void max_pool_typed(const WindowGeometry& g, const Tensor& x, const Tensor& o, int64_t* taps) {
  Layout l = layout_of(g, x.shape(), o.shape());
  int64_t count = window_taps(l, g, taps);
  const T* src = x.data<T>();
  T* dst = o.data<T>();
  int64_t rows = x.dim(0) * l.out_rows_per_batch;
  int64_t grain = std::max<int64_t>(1, (int64_t(1) << 14) / std::max<int64_t>(1, l.channels));
  parallel_range(rows, grain, [&](int64_t begin, int64_t end) {
    // advance() wraps from a batch item's last position to the next item's first.
    WindowCursor cursor(l, g, begin % l.out_rows_per_batch);
    for (int64_t r = begin; r < end; ++r, cursor.advance()) {
      const T* base = src + (r / l.out_rows_per_batch) * l.in_stride[l.n];
      T* y = dst + r * l.channels;
      std::fill(y, y + l.channels, -std::numeric_limits<T>::infinity());
      int64_t first = cursor.interior_offset();
      if (first >= 0) {
        for (int64_t k = 0; k < count; ++k) take_max(base + first + taps[k], y, l.channels);
        continue;
      }
      for_each_window_position(l, g, r % l.out_rows_per_batch, [&](int64_t, int64_t off) {
        if (off >= 0) take_max(base + off, y, l.channels);
      });
    }
  });
}

// For each channel whose window maximum has not been met yet: if v is the maximum, its
// gradient goes here (selects, not branches: a data-dependent branch per element mispredicts
// on random data). Overlapping windows add into d; tiling ones (Write) store, as nothing else
// writes that element.
template <class T, bool Write>
inline void route_to_first_max(const T* __restrict v, const T* __restrict y,
                               const T* __restrict g, T* __restrict d, T* __restrict unrouted,
                               int64_t n) {
  using L = Lanes<T>;
  using V = typename L::type;
  int64_t c = 0;
  for (; c + L::width <= n; c += L::width) {
    V vc = L::load(v + c), uc = L::load(unrouted + c), zero{};
    auto first = (vc == L::load(y + c)) & (uc != zero);
    V gc = L::load(g + c);
    if constexpr (Write) {
      L::store(d + c, first ? gc : zero);
    } else {
      V dc = L::load(d + c);
      L::store(d + c, first ? dc + gc : dc);
    }
    L::store(unrouted + c, first ? zero : uc);
  }
  for (; c < n; ++c) {
    bool first = (v[c] == y[c]) & (unrouted[c] != T(0));
    if constexpr (Write)
      d[c] = first ? g[c] : T(0);
    else
      d[c] = first ? d[c] + g[c] : d[c];
    unrouted[c] = first ? T(0) : unrouted[c];
  }
}

template <class T, bool Tiled>
void max_pool_adjoint_batch(const Layout& l, const WindowGeometry& g, const int64_t* taps,
                            int64_t count, const T* xs, const T* ys, const T* gs, T* dst,
                            int64_t batch) {
  int64_t in_offset = batch * l.in_stride[l.n];
  const T* xb = xs + in_offset;
  T* dx = dst + in_offset;
  if (Tiled)
    zero_uncovered(dx, l, 0);
  else
    std::fill(dx, dx + l.in_stride[l.n], T(0));
  constexpr int64_t kBlock = 64;
  WindowCursor cursor(l, g, 0);
  for (int64_t r = 0; r < l.out_rows_per_batch; ++r, cursor.advance()) {
    int64_t row = (batch * l.out_rows_per_batch + r) * l.channels;
    int64_t first = cursor.interior_offset();
    for (int64_t c0 = 0; c0 < l.channels; c0 += kBlock) {
      int64_t width = std::min(kBlock, l.channels - c0);
      const T* y = ys + row + c0;
      const T* gr = gs + row + c0;
      T unrouted[kBlock];
      std::fill(unrouted, unrouted + width, T(1));
      if (first >= 0) {
        for (int64_t k = 0; k < count; ++k) {
          int64_t off = first + taps[k] + c0;
          route_to_first_max<T, Tiled>(xb + off, y, gr, dx + off, unrouted, width);
        }
        continue;
      }
      for_each_window_position(l, g, r, [&](int64_t, int64_t off) {
        if (off >= 0)
          route_to_first_max<T, Tiled>(xb + off + c0, y, gr, dx + off + c0, unrouted, width);
      });
    }
  }
}

template <class T>
void max_pool_adjoint_typed(const WindowGeometry& g, const Tensor& x, const Tensor& pooled,
                            const Tensor& ct, const Tensor& o, int64_t* taps) {
  Layout l = layout_of(g, x.shape(), pooled.shape());
  int64_t count = window_taps(l, g, taps);
  const T* xs = x.data<T>();
  const T* ys = pooled.data<T>();
  const T* gs = ct.data<T>();
  T* dst = o.data<T>();
  bool tiled = windows_tile(g);
  // One task per batch item: overlapping windows add into the same elements, always in the
  // same (row, window position) order, so the sums do not depend on the thread count.
  parallel_for(x.dim(0), [&](int64_t batch) {
    if (tiled)
      max_pool_adjoint_batch<T, true>(l, g, taps, count, xs, ys, gs, dst, batch);
    else
      max_pool_adjoint_batch<T, false>(l, g, taps, count, xs, ys, gs, dst, batch);
  });
}

// The transpose of route_to_first_max: each window reads c at its first maximum into out.
template <class T>
inline void gather_first_max(const T* __restrict v, const T* __restrict y,
                             const T* __restrict c, T* __restrict out, T* __restrict unrouted,
                             int64_t n) {
  using L = Lanes<T>;
  using V = typename L::type;
  int64_t i = 0;
  for (; i + L::width <= n; i += L::width) {
    V uc = L::load(unrouted + i), zero{};
    auto first = (L::load(v + i) == L::load(y + i)) & (uc != zero);
    L::store(out + i, first ? L::load(c + i) : L::load(out + i));
    L::store(unrouted + i, first ? zero : uc);
  }
  for (; i < n; ++i) {
    bool first = (v[i] == y[i]) & (unrouted[i] != T(0));
    out[i] = first ? c[i] : out[i];
    unrouted[i] = first ? T(0) : unrouted[i];
  }
}

template <class T>
void max_pool_gather_typed(const WindowGeometry& g, const Tensor& x, const Tensor& pooled,
                           const Tensor& c, const Tensor& o, int64_t* taps) {
  Layout l = layout_of(g, x.shape(), pooled.shape());
  int64_t count = window_taps(l, g, taps);
  const T* xs = x.data<T>();
  const T* ys = pooled.data<T>();
  const T* cs = c.data<T>();
  T* dst = o.data<T>();
  int64_t rows = x.dim(0) * l.out_rows_per_batch;
  int64_t grain = std::max<int64_t>(1, (int64_t(1) << 14) / std::max<int64_t>(1, l.channels));
  constexpr int64_t kBlock = 64;
  parallel_range(rows, grain, [&](int64_t begin, int64_t end) {
    WindowCursor cursor(l, g, begin % l.out_rows_per_batch);
    for (int64_t r = begin; r < end; ++r, cursor.advance()) {
      int64_t in_offset = (r / l.out_rows_per_batch) * l.in_stride[l.n];
      int64_t first = cursor.interior_offset();
      for (int64_t c0 = 0; c0 < l.channels; c0 += kBlock) {
        int64_t width = std::min(kBlock, l.channels - c0);
        const T* y = ys + r * l.channels + c0;
        T* out = dst + r * l.channels + c0;
        std::fill(out, out + width, T(0));
        T unrouted[kBlock];
        std::fill(unrouted, unrouted + width, T(1));
        auto visit = [&](int64_t off) {
          int64_t at = in_offset + off + c0;
          gather_first_max(xs + at, y, cs + at, out, unrouted, width);
        };
        if (first >= 0) {
          for (int64_t k = 0; k < count; ++k) visit(first + taps[k]);
        } else {
          for_each_window_position(l, g, r % l.out_rows_per_batch, [&](int64_t, int64_t off) {
            if (off >= 0) visit(off);
          });
        }
      }
    }
  });
}

// The ops' scratch holds the tap table only when a whole window fits in the input.
int64_t* tap_table(Tensors& scratch) {
  return scratch.empty() ? nullptr : scratch[0].data<int64_t>();
}

void max_pool_gather_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& g = static_cast<const MaxPoolGatherOp&>(op).geometry();
  const Tensor& x = expect_contiguous(in[0]);
  const Tensor& pooled = expect_contiguous(in[1]);
  const Tensor& c = expect_contiguous(in[2]);
  if (out[0].size() == 0) return;
  int64_t* taps = tap_table(scratch);
  if (x.dtype() == DType::float32)
    max_pool_gather_typed<float>(g, x, pooled, c, out[0], taps);
  else
    max_pool_gather_typed<double>(g, x, pooled, c, out[0], taps);
}

void max_pool_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& g = static_cast<const MaxPoolOp&>(op).geometry();
  const Tensor& x = expect_contiguous(in[0]);
  if (out[0].size() == 0) return;
  int64_t* taps = tap_table(scratch);
  if (x.dtype() == DType::float32)
    max_pool_typed<float>(g, x, out[0], taps);
  else
    max_pool_typed<double>(g, x, out[0], taps);
}

void max_pool_adjoint_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& g = static_cast<const MaxPoolAdjointOp&>(op).geometry();
  const Tensor& x = expect_contiguous(in[0]);
  const Tensor& pooled = expect_contiguous(in[1]);
  const Tensor& ct = expect_contiguous(in[2]);
  if (out[0].size() == 0) return;
  int64_t* taps = tap_table(scratch);
  if (x.dtype() == DType::float32)
    max_pool_adjoint_typed<float>(g, x, pooled, ct, out[0], taps);
  else
    max_pool_adjoint_typed<double>(g, x, pooled, ct, out[0], taps);
}

}  // namespace

void register_window_kernels() {
  register_kernel(OpKind::patches, DeviceKind::cpu, patches_kernel);
  register_kernel(OpKind::patches_adjoint, DeviceKind::cpu, patches_adjoint_kernel);
  register_kernel(OpKind::max_pool, DeviceKind::cpu, max_pool_kernel);
  register_kernel(OpKind::max_pool_adjoint, DeviceKind::cpu, max_pool_adjoint_kernel);
  register_kernel(OpKind::max_pool_gather, DeviceKind::cpu, max_pool_gather_kernel);
}

}  // namespace kl::cpu
