// CPU kernels of the fused scaled dot-product attention and its backward pass.
//
// The forward pass runs one task per (batch, query head, block of query rows) and walks the
// keys in blocks with an online softmax (running max and sum, the accumulator rescaled when the
// max grows), so the only logits held are one block's. The backward pass runs one task per
// (batch, key head): that task owns the key and value rows of its head and the query rows of
// every query head reading them, so nothing is shared between tasks; it recomputes each
// block's probabilities from the saved row max and sum. Task boundaries depend on the shape alone,
// so the bits do not depend on the thread count.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "cpu/kernels.h"
#include "cpu/row_major_gemm.h"
#include "cpu/simd/vector_loops.h"
#include "kl/thread_pool.h"

namespace kl::cpu {
namespace {

constexpr int64_t kQueryBlock = 64;
constexpr int64_t kKeyBlock = 128;

// Keras's stand-in for a masked logit: finite, so a fully masked row is uniform, not NaN.
template <class T>
constexpr T masked_logit() {
  return T(-0.7) * std::numeric_limits<T>::max();
}

// A rank-4 operand broadcast against the logits (B, N, T, S): strides 0 on its size-1 axes.
template <class E>
struct Broadcast {
  const E* data = nullptr;
  int64_t stride[4] = {0, 0, 0, 0};
  Broadcast() = default;
  explicit Broadcast(const Tensor& t) : data(expect_contiguous(t).data<E>()) {
    int64_t step = 1;
    for (int i = 3; i >= 0; --i) {
      stride[i] = t.dim(i) == 1 ? 0 : step;
      step *= t.dim(i);
    }
  }
  // The row (b, n, t, :) as a pointer and the step between its key positions.
  const E* row(int64_t b, int64_t n, int64_t t) const {
    return data + b * stride[0] + n * stride[1] + t * stride[2];
  }
};

// The run-time-selected SIMD exp, so probabilities match ops.exp bit for bit.
template <class T>
auto exp_loop_for() {
  if constexpr (std::is_same_v<T, float>) return vector_loops().f32.unary[int(UnaryKind::exp)];
  else return vector_loops().f64.unary[int(UnaryKind::exp)];
}

struct Geometry {
  int64_t B, T, N, H, S, K, Hv;
  int64_t group() const { return N / K; }
  int64_t query_blocks() const { return (T + kQueryBlock - 1) / kQueryBlock; }
};

template <class T>
struct Operands {
  Geometry g;
  const T *q, *k, *v;
  Broadcast<T> bias;
  Broadcast<bool> mask;
  bool causal;
  T scale;
};

template <class T>
Operands<T> operands_of(const Op& op, const Tensors& in) {
  const auto& a = static_cast<const AttentionOp&>(op);
  const Tensor &q = expect_contiguous(in[0]), &k = expect_contiguous(in[1]),
               &v = expect_contiguous(in[2]);
  Operands<T> o{{q.dim(0), q.dim(1), q.dim(2), q.dim(3), k.dim(1), k.dim(2), v.dim(3)},
                q.data<T>(), k.data<T>(), v.data<T>(), {}, {}, a.causal(), T(a.scale())};
  size_t next = 3;
  if (a.has_bias()) o.bias = Broadcast<T>(in[next++]);
  if (a.has_mask()) o.mask = Broadcast<bool>(in[next]);
  return o;
}

// The (rows x cols) logits of query rows t0.. of head n against keys s0.. of its key head,
// scaled, biased and masked; `keep` (may be null) records which entries took part.
template <class T>
void block_logits(const Operands<T>& o, int64_t b, int64_t n, int64_t t0, int64_t rows,
                  int64_t s0, int64_t cols, T* logits, bool* keep) {
  const Geometry& g = o.g;
  int64_t kh = n / g.group();
  const T* qb = o.q + ((b * g.T + t0) * g.N + n) * g.H;
  const T* kb = o.k + ((b * g.S + s0) * g.K + kh) * g.H;
  row_major_gemm<T>(qb, g.N * g.H, false, kb, g.K * g.H, true, logits, kKeyBlock, rows, cols,
                    g.H, T(0));
  for (int64_t r = 0; r < rows; ++r) {
    int64_t t = t0 + r;
    T* l = logits + r * kKeyBlock;
    const T* bias = o.bias.data ? o.bias.row(b, n, t) : nullptr;
    const bool* mask = o.mask.data ? o.mask.row(b, n, t) : nullptr;
    for (int64_t c = 0; c < cols; ++c) {
      int64_t s = s0 + c;
      T x = l[c] * o.scale;
      if (bias) x += bias[s * o.bias.stride[3]];
      bool kept = (!mask || mask[s * o.mask.stride[3]]) && (!o.causal || s <= t);
      l[c] = kept ? x : masked_logit<T>();
      if (keep) keep[r * kKeyBlock + c] = kept;
    }
  }
}

// Whether the key block starting at s0 lies wholly above the causal diagonal of rows up to
// t_last and can be skipped: only without a mask, since then every row keeps key 0 and the
// skipped entries would have weight exactly zero (with a mask a row may be fully masked, and
// then every key, the skipped ones too, weighs the same).
template <class T>
bool causally_empty(const Operands<T>& o, int64_t s0, int64_t t_last) {
  return o.causal && !o.mask.data && s0 > t_last;
}

template <class T>
void attention_forward(const Operands<T>& o, T* out, T* stats) {
  const Geometry& g = o.g;
  auto exp_loop = exp_loop_for<T>();
  parallel_for(g.B * g.N * g.query_blocks(), [&](int64_t task) {
    int64_t tb = task % g.query_blocks(), n = task / g.query_blocks() % g.N,
            b = task / g.query_blocks() / g.N;
    int64_t t0 = tb * kQueryBlock, rows = std::min(kQueryBlock, g.T - t0);
    int64_t kh = n / g.group();
    std::vector<T> logits(kQueryBlock * kKeyBlock), acc(rows * g.Hv, T(0));
    std::vector<T> row_max(rows, -std::numeric_limits<T>::infinity()), row_sum(rows, T(0));
    for (int64_t s0 = 0; s0 < g.S; s0 += kKeyBlock) {
      if (causally_empty(o, s0, t0 + rows - 1)) break;
      int64_t cols = std::min(kKeyBlock, g.S - s0);
      block_logits(o, b, n, t0, rows, s0, cols, logits.data(), nullptr);
      for (int64_t r = 0; r < rows; ++r) {
        T* l = logits.data() + r * kKeyBlock;
        T new_max = std::max(row_max[r], *std::max_element(l, l + cols));
        T rescale = std::exp(row_max[r] - new_max);
        for (int64_t c = 0; c < cols; ++c) l[c] -= new_max;
        exp_loop(l, l, cols);
        T block_sum = 0;
        for (int64_t c = 0; c < cols; ++c) block_sum += l[c];
        row_sum[r] = row_sum[r] * rescale + block_sum;
        row_max[r] = new_max;
        for (int64_t j = 0; j < g.Hv; ++j) acc[r * g.Hv + j] *= rescale;
      }
      const T* vb = o.v + ((b * g.S + s0) * g.K + kh) * g.Hv;
      row_major_gemm<T>(logits.data(), kKeyBlock, false, vb, g.K * g.Hv, false, acc.data(), g.Hv,
                        rows, g.Hv, cols, T(1));
    }
    for (int64_t r = 0; r < rows; ++r) {
      int64_t t = t0 + r;
      T* o_row = out + ((b * g.T + t) * g.N + n) * g.Hv;
      // No keys at all (S == 0): an empty sum, as the unfused softmax-then-matmul gives.
      T inverse = row_sum[r] > T(0) ? T(1) / row_sum[r] : T(0);
      for (int64_t j = 0; j < g.Hv; ++j) o_row[j] = acc[r * g.Hv + j] * inverse;
      T* row_stats = stats + ((b * g.N + n) * g.T + t) * 2;
      row_stats[0] = row_max[r];
      row_stats[1] = row_sum[r];
    }
  });
}

template <class T>
void attention_backward(const Operands<T>& o, const T* out, const T* stats, const T* dout,
                        T* dq, T* dk, T* dv, T* dlogits) {
  const Geometry& g = o.g;
  auto exp_loop = exp_loop_for<T>();
  parallel_for(g.B * g.K, [&](int64_t task) {
    int64_t kh = task % g.K, b = task / g.K;
    for (int64_t s = 0; s < g.S; ++s) {
      std::fill_n(dk + ((b * g.S + s) * g.K + kh) * g.H, g.H, T(0));
      std::fill_n(dv + ((b * g.S + s) * g.K + kh) * g.Hv, g.Hv, T(0));
    }
    std::vector<T> probs(kQueryBlock * kKeyBlock), dprobs(kQueryBlock * kKeyBlock);
    std::unique_ptr<bool[]> keep_storage(new bool[kQueryBlock * kKeyBlock]);
    bool* keep = keep_storage.get();
    std::vector<T> row_dot(kQueryBlock);
    for (int64_t n = kh * g.group(); n < (kh + 1) * g.group(); ++n) {
      for (int64_t t0 = 0; t0 < g.T; t0 += kQueryBlock) {
        int64_t rows = std::min(kQueryBlock, g.T - t0);
        const T* qb = o.q + ((b * g.T + t0) * g.N + n) * g.H;
        const T* dob = dout + ((b * g.T + t0) * g.N + n) * g.Hv;
        T* dqb = dq + ((b * g.T + t0) * g.N + n) * g.H;
        for (int64_t r = 0; r < rows; ++r) {
          std::fill_n(dqb + r * g.N * g.H, g.H, T(0));
          const T *o_row = out + ((b * g.T + t0 + r) * g.N + n) * g.Hv,
                  *do_row = dob + r * g.N * g.Hv;
          T dot = 0;
          for (int64_t j = 0; j < g.Hv; ++j) dot += o_row[j] * do_row[j];
          row_dot[r] = dot;
        }
        for (int64_t s0 = 0; s0 < g.S; s0 += kKeyBlock) {
          int64_t cols = std::min(kKeyBlock, g.S - s0);
          if (causally_empty(o, s0, t0 + rows - 1)) {
            if (dlogits)
              for (int64_t r = 0; r < rows; ++r)
                std::fill_n(dlogits + ((b * g.N + n) * g.T + t0 + r) * g.S + s0, g.S - s0, T(0));
            break;
          }
          block_logits(o, b, n, t0, rows, s0, cols, probs.data(), keep);
          for (int64_t r = 0; r < rows; ++r) {
            T* p = probs.data() + r * kKeyBlock;
            const T* row_stats = stats + ((b * g.N + n) * g.T + t0 + r) * 2;
            for (int64_t c = 0; c < cols; ++c) p[c] -= row_stats[0];
            exp_loop(p, p, cols);
            T inverse = T(1) / row_stats[1];
            for (int64_t c = 0; c < cols; ++c) p[c] *= inverse;
          }
          const T* kb = o.k + ((b * g.S + s0) * g.K + kh) * g.H;
          const T* vb = o.v + ((b * g.S + s0) * g.K + kh) * g.Hv;
          T* dkb = dk + ((b * g.S + s0) * g.K + kh) * g.H;
          T* dvb = dv + ((b * g.S + s0) * g.K + kh) * g.Hv;
          // dv += p^T dout; dp = dout v^T; dlogits = p * (dp - rowsum(dout * out)).
          row_major_gemm<T>(probs.data(), kKeyBlock, true, dob, g.N * g.Hv, false, dvb,
                            g.K * g.Hv, cols, g.Hv, rows, T(1));
          row_major_gemm<T>(dob, g.N * g.Hv, false, vb, g.K * g.Hv, true, dprobs.data(),
                            kKeyBlock, rows, cols, g.Hv, T(0));
          for (int64_t r = 0; r < rows; ++r) {
            T *p = probs.data() + r * kKeyBlock, *dp = dprobs.data() + r * kKeyBlock;
            const bool* kept = keep + r * kKeyBlock;
            T* dl = dlogits ? dlogits + ((b * g.N + n) * g.T + t0 + r) * g.S + s0 : nullptr;
            for (int64_t c = 0; c < cols; ++c) {
              // A masked logit is a constant: no gradient reaches the scores or the bias.
              T d = kept[c] ? p[c] * (dp[c] - row_dot[r]) : T(0);
              if (dl) dl[c] = d;
              dp[c] = d * o.scale;
            }
          }
          row_major_gemm<T>(dprobs.data(), kKeyBlock, false, kb, g.K * g.H, false, dqb,
                            g.N * g.H, rows, g.H, cols, T(1));
          row_major_gemm<T>(dprobs.data(), kKeyBlock, true, qb, g.N * g.H, false, dkb,
                            g.K * g.H, cols, g.H, rows, T(1));
        }
      }
    }
  });
}

void attention_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors&) {
  by_float_dtype(in[0].dtype(), [&](auto t) {
    using T = decltype(t);
    attention_forward<T>(operands_of<T>(op, in), out[0].data<T>(), out[1].data<T>());
  });
}

void attention_grad_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors&) {
  const auto& a = static_cast<const AttentionGradOp&>(op);
  size_t saved = 3 + (a.has_bias() ? 1 : 0) + (a.has_mask() ? 1 : 0);
  by_float_dtype(in[0].dtype(), [&](auto t) {
    using T = decltype(t);
    attention_backward<T>(operands_of<T>(op, in), expect_contiguous(in[saved]).data<T>(),
                          expect_contiguous(in[saved + 1]).data<T>(),
                          expect_contiguous(in[saved + 2]).data<T>(), out[0].data<T>(),
                          out[1].data<T>(), out[2].data<T>(),
                          a.logits_grad() ? out[3].data<T>() : nullptr);
  });
}

}  // namespace

void register_attention_kernels() {
  register_kernel(OpKind::attention, DeviceKind::cpu, attention_kernel);
  register_kernel(OpKind::attention_grad, DeviceKind::cpu, attention_grad_kernel);
}

}  // namespace kl::cpu
