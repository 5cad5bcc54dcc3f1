// conv2d / conv2d_filter_grad: the direct stride-1 2-D convolution and its filter gradient.
#include "kl/autograd.h"
#include "kl/ops.h"

namespace kl {
namespace {

void check_operand(const Tensor& t, const char* op, const char* what) {
  KL_CHECK(t.ndim() == 4, "[", op, "] expected ", what, " of rank 4, received shape ",
           shape_str(t.shape()));
  KL_CHECK(t.dtype() == DType::float32 || t.dtype() == DType::float64, "[", op, "] expected ",
           what, " as float32 or float64, received ", dtype_name(t.dtype()));
}

// The gradient with respect to the input of conv2d(x, w) with `top` and `bottom` implicit zero
// rows, from the output cotangent g: the cotangent padded by the kernel size less one (less
// the forward's rows, which the kernel skips), convolved with the flipped kernel whose channel
// axes are swapped. Rows of padding are implicit too (their taps are skipped, not multiplied
// by zero); columns are padded explicitly. With input channels that fill no whole vector the
// direct kernel would run its scalar tail, so those go through patches_adjoint (col2im).
Tensor conv2d_input_grad(const Tensor& g, const Tensor& w, const Shape& input_shape,
                         int64_t top, int64_t bottom) {
  int64_t KH = w.dim(0), KW = w.dim(1), C = w.dim(2), F = w.dim(3);
  if (C % 16 != 0) {
    Tensor rows = matmul(reshape(g, {-1, F}), transpose(reshape(w, {KH * KW * C, F}), {1, 0}));
    rows = reshape(rows, {g.dim(0), g.dim(1), g.dim(2), KH * KW * C});
    return patches_adjoint(rows, input_shape, {KH, KW}, {1, 1}, {1, 1}, {top, 0}, {bottom, 0});
  }
  Tensor padded = KW > 1 ? pad(g, {0, 0, KW - 1, 0}, {0, 0, KW - 1, 0}, 0.0) : g;
  Tensor flipped = transpose(slice(w, {KH - 1, KW - 1, 0, 0}, {-1, -1, C, F}, {-1, -1, 1, 1}),
                             {0, 1, 3, 2});
  return call1<Conv2dOp>({padded, flipped}, FusedActivation::linear, false, KH - 1 - top,
                         KH - 1 - bottom);
}

// x with `top` and `bottom` zero rows: what the filter gradient of a padded conv2d reads.
Tensor pad_rows(const Tensor& x, int64_t top, int64_t bottom) {
  if (top == 0 && bottom == 0) return x;
  return pad(x, {0, top, 0, 0}, {0, bottom, 0, 0}, 0.0);
}

}  // namespace

std::vector<TensorSpec> Conv2dOp::infer(const Tensors& in) const {
  const char* op = "conv2d";
  const Tensor &x = in[0], &w = in[1];
  check_operand(x, op, "x (batch, height, width, channels)");
  check_operand(w, op, "the kernel (height, width, in_channels, out_channels)");
  KL_CHECK(w.dtype() == x.dtype(), "[", op, "] x and the kernel must share a dtype, received ",
           dtype_name(x.dtype()), " and ", dtype_name(w.dtype()));
  KL_CHECK(w.dim(2) == x.dim(3), "[", op, "] the kernel's in_channels (", w.dim(2),
           ") must equal x's channels (", x.dim(3), ")");
  KL_CHECK(top_ >= 0 && bottom_ >= 0 && top_ < w.dim(0) && bottom_ < w.dim(0), "[", op,
           "] implicit row padding must be in [0, kernel height), received ", top_, " and ",
           bottom_, " for a kernel of height ", w.dim(0));
  int64_t rows = x.dim(1) + top_ + bottom_;
  KL_CHECK(w.dim(0) >= 1 && w.dim(1) >= 1 && w.dim(0) <= rows && w.dim(1) <= x.dim(2),
           "[", op, "] the kernel's spatial size ", w.dim(0), "x", w.dim(1),
           " must be at least 1x1 and fit in x's ", rows, "x", x.dim(2), " (padded)");
  if (has_bias_) {
    const Tensor& bias = in[2];
    KL_CHECK(bias.ndim() == 1 && bias.dim(0) == w.dim(3) && bias.dtype() == x.dtype(), "[", op,
             "] expected a bias of shape (", w.dim(3), ",) and dtype ", dtype_name(x.dtype()),
             ", received ", dtype_name(bias.dtype()), " ", shape_str(bias.shape()));
  }
  return {{{x.dim(0), rows - w.dim(0) + 1, x.dim(2) - w.dim(1) + 1, w.dim(3)}, x.dtype()}};
}

std::vector<TensorSpec> Conv2dOp::scratch(const Tensors& in) const {
  // One tap-offset table per first valid kernel row (rows near padding skip the leading taps).
  const Tensor& w = in[1];
  return {{{w.dim(0) * w.dim(0) * w.dim(1) * w.dim(2)}, DType::int64}};
}

Tensors Conv2dOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  if (a_ == FusedActivation::relu) {  // one pass: the masked cotangent and its column sums
    Tensors grads = call<BiasActivationGradOp>({ct[0], out[0]}, a_);
    return vjp_before_relu(in, grads[0], grads[1]);
  }
  bool bias_grad = has_bias_ && in[2].requires_grad();
  return vjp_before_relu(in, ct[0], bias_grad ? sum(ct[0], {0, 1, 2}, false) : Tensor());
}

Tensors Conv2dOp::vjp_before_relu(const Tensors& in, const Tensor& g, const Tensor& db) const {
  const Tensor &x = in[0], &w = in[1];
  Tensors grads{
      x.requires_grad() ? conv2d_input_grad(g, w, x.shape(), top_, bottom_) : Tensor(),
      w.requires_grad() ? conv2d_filter_grad(pad_rows(x, top_, bottom_), g) : Tensor()};
  if (has_bias_) grads.push_back(in[2].requires_grad() ? db : Tensor());
  return grads;
}

std::vector<TensorSpec> Conv2dFilterGradOp::infer(const Tensors& in) const {
  const char* op = "conv2d_filter_grad";
  const Tensor &x = in[0], &g = in[1];
  check_operand(x, op, "x (batch, height, width, channels)");
  check_operand(g, op, "the output cotangent (batch, height, width, out_channels)");
  KL_CHECK(g.dtype() == x.dtype() && g.dim(0) == x.dim(0) && g.dim(1) >= 1 && g.dim(2) >= 1 &&
               g.dim(1) <= x.dim(1) && g.dim(2) <= x.dim(2),
           "[", op, "] expected a cotangent of dtype ", dtype_name(x.dtype()), ", batch ",
           x.dim(0), " and a spatial size from 1x1 to ", x.dim(1), "x", x.dim(2),
           ", received ", dtype_name(g.dtype()), " ", shape_str(g.shape()));
  return {{{x.dim(1) - g.dim(1) + 1, x.dim(2) - g.dim(2) + 1, x.dim(3), g.dim(3)}, x.dtype()}};
}

std::vector<TensorSpec> Conv2dFilterGradOp::scratch(const Tensors& in) const {
  const Tensor &x = in[0], &g = in[1];
  int64_t N = x.dim(0), pixels = g.dim(1) * g.dim(2), F = g.dim(3);
  int64_t K = (x.dim(1) - g.dim(1) + 1) * (x.dim(2) - g.dim(2) + 1) * x.dim(3);
  int64_t images = std::max<int64_t>(1, kConvFilterChunkPixels / pixels);
  int64_t chunks = std::max<int64_t>(1, (N + images - 1) / images);
  return {{{K}, DType::int64},                        // tap offsets
          {{std::max<int64_t>(1, N * pixels)}, DType::int64},  // pixel offsets
          {{chunks * K * F}, x.dtype()},              // per-chunk partial gradients
          {{chunks * kConvSpillRows * F}, x.dtype()}};  // per-chunk spill rows
}

Tensors Conv2dFilterGradOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  // dw is bilinear in (x, g): its cotangent c flows to x as an input gradient with c as the
  // kernel, and to g as the forward convolution of x with c.
  const Tensor &x = in[0], &g = in[1], &c = ct[0];
  return {x.requires_grad() ? conv2d_input_grad(g, c, x.shape(), 0, 0) : Tensor(),
          g.requires_grad() ? conv2d(x, c) : Tensor()};
}

Tensor conv2d(const Tensor& x, const Tensor& w, int64_t top, int64_t bottom) {
  return call1<Conv2dOp>({x, w}, FusedActivation::linear, false, top, bottom);
}

Tensor conv2d_bias_activation(const Tensor& x, const Tensor& w, const Tensor& bias,
                              const std::string& activation, int64_t top, int64_t bottom) {
  FusedActivation a;
  if (activation == "linear") a = FusedActivation::linear;
  else if (activation == "relu") a = FusedActivation::relu;
  else
    throw std::invalid_argument(error_message("[conv2d] activation must be 'linear' or 'relu', ",
                                              "received '", activation, "'"));
  if (!bias.defined()) return call1<Conv2dOp>({x, w}, a, false, top, bottom);
  return call1<Conv2dOp>({x, w, bias}, a, true, top, bottom);
}

Tensor conv2d_filter_grad(const Tensor& x, const Tensor& g) {
  return call1<Conv2dFilterGradOp>({x, g});
}

}  // namespace kl
