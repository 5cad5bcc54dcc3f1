// bias_activation / bias_activation_grad: a layer's bias add and activation as one pass over
// its output, forward and backward.
#include "kl/autograd.h"
#include "kl/ops.h"

namespace kl {
namespace {

FusedActivation parse_activation(const std::string& name, const char* op) {
  if (name == "linear") return FusedActivation::linear;
  if (name == "relu") return FusedActivation::relu;
  throw std::invalid_argument(error_message("[", op, "] activation must be 'linear' or 'relu', ",
                                            "received '", name, "'"));
}

void check_float(const Tensor& t, const char* op, const char* what) {
  KL_CHECK(t.dtype() == DType::float32 || t.dtype() == DType::float64, "[", op, "] expected ",
           what, " as float32 or float64, received ", dtype_name(t.dtype()));
}

}  // namespace

const char* fused_activation_name(FusedActivation a) {
  return a == FusedActivation::relu ? "relu" : "linear";
}

std::vector<TensorSpec> BiasActivationOp::infer(const Tensors& in) const {
  const char* op = "bias_activation";
  const Tensor &x = in[0], &bias = in[1];
  check_float(x, op, "x");
  KL_CHECK(x.ndim() >= 1, "[", op, "] expected x with a channel axis, received a scalar");
  KL_CHECK(bias.ndim() == 1 && bias.dim(0) == x.dim(x.ndim() - 1) && bias.dtype() == x.dtype(),
           "[", op, "] expected bias of shape (", x.dim(x.ndim() - 1), ",) and dtype ",
           dtype_name(x.dtype()), " (x's last axis), received ", dtype_name(bias.dtype()), " ",
           shape_str(bias.shape()));
  return {{x.shape(), x.dtype()}};
}

Tensors BiasActivationOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  if (a_ == FusedActivation::relu) {
    Tensors grads = call<BiasActivationGradOp>({ct[0], out[0]}, a_);
    return vjp_before_relu(in, grads[0], grads[1]);
  }
  const Tensor& g = ct[0];
  Tensor db;
  if (in[1].requires_grad()) {
    std::vector<int64_t> leading(size_t(g.ndim() - 1));
    for (size_t i = 0; i < leading.size(); ++i) leading[i] = int64_t(i);
    db = sum(g, leading, false);
  }
  return vjp_before_relu(in, g, db);
}

Tensors BiasActivationOp::vjp_before_relu(const Tensors& in, const Tensor& g,
                                          const Tensor& db) const {
  return {in[0].requires_grad() ? g : Tensor(), in[1].requires_grad() ? db : Tensor()};
}

std::vector<TensorSpec> BiasActivationGradOp::infer(const Tensors& in) const {
  const char* op = "bias_activation_grad";
  const Tensor &ct = in[0], &y = in[1];
  check_float(ct, op, "the cotangent");
  KL_CHECK(ct.ndim() >= 1, "[", op, "] expected a cotangent with a channel axis, received a scalar");
  KL_CHECK(y.shape() == ct.shape() && y.dtype() == ct.dtype(), "[", op, "] expected the output ",
           "as ", dtype_name(ct.dtype()), " of shape ", shape_str(ct.shape()), ", received ",
           dtype_name(y.dtype()), " ", shape_str(y.shape()));
  return {{ct.shape(), ct.dtype()}, {{ct.dim(ct.ndim() - 1)}, ct.dtype()}};
}

std::vector<TensorSpec> BiasActivationGradOp::scratch(const Tensors& in) const {
  const Tensor& ct = in[0];
  int64_t channels = ct.dim(ct.ndim() - 1);
  if (channels == 0) return {};
  int64_t rows = ct.size() / channels, per_chunk = column_chunk_rows(channels);
  if (rows <= per_chunk) return {};
  int64_t chunks = (rows + per_chunk - 1) / per_chunk;
  return {{{chunks * channels}, ct.dtype()}};
}

Tensors BiasActivationGradOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  // g and db are linear in the incoming cotangent, through the same mask; the mask itself is
  // piecewise constant in y, so y gets no gradient.
  Tensor both = add(ct[0], ct[1]);
  if (a_ == FusedActivation::relu)
    both = where(binary(BinaryKind::greater, in[1], scalar_like(0.0, in[1])), both,
                 scalar_like(0.0, both));
  return {both, Tensor()};
}

Tensor bias_activation(const Tensor& x, const Tensor& bias, const std::string& activation) {
  return call1<BiasActivationOp>({x, bias}, parse_activation(activation, "bias_activation"));
}

Tensors bias_activation_grad(const Tensor& ct, const Tensor& y, const std::string& activation) {
  return call<BiasActivationGradOp>({ct, y},
                                    parse_activation(activation, "bias_activation_grad"));
}

}  // namespace kl
