// CPU kernels: reductions, argmax/argmin and cumulative scans. Every reduction splits its work
// at fixed element counts and combines partial results in a fixed order, so the result does not
// depend on the number of threads.
#include <cmath>
#include <type_traits>

#include "cpu/kernels.h"
#include "cpu/simd/vector_loops.h"
#include "cpu/strided.h"

namespace kl::cpu {
namespace {

constexpr int64_t kChunk = kReduceChunk;

template <class Acc>
struct Reducer {
  ReduceKind kind;
  Acc identity() const {
    switch (kind) {
      case ReduceKind::sum: case ReduceKind::any: return Acc(0);
      case ReduceKind::prod: case ReduceKind::all: return Acc(1);
      case ReduceKind::max:
        if constexpr (std::is_floating_point_v<Acc>) return -std::numeric_limits<Acc>::infinity();
        else return std::numeric_limits<Acc>::lowest();
      case ReduceKind::min:
        if constexpr (std::is_floating_point_v<Acc>) return std::numeric_limits<Acc>::infinity();
        else return std::numeric_limits<Acc>::max();
    }
    return Acc(0);
  }
  Acc operator()(Acc a, Acc b) const {
    switch (kind) {
      case ReduceKind::sum: return Acc(a + b);
      case ReduceKind::prod: return Acc(a * b);
      case ReduceKind::max: return (a > b || a != a) ? a : b;
      case ReduceKind::min: return (a < b || a != a) ? a : b;
      case ReduceKind::any: return Acc(a || b);
      case ReduceKind::all: return Acc(a && b);
    }
    return a;
  }
};

template <class T>
const VectorLoopsFor<T>* loops_for() {
  if constexpr (std::is_same_v<T, float>) return &vector_loops().f32;
  else if constexpr (std::is_same_v<T, double>) return &vector_loops().f64;
  else return nullptr;
}

// Reduces a contiguous run of n elements.
template <class In, class Acc>
Acc reduce_run(const In* x, int64_t n, const Reducer<Acc>& r) {
  if constexpr (std::is_same_v<In, Acc>) {
    if (auto* loops = loops_for<In>()) {
      if (r.kind == ReduceKind::sum) return loops->sum(x, n);
      if (r.kind == ReduceKind::max) return loops->max(x, n);
    }
  }
  Acc acc = r.identity();
  for (int64_t i = 0; i < n; ++i) acc = r(acc, Acc(compute_t<In>(x[i])));
  return acc;
}

// Reduces a long contiguous row: fixed chunks in parallel, combined in order. `partial` is the
// row's slice of the dispatcher's scratch (room for one Acc per chunk).
template <class In, class Acc>
Acc reduce_long_row(const In* x, int64_t n, const Reducer<Acc>& r, Acc* partial) {
  if (n <= kChunk) return reduce_run(x, n, r);
  int64_t chunks = (n + kChunk - 1) / kChunk;
  parallel_for(chunks, [&](int64_t c) {
    int64_t b = c * kChunk;
    partial[c] = reduce_run(x + b, std::min(kChunk, n - b), r);
  });
  Acc acc = r.identity();
  for (int64_t c = 0; c < chunks; ++c) acc = r(acc, partial[c]);
  return acc;
}

// Reduces R contiguous rows of B into out[B]; whole rows at a time so the inner loop
// vectorises (a plain sum gets its own loop: the Reducer's switch would stay in it).
template <class In, class Acc, class Out>
void accumulate_columns(const In* x, Out* out, int64_t R, int64_t B, const Reducer<Acc>& r) {
  constexpr int64_t kBlock = 1024;
  Acc acc[kBlock];
  for (int64_t b0 = 0; b0 < B; b0 += kBlock) {
    int64_t n = std::min(kBlock, B - b0);
    for (int64_t j = 0; j < n; ++j) acc[j] = r.identity();
    if (r.kind == ReduceKind::sum && !std::is_same_v<Acc, bool>) {
      for (int64_t i = 0; i < R; ++i) {
        const In* row = x + i * B + b0;
        for (int64_t j = 0; j < n; ++j) acc[j] = Acc(acc[j] + Acc(compute_t<In>(row[j])));
      }
    } else {
      for (int64_t i = 0; i < R; ++i) {
        const In* row = x + i * B + b0;
        for (int64_t j = 0; j < n; ++j) acc[j] = r(acc[j], Acc(compute_t<In>(row[j])));
      }
    }
    for (int64_t j = 0; j < n; ++j) out[b0 + j] = Out(acc[j]);
  }
}

// x viewed as [A, R, B] (contiguous), reduced over R into out[A, B].
template <class In, class Out>
void reduce_arb(const In* x, Out* out, int64_t A, int64_t R, int64_t B, ReduceKind kind,
                void* scratch) {
  using Acc = std::conditional_t<std::is_same_v<Out, bool>, bool, compute_t<Out>>;
  Reducer<Acc> r{kind};
  if (A * B == 0) return;
  if (R == 0) {  // an empty reduction gives the identity (infer refuses max/min of nothing)
    std::fill(out, out + A * B, Out(r.identity()));
    return;
  }
  if (B == 1) {
    static_assert(sizeof(Acc) <= 8, "ReduceOp::scratch reserves 8 bytes per partial");
    int64_t chunks = (R + kChunk - 1) / kChunk;
    auto partial = [&](int64_t a) { return static_cast<Acc*>(scratch) + a * chunks; };
    if (A == 1) {
      out[0] = Out(reduce_long_row<In, Acc>(x, R, r, partial(0)));
      return;
    }
    int64_t rows_per_task = std::max<int64_t>(1, kGrain / std::max<int64_t>(R, 1));
    parallel_range(A, rows_per_task, [&](int64_t a0, int64_t a1) {
      for (int64_t a = a0; a < a1; ++a)
        out[a] = Out(reduce_long_row<In, Acc>(x + a * R, R, r, partial(a)));
    });
    return;
  }
  int64_t rows = column_chunk_rows(B);
  if (R <= rows) {
    parallel_for(A, [&](int64_t a) {
      accumulate_columns(x + a * R * B, out + a * B, R, B, r);
    });
    return;
  }
  // A long column reduction (a bias gradient over N*H*W rows): fixed row chunks in parallel,
  // each into its own partial row, then the partials combined in chunk order.
  int64_t chunks = (R + rows - 1) / rows;
  Acc* partial = static_cast<Acc*>(scratch);
  parallel_for(A * chunks, [&](int64_t task) {
    int64_t a = task / chunks, c = task % chunks, r0 = c * rows;
    accumulate_columns(x + (a * R + r0) * B, partial + task * B, std::min(rows, R - r0), B, r);
  });
  parallel_for(A, [&](int64_t a) {
    const Acc* first = partial + a * chunks * B;
    for (int64_t j = 0; j < B; ++j) {
      Acc acc = first[j];
      for (int64_t c = 1; c < chunks; ++c) acc = r(acc, first[c * B + j]);
      out[a * B + j] = Out(acc);
    }
  });
}

void reduce_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& rop = static_cast<const ReduceOp&>(op);
  const Tensor& x = expect_contiguous(in[0]);
  const auto& axes = rop.axes();  // adjacent: reduce() moved scattered axes together
  int first = axes.empty() ? x.ndim() : axes.front(), last = axes.empty() ? x.ndim() : axes.back() + 1;
  int64_t A = 1, R = 1, B = 1;
  for (int i = 0; i < x.ndim(); ++i) (i < first ? A : i < last ? R : B) *= x.dim(i);
  visit_dtype(x.dtype(), op.name(), kAll, [&](auto in_tag) {
    using In = typename decltype(in_tag)::type;
    visit_dtype(out[0].dtype(), op.name(), kAll, [&](auto out_tag) {
      using Out = typename decltype(out_tag)::type;
      void* partials = scratch.empty() ? nullptr : scratch[0].raw_data();
      reduce_arb<In, Out>(x.data<In>(), out[0].data<Out>(), A, R, B, rop.reduce_kind(), partials);
    });
  });
}

// Applies fn(line_in, line_out, length, stride) to every line along `axis` of a contiguous x.
template <class Fn>
void for_each_line(const Shape& shape, int axis, Fn fn) {
  int64_t A = 1, B = 1, L = shape[axis];
  for (int i = 0; i < int(shape.size()); ++i)
    if (i < axis) A *= shape[i];
    else if (i > axis) B *= shape[i];
  int64_t lines_per_task = std::max<int64_t>(1, kGrain / std::max<int64_t>(L, 1));
  parallel_range(A * B, lines_per_task, [&](int64_t l0, int64_t l1) {
    for (int64_t l = l0; l < l1; ++l) {
      int64_t a = l / B, b = l % B;
      fn(a * L * B + b, L, B);
    }
  });
}

void arg_reduce_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& aop = static_cast<const ArgReduceOp&>(op);
  Tensor x = expect_contiguous(in[0]);
  int32_t* po = out[0].data<int32_t>();
  int64_t B = 1;
  for (int i = aop.axis() + 1; i < x.ndim(); ++i) B *= x.dim(i);
  visit_dtype(x.dtype(), op.name(), kAll, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_t<T>;
    const T* px = x.data<T>();
    bool is_max = aop.is_max();
    for_each_line(x.shape(), aop.axis(), [&](int64_t start, int64_t L, int64_t stride) {
      int64_t best = 0;
      C bv = C(px[start]);
      for (int64_t i = 1; i < L && bv == bv; ++i) {
        C v = C(px[start + i * stride]);
        if (v != v || (is_max ? v > bv : v < bv)) {
          bv = v;
          best = i;
        }
      }
      int64_t a = start / (L * B), b = start % B;
      po[a * B + b] = int32_t(best);
    });
  });
}

void cumulative_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& cop = static_cast<const CumulativeOp&>(op);
  Tensor x = expect_contiguous(in[0]);
  CumulativeKind kind = cop.cumulative_kind();
  bool reverse = cop.reverse();
  visit_dtype(x.dtype(), op.name(), kAll, [&](auto in_tag) {
    using In = typename decltype(in_tag)::type;
    visit_dtype(out[0].dtype(), op.name(), kAll, [&](auto out_tag) {
      using Out = typename decltype(out_tag)::type;
      using Acc = compute_t<Out>;
      const In* px = x.data<In>();
      Out* po = out[0].data<Out>();
      for_each_line(x.shape(), cop.axis(), [&](int64_t start, int64_t L, int64_t stride) {
        Acc acc{};
        for (int64_t j = 0; j < L; ++j) {
          int64_t i = start + (reverse ? L - 1 - j : j) * stride;
          Acc v = Acc(compute_t<In>(px[i]));
          if (j == 0) acc = v;
          else if (kind == CumulativeKind::sum) acc = Acc(acc + v);
          else if (kind == CumulativeKind::prod) acc = Acc(acc * v);
          else if (kind == CumulativeKind::max) acc = (v > acc || v != v) ? v : acc;
          else acc = (v < acc || v != v) ? v : acc;
          po[i] = Out(acc);
        }
      });
    });
  });
}

}  // namespace

void register_reduce_kernels() {
  register_kernel(OpKind::reduce, DeviceKind::cpu, reduce_kernel);
  register_kernel(OpKind::arg_reduce, DeviceKind::cpu, arg_reduce_kernel);
  register_kernel(OpKind::cumulative, DeviceKind::cpu, cumulative_kernel);
}

}  // namespace kl::cpu
