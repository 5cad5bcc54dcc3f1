// CPU kernels: take / scatter along an axis, their *_along_axis forms, and sort.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>

#include "cpu/kernels.h"
#include "cpu/strided.h"

namespace kl::cpu {
namespace {

// Decodes indices into the dispatcher's int64 scratch, with negative wrap-around and a bounds
// check naming the op; returns the decoded indices.
const int64_t* read_indices(const Tensor& idx_in, const Tensor& decoded, int64_t dim,
                            const char* op) {
  const Tensor& idx = expect_contiguous(idx_in);
  int64_t* out = decoded.data<int64_t>();
  visit_dtype(idx.dtype(), op, kInts, [&](auto tag) {
    using I = typename decltype(tag)::type;
    const I* p = idx.data<I>();
    for (int64_t i = 0; i < idx.size(); ++i) {
      int64_t v = int64_t(p[i]);
      if (v < -dim || v >= dim)
        throw std::out_of_range(error_message("[", op, "] index ", v,
                                              " is out of bounds for axis with size ", dim));
      out[i] = v < 0 ? v + dim : v;
    }
  });
  return out;
}

int64_t prod(const Shape& s, int from, int to) {
  int64_t n = 1;
  for (int i = from; i < to; ++i) n *= s[i];
  return n;
}

template <class T>
T combine(ScatterMode mode, T old, T v) {
  using C = compute_t<T>;
  switch (mode) {
    case ScatterMode::add: return T(C(old) + C(v));
    case ScatterMode::update: return v;
    case ScatterMode::max: return C(v) > C(old) ? v : old;
    case ScatterMode::min: return C(v) < C(old) ? v : old;
  }
  return v;
}

// x viewed as [A, D, B]; out as [A, J, B] with out[a, j, b] = x[a, idx[j], b].
void take_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  int axis = static_cast<const TakeOp&>(op).axis();
  Tensor x = expect_contiguous(in[0]);
  int64_t D = x.dim(axis), A = prod(x.shape(), 0, axis), B = prod(x.shape(), axis + 1, x.ndim());
  const int64_t* idx = read_indices(in[1], scratch[0], D, "take");
  int64_t J = in[1].size();
  size_t item = itemsize(x.dtype());
  const char* px = static_cast<const char*>(x.raw_data());
  char* po = static_cast<char*>(out[0].raw_data());
  int64_t rows_per_task = std::max<int64_t>(1, kGrain / std::max<int64_t>(B, 1));
  parallel_range(A * J, rows_per_task, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      int64_t a = r / J, j = r % J;
      std::memcpy(po + r * B * item, px + (a * D + idx[j]) * B * item, B * item);
    }
  });
}

// out = base; out[a, idx[j], b] (op)= upd[a, j, b]. Each task owns a block of columns b of
// one a and runs every j in order, so duplicate indices combine in the same order whatever
// the thread count.
void scatter_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  constexpr int64_t kColumnsPerTask = 64;
  const auto& sop = static_cast<const ScatterOp&>(op);
  int axis = sop.axis();
  const Tensor& o = out[0];
  // The base may be strided (take's gradient scatters into a broadcast zero): copy reads it.
  Kernel copy = find_kernel(OpKind::copy, DeviceKind::cpu);
  Tensors outs{o};
  Tensors no_scratch;
  copy(CopyOp(), {in[0]}, outs, no_scratch);
  Tensor upd = expect_contiguous(in[2]);
  int64_t D = o.dim(axis), A = prod(o.shape(), 0, axis), B = prod(o.shape(), axis + 1, o.ndim());
  const int64_t* idx = read_indices(in[1], scratch[0], D, "scatter");
  int64_t J = in[1].size();
  int64_t blocks = std::max<int64_t>(1, (B + kColumnsPerTask - 1) / kColumnsPerTask);
  visit_dtype(o.dtype(), "scatter", kAll, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* pu = upd.data<T>();
    T* po = o.data<T>();
    auto run = [&](auto mode_tag) {
      constexpr ScatterMode mode = decltype(mode_tag)::value;
      parallel_for(A * blocks, [&](int64_t task) {
        int64_t a = task / blocks, b0 = task % blocks * kColumnsPerTask;
        int64_t b1 = std::min(B, b0 + kColumnsPerTask);
        for (int64_t j = 0; j < J; ++j) {
          T* __restrict dst = po + (a * D + idx[j]) * B;
          const T* __restrict src = pu + (a * J + j) * B;
          for (int64_t b = b0; b < b1; ++b) dst[b] = combine(mode, dst[b], src[b]);
        }
      });
    };
    switch (sop.mode()) {
      case ScatterMode::add: run(std::integral_constant<ScatterMode, ScatterMode::add>{}); break;
      case ScatterMode::update:
        run(std::integral_constant<ScatterMode, ScatterMode::update>{});
        break;
      case ScatterMode::max: run(std::integral_constant<ScatterMode, ScatterMode::max>{}); break;
      case ScatterMode::min: run(std::integral_constant<ScatterMode, ScatterMode::min>{}); break;
    }
  });
}

void take_along_axis_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  int axis = static_cast<const TakeAlongAxisOp&>(op).axis();
  Tensor x = expect_contiguous(in[0]);
  const Tensor& o = out[0];
  int64_t D = x.dim(axis), J = o.dim(axis), A = prod(o.shape(), 0, axis),
          B = prod(o.shape(), axis + 1, o.ndim());
  const int64_t* idx = read_indices(in[1], scratch[0], D, "take_along_axis");
  visit_dtype(x.dtype(), "take_along_axis", kAll, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* px = x.data<T>();
    T* po = o.data<T>();
    for (int64_t a = 0; a < A; ++a)
      for (int64_t j = 0; j < J; ++j)
        for (int64_t b = 0; b < B; ++b) {
          int64_t i = (a * J + j) * B + b;
          po[i] = px[(a * D + idx[i]) * B + b];
        }
  });
}

void scatter_along_axis_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& sop = static_cast<const ScatterAlongAxisOp&>(op);
  int axis = sop.axis();
  const Tensor& o = out[0];
  Kernel copy = find_kernel(OpKind::copy, DeviceKind::cpu);
  Tensors outs{o};
  Tensors no_scratch;
  copy(CopyOp(), {in[0]}, outs, no_scratch);
  Tensor upd = expect_contiguous(in[2]);
  int64_t D = o.dim(axis), J = upd.dim(axis), A = prod(upd.shape(), 0, axis),
          B = prod(upd.shape(), axis + 1, upd.ndim());
  const int64_t* idx = read_indices(in[1], scratch[0], D, "scatter_along_axis");
  visit_dtype(o.dtype(), "scatter_along_axis", kAll, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* pu = upd.data<T>();
    T* po = o.data<T>();
    ScatterMode mode = sop.mode();
    for (int64_t a = 0; a < A; ++a)
      for (int64_t j = 0; j < J; ++j)
        for (int64_t b = 0; b < B; ++b) {
          int64_t i = (a * J + j) * B + b;
          T& dst = po[a * D * B + idx[i] * B + b];
          dst = combine(mode, dst, pu[i]);
        }
  });
}

void sort_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& sop = static_cast<const SortOp&>(op);
  Tensor x = expect_contiguous(in[0]);
  int axis = sop.axis();
  int64_t L = x.dim(axis), A = prod(x.shape(), 0, axis), B = prod(x.shape(), axis + 1, x.ndim());
  bool desc = sop.descending();
  visit_dtype(x.dtype(), "sort", kAll, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_t<T>;
    const T* px = x.data<T>();
    T* pv = out[0].data<T>();
    int32_t* pi = out[1].data<int32_t>();
    int64_t lines_per_task = std::max<int64_t>(1, kGrain / std::max<int64_t>(L, 1));
    int32_t* orders = scratch[0].data<int32_t>();
    parallel_range(A * B, lines_per_task, [&](int64_t l0, int64_t l1) {
      for (int64_t l = l0; l < l1; ++l) {
        int32_t* order = orders + l * L;
        int64_t base = (l / B) * L * B + l % B;
        auto at = [&](int32_t i) { return C(px[base + i * B]); };
        std::iota(order, order + L, 0);
        // NaN is the largest value, as in NumPy's sort and argmax: last when ascending, first
        // when descending (top_k), ties kept in index order.
        std::stable_sort(order, order + L, [&](int32_t i, int32_t j) {
          C a = at(i), b = at(j);
          if (desc) {
            if (a != a) return b == b;
            if (b != b) return false;
            return a > b;
          }
          if (b != b) return a == a;
          if (a != a) return false;
          return a < b;
        });
        for (int64_t k = 0; k < L; ++k) {
          pv[base + k * B] = px[base + order[k] * B];
          pi[base + k * B] = order[k];
        }
      }
    });
  });
}

}  // namespace

void register_indexing_kernels() {
  register_kernel(OpKind::take, DeviceKind::cpu, take_kernel);
  register_kernel(OpKind::scatter, DeviceKind::cpu, scatter_kernel);
  register_kernel(OpKind::take_along_axis, DeviceKind::cpu, take_along_axis_kernel);
  register_kernel(OpKind::scatter_along_axis, DeviceKind::cpu, scatter_along_axis_kernel);
  register_kernel(OpKind::sort, DeviceKind::cpu, sort_kernel);
}

}  // namespace kl::cpu
