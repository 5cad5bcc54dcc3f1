// CPU kernels of bias_activation and bias_activation_grad: one pass over a (rows, channels)
// layer output each way, instead of an add, an activation, a mask and a column sum.
#include <algorithm>

#include "cpu/bias_epilogue.h"
#include "cpu/kernels.h"
#include "cpu/strided.h"
#include "kl/thread_pool.h"

namespace kl::cpu {
namespace {

template <class T, FusedActivation A>
void bias_activation_typed(const T* x, const T* bias, T* y, int64_t rows, int64_t channels) {
  parallel_range(rows, std::max<int64_t>(1, kGrain / channels), [&](int64_t r0, int64_t r1) {
    bias_activation_block<T, A>(x + r0 * channels, channels, bias, y + r0 * channels, channels,
                                r1 - r0, channels);
  });
}

// g = ct * activation'(y) over rows [r0, r1) (relu: ct where y > 0, else 0); db_row gets the
// column sums of those rows of g. Restrict pointers and a local accumulator block let the
// compiler vectorise (a store to db_row could otherwise alias g).
template <class T, FusedActivation A>
void grad_rows(const T* __restrict ct, const T* __restrict y, T* __restrict g,
               T* __restrict db_row, int64_t r0, int64_t r1, int64_t channels) {
  constexpr int64_t kBlock = 256;
  T acc[kBlock];
  for (int64_t c0 = 0; c0 < channels; c0 += kBlock) {
    int64_t n = std::min(kBlock, channels - c0);
    std::fill(acc, acc + n, T(0));
    for (int64_t r = r0; r < r1; ++r) {
      int64_t base = r * channels + c0;
      for (int64_t c = 0; c < n; ++c) {
        // Both loads unconditional: a load behind the data-dependent mask stays a branch.
        T incoming = ct[base + c], out = y[base + c];
        T v = A == FusedActivation::linear || out > T(0) ? incoming : T(0);
        g[base + c] = v;
        acc[c] += v;
      }
    }
    std::copy(acc, acc + n, db_row + c0);
  }
}

template <class T, FusedActivation A>
void bias_activation_grad_typed(const T* ct, const T* y, T* g, T* db, T* partial, int64_t rows,
                                int64_t channels) {
  int64_t per_chunk = column_chunk_rows(channels);
  if (rows <= per_chunk) {
    grad_rows<T, A>(ct, y, g, db, 0, rows, channels);
    return;
  }
  // Fixed row chunks, each summed into its own partial row, combined in chunk order: the
  // result does not depend on the thread count.
  int64_t chunks = (rows + per_chunk - 1) / per_chunk;
  parallel_for(chunks, [&](int64_t k) {
    int64_t r0 = k * per_chunk;
    grad_rows<T, A>(ct, y, g, partial + k * channels, r0, std::min(rows, r0 + per_chunk),
                    channels);
  });
  std::copy(partial, partial + channels, db);
  for (int64_t k = 1; k < chunks; ++k)
    for (int64_t c = 0; c < channels; ++c) db[c] += partial[k * channels + c];
}

void bias_activation_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto a = static_cast<const BiasActivationOp&>(op).activation();
  const Tensor& x = expect_contiguous(in[0]);
  const Tensor& bias = expect_contiguous(in[1]);
  int64_t channels = bias.dim(0);
  if (x.size() == 0) return;
  int64_t rows = x.size() / channels;
  auto run = [&](auto tag) {
    using T = decltype(tag);
    if (a == FusedActivation::relu)
      bias_activation_typed<T, FusedActivation::relu>(x.data<T>(), bias.data<T>(),
                                                      out[0].data<T>(), rows, channels);
    else
      bias_activation_typed<T, FusedActivation::linear>(x.data<T>(), bias.data<T>(),
                                                        out[0].data<T>(), rows, channels);
  };
  if (x.dtype() == DType::float32) run(float{}); else run(double{});
}

void bias_activation_grad_kernel(const Op& op, const Tensors& in, Tensors& out,
                                 Tensors& scratch) {
  const auto a = static_cast<const BiasActivationGradOp&>(op).activation();
  const Tensor& ct = expect_contiguous(in[0]);
  const Tensor& y = expect_contiguous(in[1]);
  int64_t channels = out[1].dim(0);
  auto run = [&](auto tag) {
    using T = decltype(tag);
    T* db = out[1].data<T>();
    if (ct.size() == 0) {
      std::fill(db, db + channels, T(0));
      return;
    }
    T* partial = scratch.empty() ? nullptr : scratch[0].data<T>();
    int64_t rows = ct.size() / channels;
    if (a == FusedActivation::relu)
      bias_activation_grad_typed<T, FusedActivation::relu>(ct.data<T>(), y.data<T>(),
                                                           out[0].data<T>(), db, partial, rows,
                                                           channels);
    else
      bias_activation_grad_typed<T, FusedActivation::linear>(ct.data<T>(), y.data<T>(),
                                                             out[0].data<T>(), db, partial, rows,
                                                             channels);
  };
  if (ct.dtype() == DType::float32) run(float{}); else run(double{});
}

}  // namespace

void register_bias_activation_kernels() {
  register_kernel(OpKind::bias_activation, DeviceKind::cpu, bias_activation_kernel);
  register_kernel(OpKind::bias_activation_grad, DeviceKind::cpu, bias_activation_grad_kernel);
}

}  // namespace kl::cpu
