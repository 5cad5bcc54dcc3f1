// The whole-sequence recurrences (lstm, gru, simple_rnn): one call each way per layer.
#include <algorithm>

#include "kl/autograd.h"
#include "kl/ops.h"

namespace kl {
namespace {

void check_rank(const Tensor& t, int rank, const char* op, const char* what) {
  KL_CHECK(t.ndim() == rank, "[", op, "] expected ", what, " of rank ", rank,
           ", received shape ", shape_str(t.shape()));
  KL_CHECK(t.dtype() == DType::float32 || t.dtype() == DType::float64, "[", op, "] expected ",
           what, " as float32 or float64, received ", dtype_name(t.dtype()));
}

void check_same(const Tensor& t, const Shape& shape, DType dtype, const char* op,
                const char* what) {
  KL_CHECK(t.shape() == shape && t.dtype() == dtype, "[", op, "] expected ", what, " as ",
           dtype_name(dtype), " ", shape_str(shape), ", received ", dtype_name(t.dtype()), " ",
           shape_str(t.shape()));
}

// Checks the input count and, for a masked op, its last input: a (batch, time) bool mask.
void check_inputs(const RecurrentOp& op, const Tensors& in, size_t count, int64_t batch,
                  int64_t steps) {
  KL_CHECK(in.size() == count + (op.masked() ? 1 : 0), "[", op.name(), "] expected ",
           count + (op.masked() ? 1 : 0), " inputs, received ", in.size());
  if (op.masked())
    check_same(in.back(), {batch, steps}, DType::bool_, op.name(), "the mask (batch, time)");
}

// The recurrence's input xproj (batch, time, gates * units) and kernel u (units, gates * units).
void check_projection(const Tensor& xproj, const Tensor& u, int64_t gates, const char* op) {
  check_rank(xproj, 3, op, "xproj (batch, time, gates * units)");
  check_rank(u, 2, op, "the recurrent kernel (units, gates * units)");
  int64_t H = u.dim(0);
  KL_CHECK(u.dim(1) == gates * H && xproj.dim(2) == gates * H, "[", op, "] expected the ",
           "recurrent kernel as (units, ", gates, " * units) and xproj's last axis ", gates,
           " * units, received kernel ", shape_str(u.shape()), " and xproj ",
           shape_str(xproj.shape()));
  check_same(u, u.shape(), xproj.dtype(), op, "the recurrent kernel");
  // The kernels hand BLAS rows time * gates * units elements apart: 32-bit sizes.
  KL_CHECK(xproj.dim(1) <= 2147483647 / std::max<int64_t>(xproj.dim(2), 1), "[", op,
           "] expected time * gates * units below 2^31 (BLAS's limit), received xproj ",
           shape_str(xproj.shape()));
}

Tensors append_mask(Tensors inputs, const Tensor& mask) {
  if (mask.defined()) inputs.push_back(mask);
  return inputs;
}

// Every step's previous hidden state (h0, then hs shifted by one step), in input time order
// so that row t pairs with xproj's cotangent at time t.
Tensor previous_states(const Tensor& h0, const Tensor& hs, bool reverse) {
  int64_t B = hs.dim(0), T = hs.dim(1), H = hs.dim(2);
  Tensor previous = concatenate(
      {reshape(h0, {B, 1, H}), slice(hs, {0, 0, 0}, {B, T - 1, H}, {1, 1, 1})}, 1);
  if (reverse) previous = slice(previous, {0, T - 1, 0}, {B, -1, H}, {1, -1, 1});
  return reshape(copy(previous), {B * T, H});
}

// The recurrent kernel's gradient: sum over steps of h_{t-1}^T @ d(h_{t-1} @ u), one GEMM.
Tensor kernel_gradient(const Tensor& u, const Tensor& h0, const Tensor& hs, const Tensor& dpre,
                       bool reverse) {
  if (!u.requires_grad()) return Tensor();
  int64_t B = hs.dim(0), T = hs.dim(1);
  if (T == 0 || B == 0) return zeros_like(u);
  Tensor previous = previous_states(h0, hs, reverse);
  return matmul(transpose(previous, {1, 0}), reshape(dpre, {B * T, dpre.dim(2)}));
}

// The reset-before GRU's kernel gradient: the z and r blocks pair dxproj with h_{t-1}, as
// kernel_gradient does; the candidate block pairs it with the saved r * h_{t-1} (the gates'
// last block, in processing order, so reversed into input order for go_backwards).
Tensor reset_before_kernel_gradient(const Tensor& u, const Tensor& h0, const Tensor& hs,
                                    const Tensor& gates, const Tensor& dxproj, bool reverse) {
  if (!u.requires_grad()) return Tensor();
  int64_t B = hs.dim(0), T = hs.dim(1), H = hs.dim(2);
  if (T == 0 || B == 0) return zeros_like(u);
  Tensor previous = previous_states(h0, hs, reverse);
  Tensor dzr = reshape(copy(slice(dxproj, {0, 0, 0}, {B, T, 2 * H}, {1, 1, 1})), {B * T, 2 * H});
  Tensor dcandidate =
      reshape(copy(slice(dxproj, {0, 0, 2 * H}, {B, T, 3 * H}, {1, 1, 1})), {B * T, H});
  Tensor reset_h = reverse ? slice(gates, {0, T - 1, 3 * H}, {B, -1, 4 * H}, {1, -1, 1})
                           : slice(gates, {0, 0, 3 * H}, {B, T, 4 * H}, {1, 1, 1});
  reset_h = reshape(copy(reset_h), {B * T, H});
  return concatenate({matmul(transpose(previous, {1, 0}), dzr),
                      matmul(transpose(reset_h, {1, 0}), dcandidate)}, 1);
}

Tensor if_needed(const Tensor& input, const Tensor& grad) {
  return input.requires_grad() ? grad : Tensor();
}

}  // namespace

// --- LSTM ------------------------------------------------------------------------------------

std::vector<TensorSpec> LstmSequenceOp::infer(const Tensors& in) const {
  const char* op = "lstm_sequence";
  KL_CHECK(in.size() >= 4, "[", op, "] expected (xproj, u, h0, c0), received ", in.size(),
           " inputs");
  const Tensor &xproj = in[0], &u = in[1];
  check_projection(xproj, u, 4, op);
  int64_t B = xproj.dim(0), T = xproj.dim(1), H = u.dim(0);
  check_same(in[2], {B, H}, xproj.dtype(), op, "h0 (batch, units)");
  check_same(in[3], {B, H}, xproj.dtype(), op, "c0 (batch, units)");
  check_inputs(*this, in, 4, B, T);
  return {{{B, T, H}, xproj.dtype()}, {{B, T, H}, xproj.dtype()}, {{B, T, 4 * H}, xproj.dtype()}};
}

std::vector<TensorSpec> LstmSequenceOp::scratch(const Tensors& in) const {
  return {{{in[0].dim(0), in[0].dim(2)}, in[0].dtype()}};
}

Tensors LstmSequenceOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  // The gates output is saved for the backward pass and carries no gradient of its own.
  const Tensor &u = in[1], &h0 = in[2], &c0 = in[3], &hs = out[0];
  Tensor mask = masked() ? in.back() : Tensor();
  Tensors g = call<LstmSequenceGradOp>(append_mask({u, c0, out[1], out[2], ct[0], ct[1]}, mask),
                                       reverse(), masked());
  Tensors grads = {if_needed(in[0], g[0]), kernel_gradient(u, h0, hs, g[0], reverse()),
                   if_needed(h0, g[1]), if_needed(c0, g[2])};
  if (masked()) grads.push_back(Tensor());
  return grads;
}

std::vector<TensorSpec> LstmSequenceGradOp::infer(const Tensors& in) const {
  const char* op = "lstm_sequence_grad";
  const Tensor &u = in[0], &cs = in[2];
  check_rank(u, 2, op, "the recurrent kernel (units, 4 * units)");
  check_rank(cs, 3, op, "cs (batch, time, units)");
  int64_t B = cs.dim(0), T = cs.dim(1), H = cs.dim(2);
  check_same(u, {H, 4 * H}, cs.dtype(), op, "the recurrent kernel");
  check_same(in[1], {B, H}, cs.dtype(), op, "c0");
  check_same(in[3], {B, T, 4 * H}, cs.dtype(), op, "the gates");
  check_same(in[4], {B, T, H}, cs.dtype(), op, "the cotangent of hs");
  check_same(in[5], {B, T, H}, cs.dtype(), op, "the cotangent of cs");
  check_inputs(*this, in, 6, B, T);
  return {{{B, T, 4 * H}, cs.dtype()}, {{B, H}, cs.dtype()}, {{B, H}, cs.dtype()}};
}

Tensors lstm_sequence(const Tensor& xproj, const Tensor& u, const Tensor& h0, const Tensor& c0,
                      const Tensor& mask, bool reverse) {
  return call<LstmSequenceOp>(append_mask({xproj, u, h0, c0}, mask), reverse, mask.defined());
}

// --- GRU -------------------------------------------------------------------------------------

std::vector<TensorSpec> GruSequenceOp::infer(const Tensors& in) const {
  const char* op = "gru_sequence";
  size_t count = reset_after() ? 4 : 3;
  KL_CHECK(in.size() >= count, "[", op, "] expected ",
           reset_after() ? "(xproj, u, rbias, h0)" : "(xproj, u, h0)", ", received ", in.size(),
           " inputs");
  const Tensor &xproj = in[0], &u = in[1];
  check_projection(xproj, u, 3, op);
  int64_t B = xproj.dim(0), T = xproj.dim(1), H = u.dim(0);
  if (reset_after()) check_same(in[2], {3 * H}, xproj.dtype(), op, "the recurrent bias (3 * units)");
  check_same(in[h0_input()], {B, H}, xproj.dtype(), op, "h0 (batch, units)");
  check_inputs(*this, in, count, B, T);
  return {{{B, T, H}, xproj.dtype()}, {{B, T, 4 * H}, xproj.dtype()}};
}

std::vector<TensorSpec> GruSequenceOp::scratch(const Tensors& in) const {
  return {{{in[0].dim(0), in[0].dim(2)}, in[0].dtype()}};
}

Tensors GruSequenceOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor &u = in[1], &h0 = in[h0_input()], &hs = out[0], &gates = out[1];
  Tensor mask = masked() ? in.back() : Tensor();
  Tensors g = call<GruSequenceGradOp>(append_mask({u, h0, hs, gates, ct[0]}, mask), reverse(),
                                      masked(), reset_after());
  Tensors grads;
  if (reset_after()) {
    const Tensor& rbias = in[2];
    grads = {if_needed(in[0], g[0]), kernel_gradient(u, h0, hs, g[1], reverse()),
             rbias.requires_grad() ? sum(g[1], {0, 1}, false) : Tensor(), if_needed(h0, g[2])};
  } else {
    grads = {if_needed(in[0], g[0]), reset_before_kernel_gradient(u, h0, hs, gates, g[0],
                                                                  reverse()),
             if_needed(h0, g[1])};
  }
  if (masked()) grads.push_back(Tensor());
  return grads;
}

std::vector<TensorSpec> GruSequenceGradOp::infer(const Tensors& in) const {
  const char* op = "gru_sequence_grad";
  const Tensor &u = in[0], &hs = in[2];
  check_rank(u, 2, op, "the recurrent kernel (units, 3 * units)");
  check_rank(hs, 3, op, "hs (batch, time, units)");
  int64_t B = hs.dim(0), T = hs.dim(1), H = hs.dim(2);
  check_same(u, {H, 3 * H}, hs.dtype(), op, "the recurrent kernel");
  check_same(in[1], {B, H}, hs.dtype(), op, "h0");
  check_same(in[3], {B, T, 4 * H}, hs.dtype(), op, "the gates");
  check_same(in[4], {B, T, H}, hs.dtype(), op, "the cotangent of hs");
  check_inputs(*this, in, 5, B, T);
  if (!reset_after()) return {{{B, T, 3 * H}, hs.dtype()}, {{B, H}, hs.dtype()}};
  return {{{B, T, 3 * H}, hs.dtype()}, {{B, T, 3 * H}, hs.dtype()}, {{B, H}, hs.dtype()}};
}

Tensors gru_sequence(const Tensor& xproj, const Tensor& u, const Tensor& rbias, const Tensor& h0,
                     const Tensor& mask, bool reverse) {
  if (!rbias.defined())
    return call<GruSequenceOp>(append_mask({xproj, u, h0}, mask), reverse, mask.defined(), false);
  return call<GruSequenceOp>(append_mask({xproj, u, rbias, h0}, mask), reverse, mask.defined(),
                             true);
}

// --- SimpleRNN -------------------------------------------------------------------------------

std::vector<TensorSpec> SimpleRnnSequenceOp::infer(const Tensors& in) const {
  const char* op = "simple_rnn_sequence";
  KL_CHECK(in.size() >= 3, "[", op, "] expected (xproj, u, h0), received ", in.size(),
           " inputs");
  const Tensor &xproj = in[0], &u = in[1];
  check_projection(xproj, u, 1, op);
  int64_t B = xproj.dim(0), T = xproj.dim(1), H = u.dim(0);
  check_same(in[2], {B, H}, xproj.dtype(), op, "h0 (batch, units)");
  check_inputs(*this, in, 3, B, T);
  return {{{B, T, H}, xproj.dtype()}};
}

Tensors SimpleRnnSequenceOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor &u = in[1], &h0 = in[2], &hs = out[0];
  Tensor mask = masked() ? in.back() : Tensor();
  Tensors g = call<SimpleRnnSequenceGradOp>(append_mask({u, hs, ct[0]}, mask), reverse(),
                                            masked(), activation());
  Tensors grads = {if_needed(in[0], g[0]), kernel_gradient(u, h0, hs, g[0], reverse()),
                   if_needed(h0, g[1])};
  if (masked()) grads.push_back(Tensor());
  return grads;
}

std::vector<TensorSpec> SimpleRnnSequenceGradOp::infer(const Tensors& in) const {
  const char* op = "simple_rnn_sequence_grad";
  const Tensor &u = in[0], &hs = in[1];
  check_rank(u, 2, op, "the recurrent kernel (units, units)");
  check_rank(hs, 3, op, "hs (batch, time, units)");
  int64_t B = hs.dim(0), T = hs.dim(1), H = hs.dim(2);
  check_same(u, {H, H}, hs.dtype(), op, "the recurrent kernel");
  check_same(in[2], {B, T, H}, hs.dtype(), op, "the cotangent of hs");
  check_inputs(*this, in, 3, B, T);
  return {{{B, T, H}, hs.dtype()}, {{B, H}, hs.dtype()}};
}

Tensors simple_rnn_sequence(const Tensor& xproj, const Tensor& u, const Tensor& h0,
                            RecurrentActivation activation, const Tensor& mask, bool reverse) {
  return call<SimpleRnnSequenceOp>(append_mask({xproj, u, h0}, mask), reverse, mask.defined(),
                                   activation);
}

}  // namespace kl
