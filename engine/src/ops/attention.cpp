// Fused scaled dot-product attention: shape checks, the gradient, and the public entry point.
#include <algorithm>

#include "kl/autograd.h"
#include "kl/ops.h"

namespace kl {
namespace {

constexpr const char* kOp = "dot_product_attention";

void check_float(const Tensor& t, DType dtype, const char* what) {
  KL_CHECK(t.dtype() == dtype, "[", kOp, "] expected ", what, " as ", dtype_name(dtype),
           ", received ", dtype_name(t.dtype()));
}

// A bias or mask: rank 4, each axis 1 or the logits' (B, N, T, S) extent.
void check_broadcast(const Tensor& t, const Shape& logits, const char* what) {
  bool ok = t.ndim() == 4;
  for (int i = 0; ok && i < 4; ++i) ok = t.dim(i) == 1 || t.dim(i) == logits[i];
  KL_CHECK(ok, "[", kOp, "] expected ", what, " of rank 4 broadcastable to the logits ",
           shape_str(logits), ", received ", shape_str(t.shape()));
}

// The logits' shape (B, N, T, S) after checking q, k, v and the optional bias and mask.
Shape check_attention_inputs(const AttentionOp& op, const Tensors& in) {
  size_t count = 3 + (op.has_bias() ? 1 : 0) + (op.has_mask() ? 1 : 0);
  KL_CHECK(in.size() >= count, "[", kOp, "] expected ", count, " inputs, received ", in.size());
  const Tensor &q = in[0], &k = in[1], &v = in[2];
  KL_CHECK(q.ndim() == 4 && k.ndim() == 4 && v.ndim() == 4, "[", kOp, "] expected rank-4 ",
           "query (B, T, N, H), key (B, S, K, H) and value (B, S, K, Hv), received ",
           shape_str(q.shape()), ", ", shape_str(k.shape()), ", ", shape_str(v.shape()));
  KL_CHECK(q.dtype() == DType::float32 || q.dtype() == DType::float64, "[", kOp,
           "] expected a float32 or float64 query, received ", dtype_name(q.dtype()));
  check_float(k, q.dtype(), "the key");
  check_float(v, q.dtype(), "the value");
  int64_t B = q.dim(0), T = q.dim(1), N = q.dim(2), S = k.dim(1), K = k.dim(2);
  KL_CHECK(k.dim(0) == B && v.dim(0) == B && v.dim(1) == S && v.dim(2) == K &&
               k.dim(3) == q.dim(3) && K > 0 && N % K == 0,
           "[", kOp, "] expected key and value sharing (batch, S, K), the key's head size ",
           "equal to the query's and the query's head count a multiple of the key's, received ",
           "query ", shape_str(q.shape()), ", key ", shape_str(k.shape()), ", value ",
           shape_str(v.shape()));
  // The kernel hands BLAS rows N * H (query) and K * H (key) elements apart: 32-bit sizes.
  constexpr int64_t kMaxBlas = 2147483647;
  KL_CHECK(N <= kMaxBlas / std::max<int64_t>(std::max(q.dim(3), v.dim(3)), 1), "[", kOp,
           "] expected num_heads * head size below 2^31 (BLAS's limit), received query ",
           shape_str(q.shape()), " and value ", shape_str(v.shape()));
  Shape logits = {B, N, T, S};
  size_t next = 3;
  if (op.has_bias()) {
    check_float(in[next], q.dtype(), "the bias");
    check_broadcast(in[next++], logits, "the bias");
  }
  if (op.has_mask()) {
    check_float(in[next], DType::bool_, "the mask");
    check_broadcast(in[next], logits, "the mask");
  }
  return logits;
}

}  // namespace

std::vector<TensorSpec> AttentionOp::infer(const Tensors& in) const {
  Shape logits = check_attention_inputs(*this, in);
  DType dt = in[0].dtype();
  return {{{logits[0], logits[2], logits[1], in[2].dim(3)}, dt},
          {{logits[0], logits[1], logits[2], 2}, dt}};
}

Tensors AttentionOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  size_t operands = 3 + (has_bias_ ? 1 : 0) + (has_mask_ ? 1 : 0);
  Tensors grads(operands);
  if (!ct[0].defined()) return grads;  // only the stats, which no caller differentiates
  bool bias_grad = has_bias_ && in[3].requires_grad();
  Tensors args(in.begin(), in.begin() + operands);
  args.insert(args.end(), {out[0], out[1], ct[0]});
  Tensors g = call<AttentionGradOp>(args, scale_, causal_, has_bias_, has_mask_, bias_grad);
  for (int i = 0; i < 3; ++i)
    if (in[i].requires_grad()) grads[i] = g[i];
  if (bias_grad) {
    std::vector<int64_t> broadcast_axes;
    for (int i = 0; i < 4; ++i)
      if (in[3].dim(i) == 1 && g[3].dim(i) != 1) broadcast_axes.push_back(i);
    grads[3] = broadcast_axes.empty() ? g[3] : sum(g[3], broadcast_axes, true);
  }
  return grads;
}

std::vector<TensorSpec> AttentionGradOp::infer(const Tensors& in) const {
  Shape logits = check_attention_inputs(*this, in);
  size_t operands = 3 + (has_bias() ? 1 : 0) + (has_mask() ? 1 : 0);
  KL_CHECK(in.size() == operands + 3, "[", name(), "] expected ", operands + 3,
           " inputs, received ", in.size());
  const Tensor &q = in[0], &v = in[2];
  DType dt = q.dtype();
  Shape out_shape = {logits[0], logits[2], logits[1], v.dim(3)};
  for (size_t i : {operands, operands + 2})
    KL_CHECK(in[i].shape() == out_shape && in[i].dtype() == dt, "[", name(), "] expected ",
             i == operands ? "the output " : "its cotangent ", dtype_name(dt), " ",
             shape_str(out_shape), ", received ", dtype_name(in[i].dtype()), " ",
             shape_str(in[i].shape()));
  const Tensor& stats = in[operands + 1];
  KL_CHECK(stats.shape() == Shape({logits[0], logits[1], logits[2], 2}) && stats.dtype() == dt,
           "[", name(), "] expected the softmax stats (B, N, T, 2), received ",
           shape_str(stats.shape()));
  std::vector<TensorSpec> specs = {{q.shape(), dt}, {in[1].shape(), dt}, {v.shape(), dt}};
  if (logits_grad_) specs.push_back({logits, dt});
  return specs;
}

Tensor dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                             const Tensor& bias, const Tensor& mask, double scale,
                             bool causal) {
  Tensors in = {q, k, v};
  if (bias.defined()) in.push_back(bias);
  if (mask.defined()) in.push_back(mask);
  return call<AttentionOp>(in, scale, causal, bias.defined(), mask.defined())[0];
}

}  // namespace kl
