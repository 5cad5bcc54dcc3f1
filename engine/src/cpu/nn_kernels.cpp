// CPU kernels: fused softmax and log-softmax along any axis.
#include <cmath>
#include <type_traits>

#include "cpu/kernels.h"
#include "cpu/simd/vector_loops.h"
#include "cpu/strided.h"

namespace kl::cpu {
namespace {

template <class T>
void softmax_generic(const T* x, T* y, int64_t n, int64_t stride, bool log) {
  using C = compute_t<T>;
  C m = -std::numeric_limits<C>::infinity();
  for (int64_t i = 0; i < n; ++i) {
    C v = C(x[i * stride]);
    m = (v > m || v != v) ? v : m;
  }
  if (std::isinf(m)) m = 0;
  C s = 0;
  for (int64_t i = 0; i < n; ++i) s += std::exp(C(x[i * stride]) - m);
  C ls = std::log(s);
  for (int64_t i = 0; i < n; ++i) {
    C v = C(x[i * stride]) - m;  // exact, so no ulp of m leaks into the result
    y[i * stride] = T(log ? v - ls : std::exp(v) / s);
  }
}

void softmax_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& sop = static_cast<const SoftmaxOp&>(op);
  bool log = op.kind() == OpKind::log_softmax;
  Tensor x = expect_contiguous(in[0]);
  int axis = sop.axis();
  int64_t L = x.dim(axis), A = 1, B = 1;
  for (int i = 0; i < x.ndim(); ++i)
    if (i < axis) A *= x.dim(i);
    else if (i > axis) B *= x.dim(i);
  visit_dtype(x.dtype(), op.name(), kFloats, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* px = x.data<T>();
    T* py = out[0].data<T>();
    auto row = [&](int64_t l) {
      int64_t start = (l / B) * L * B + l % B;
      if constexpr (std::is_same_v<T, float>) {
        if (B == 1) return vector_loops().f32.softmax_row(px + start, py + start, L, log);
      } else if constexpr (std::is_same_v<T, double>) {
        if (B == 1) return vector_loops().f64.softmax_row(px + start, py + start, L, log);
      }
      softmax_generic(px + start, py + start, L, B, log);
    };
    int64_t rows_per_task = std::max<int64_t>(1, kGrain / std::max<int64_t>(L, 1));
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      if (B == 1 && L * int64_t(sizeof(T)) < kShortSoftmaxBytes) {
        auto short_rows = loops_of<T>().softmax_short_rows;
        parallel_range(A, rows_per_task, [&](int64_t r0, int64_t r1) {
          short_rows(px + r0 * L, py + r0 * L, r1 - r0, L, log);
        });
        return;
      }
    }
    parallel_range(A * B, rows_per_task, [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) row(r);
    });
  });
}

}  // namespace

void register_nn_kernels() {
  register_kernel(OpKind::softmax, DeviceKind::cpu, softmax_kernel);
  register_kernel(OpKind::log_softmax, DeviceKind::cpu, softmax_kernel);
}

}  // namespace kl::cpu
