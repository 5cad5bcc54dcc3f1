#pragma once
// Row-wise iteration over N operands with arbitrary (broadcast) strides.
#include <array>
#include <cstdint>

#include "kl/tensor.h"
#include "kl/thread_pool.h"

namespace kl::cpu {

// Elements per parallel task: large enough to amortise waking a thread.
constexpr int64_t kGrain = 32768;

// t's strides as seen from `shape` (0 on broadcast axes).
inline Strides broadcast_strides(const Tensor& t, const Shape& shape) {
  Strides s(shape.size(), 0);
  int lead = int(shape.size()) - t.ndim();
  for (int i = 0; i < t.ndim(); ++i) s[lead + i] = t.dim(i) == 1 ? 0 : t.strides()[i];
  return s;
}

// Calls fn(offsets, count, inner_strides) for every innermost row of `shape`; offsets and
// strides are in elements, one per operand. Adjacent axes that are contiguous for every operand
// are merged first so most rows are long.
template <size_t N, class Fn>
void for_each_row(const Shape& shape_in, const std::array<Strides, N>& strides_in, Fn&& fn) {
  Shape shape;
  std::array<Strides, N> strides;
  for (int i = 0; i < int(shape_in.size()); ++i) {
    if (shape_in[i] == 1) continue;
    bool merge = !shape.empty();
    for (size_t k = 0; k < N && merge; ++k)
      merge = strides[k].back() == strides_in[k][i] * shape_in[i];
    if (merge) {
      shape.back() *= shape_in[i];
      for (size_t k = 0; k < N; ++k) strides[k].back() = strides_in[k][i];
    } else {
      shape.push_back(shape_in[i]);
      for (size_t k = 0; k < N; ++k) strides[k].push_back(strides_in[k][i]);
    }
  }
  if (shape.empty()) {  // a single element
    shape.push_back(1);
    for (size_t k = 0; k < N; ++k) strides[k].push_back(0);
  }
  for (auto d : shape)
    if (d == 0) return;
  const int outer_rank = int(shape.size()) - 1;
  const int64_t inner = shape.back();
  std::array<int64_t, N> inner_strides;
  for (size_t k = 0; k < N; ++k) inner_strides[k] = strides[k].back();
  int64_t rows = 1;
  for (int i = 0; i < outer_rank; ++i) rows *= shape[i];
  const int64_t rows_per_task = std::max<int64_t>(1, kGrain / std::max<int64_t>(inner, 1));
  auto run_rows = [&](int64_t begin, int64_t end) {
    std::array<int64_t, N> off{};
    std::vector<int64_t> idx(outer_rank, 0);
    int64_t r = begin;
    for (int i = outer_rank - 1; i >= 0; --i) {
      idx[i] = r % shape[i];
      r /= shape[i];
      for (size_t k = 0; k < N; ++k) off[k] += idx[i] * strides[k][i];
    }
    for (int64_t row = begin; row < end; ++row) {
      fn(off, inner, inner_strides);
      for (int i = outer_rank - 1; i >= 0; --i) {
        for (size_t k = 0; k < N; ++k) off[k] += strides[k][i];
        if (++idx[i] < shape[i]) break;
        for (size_t k = 0; k < N; ++k) off[k] -= strides[k][i] * shape[i];
        idx[i] = 0;
      }
    }
  };
  if (rows <= rows_per_task) {
    run_rows(0, rows);
    return;
  }
  parallel_range(rows, rows_per_task, run_rows);
}

}  // namespace kl::cpu
