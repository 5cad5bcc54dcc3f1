// lstm_sequence / lstm_sequence_grad: an LSTM layer's whole recurrence as one call each way.
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

}  // namespace

std::vector<TensorSpec> LstmSequenceOp::infer(const Tensors& in) const {
  const char* op = "lstm_sequence";
  const Tensor &xproj = in[0], &u = in[1];
  check_rank(xproj, 3, op, "xproj (batch, time, 4 * units)");
  check_rank(u, 2, op, "the recurrent kernel (units, 4 * units)");
  int64_t B = xproj.dim(0), T = xproj.dim(1), H = u.dim(0);
  KL_CHECK(u.dim(1) == 4 * H && xproj.dim(2) == 4 * H, "[", op, "] expected the recurrent ",
           "kernel as (units, 4 * units) and xproj's last axis 4 * units, received kernel ",
           shape_str(u.shape()), " and xproj ", shape_str(xproj.shape()));
  check_same(u, u.shape(), xproj.dtype(), op, "the recurrent kernel");
  check_same(in[2], {B, H}, xproj.dtype(), op, "h0 (batch, units)");
  check_same(in[3], {B, H}, xproj.dtype(), op, "c0 (batch, units)");
  return {{{B, T, H}, xproj.dtype()}, {{B, T, H}, xproj.dtype()}, {{B, T, 4 * H}, xproj.dtype()}};
}

std::vector<TensorSpec> LstmSequenceOp::scratch(const Tensors& in) const {
  return {{{in[0].dim(0), in[0].dim(2)}, in[0].dtype()}};
}

Tensors LstmSequenceOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  // The gates output is saved for the backward pass and carries no gradient of its own.
  const Tensor &u = in[1], &h0 = in[2], &c0 = in[3], &hs = out[0];
  Tensors g = call<LstmSequenceGradOp>({u, c0, out[1], out[2], ct[0], ct[1]});
  int64_t B = hs.dim(0), T = hs.dim(1), H = hs.dim(2);
  Tensor du;
  if (u.requires_grad() && T == 0) {
    du = zeros_like(u);
  } else if (u.requires_grad()) {
    // Step t multiplied h_{t-1} (h0 first) by u: one GEMM over every step's dz.
    Tensor previous = concatenate(
        {reshape(h0, {B, 1, H}), slice(hs, {0, 0, 0}, {B, T - 1, H}, {1, 1, 1})}, 1);
    du = matmul(transpose(reshape(previous, {B * T, H}), {1, 0}), reshape(g[0], {B * T, 4 * H}));
  }
  return {in[0].requires_grad() ? g[0] : Tensor(), du, h0.requires_grad() ? g[1] : Tensor(),
          c0.requires_grad() ? g[2] : Tensor()};
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
  return {{{B, T, 4 * H}, cs.dtype()}, {{B, H}, cs.dtype()}, {{B, H}, cs.dtype()}};
}

Tensors lstm_sequence(const Tensor& xproj, const Tensor& u, const Tensor& h0, const Tensor& c0) {
  return call<LstmSequenceOp>({xproj, u, h0, c0});
}

Tensors lstm_sequence_grad(const Tensor& u, const Tensor& c0, const Tensor& cs,
                           const Tensor& gates, const Tensor& dhs, const Tensor& dcs) {
  return call<LstmSequenceGradOp>({u, c0, cs, gates, dhs, dcs});
}

}  // namespace kl
