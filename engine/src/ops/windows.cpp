// patches / patches_adjoint: the sliding windows of convolution and pooling (im2col, col2im);
// max_pool / max_pool_adjoint / max_pool_gather: window maxima, the gradient routed to them,
// and its transpose (values read back at the maxima).
#include "kl/autograd.h"
#include "kl/ops.h"

namespace kl {
namespace {

void check_geometry(const WindowGeometry& g, const char* op) {
  int n = g.rank();
  KL_CHECK(n >= 1 && n <= 3, "[", op, "] expected 1 to 3 spatial dimensions, received ", n);
  KL_CHECK(int(g.strides.size()) == n && int(g.dilation.size()) == n &&
               int(g.before.size()) == n && int(g.after.size()) == n,
           "[", op, "] window ", shape_str(g.window), ", strides ", shape_str(g.strides),
           ", dilation ", shape_str(g.dilation), " and padding must have one entry per "
           "spatial dimension");
  for (int i = 0; i < n; ++i) {
    KL_CHECK(g.window[i] >= 1 && g.window[i] <= (int64_t(1) << 31), "[", op,
             "] window sizes must be in [1, 2^31], received ", shape_str(g.window));
    KL_CHECK(g.strides[i] >= 1 && g.strides[i] <= (int64_t(1) << 31), "[", op,
             "] strides must be in [1, 2^31], received ", shape_str(g.strides));
    KL_CHECK(g.dilation[i] >= 1 && g.dilation[i] <= (int64_t(1) << 31), "[", op,
             "] dilation rates must be in [1, 2^31], received ", shape_str(g.dilation));
    KL_CHECK(g.before[i] >= 0 && g.after[i] >= 0 && g.before[i] <= (int64_t(1) << 40) &&
                 g.after[i] <= (int64_t(1) << 40),
             "[", op, "] padding must be non-negative and below 2^40, received before ",
             shape_str(g.before), ", after ", shape_str(g.after));
  }
}

void check_window_input(const WindowGeometry& g, const Tensor& x, const char* op) {
  check_geometry(g, op);
  KL_CHECK(x.ndim() == g.rank() + 2, "[", op, "] expected a channels-last input of rank ",
           g.rank() + 2, " (batch, ", g.rank(), " spatial, channels) for a window of rank ",
           g.rank(), ", received shape ", shape_str(x.shape()));
}

}  // namespace

Shape WindowGeometry::output_spatial(const Shape& input) const {
  Shape out;
  for (int i = 0; i < rank(); ++i) {
    int64_t padded = input[i + 1] + before[i] + after[i];
    int64_t span = dilation[i] * (window[i] - 1) + 1;
    out.push_back(padded < span ? 0 : (padded - span) / strides[i] + 1);
  }
  return out;
}

std::vector<TensorSpec> PatchesOp::infer(const Tensors& in) const {
  const Tensor& x = in[0];
  check_window_input(g_, x, "patches");
  Shape shape{x.dim(0)};
  for (int64_t d : g_.output_spatial(x.shape())) shape.push_back(d);
  int64_t features = x.dim(x.ndim() - 1);
  for (int64_t w : g_.window)
    KL_CHECK(!__builtin_mul_overflow(features, w, &features),
             "[patches] the window holds more than 2^63 - 1 elements");
  shape.push_back(features);
  return {{shape, x.dtype()}};
}

Tensors PatchesOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  return {patches_adjoint(ct[0], in[0].shape(), g_.window, g_.strides, g_.dilation, g_.before,
                          g_.after)};
}

std::vector<TensorSpec> PatchesAdjointOp::infer(const Tensors& in) const {
  const Tensor& rows = in[0];
  check_geometry(g_, "patches_adjoint");
  KL_CHECK(int(input_shape_.size()) == g_.rank() + 2, "[patches_adjoint] input_shape ",
           shape_str(input_shape_), " must have rank ", g_.rank() + 2);
  KL_CHECK(is_floating(rows.dtype()), "[patches_adjoint] expected floating rows, received ",
           dtype_name(rows.dtype()));
  Shape expected{input_shape_[0]};
  for (int64_t d : g_.output_spatial(input_shape_)) expected.push_back(d);
  int64_t features = input_shape_.back();
  for (int64_t w : g_.window) features *= w;
  expected.push_back(features);
  KL_CHECK(rows.shape() == expected, "[patches_adjoint] expected rows of shape ",
           shape_str(expected), " for input shape ", shape_str(input_shape_), ", received ",
           shape_str(rows.shape()));
  return {{input_shape_, rows.dtype()}};
}

Tensors PatchesAdjointOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  return {patches(ct[0], g_.window, g_.strides, g_.dilation, g_.before, g_.after)};
}

Tensor patches(const Tensor& x, const Shape& window, const Shape& strides, const Shape& dilation,
               const Shape& before, const Shape& after) {
  return call1<PatchesOp>({x}, WindowGeometry{window, strides, dilation, before, after});
}

Tensor patches_adjoint(const Tensor& rows, const Shape& input_shape, const Shape& window,
                       const Shape& strides, const Shape& dilation, const Shape& before,
                       const Shape& after) {
  // float16 / bfloat16 sums are accumulated in float32, then rounded once.
  if (rows.dtype() == DType::float16 || rows.dtype() == DType::bfloat16)
    return cast(patches_adjoint(cast(rows, DType::float32), input_shape, window, strides,
                                dilation, before, after),
                rows.dtype());
  return call1<PatchesAdjointOp>({rows}, WindowGeometry{window, strides, dilation, before, after},
                                 input_shape);
}

namespace {

WindowGeometry pool_geometry(const Shape& window, const Shape& strides, const Shape& before,
                             const Shape& after) {
  return WindowGeometry{window, strides, Shape(window.size(), 1), before, after};
}

Shape pooled_shape(const WindowGeometry& g, const Tensor& x, const char* op) {
  check_window_input(g, x, op);
  KL_CHECK(x.dtype() == DType::float32 || x.dtype() == DType::float64, "[", op,
           "] expected float32 or float64, received ", dtype_name(x.dtype()));
  for (int i = 0; i < g.rank(); ++i)
    KL_CHECK(g.before[i] < g.window[i] && g.after[i] < g.window[i], "[", op,
             "] padding must be smaller than the window (a window wholly in the padding has "
             "no maximum), received window ", shape_str(g.window), ", before ",
             shape_str(g.before), ", after ", shape_str(g.after));
  Shape shape{x.dim(0)};
  for (int64_t d : g.output_spatial(x.shape())) shape.push_back(d);
  shape.push_back(x.dim(x.ndim() - 1));
  return shape;
}

}  // namespace

std::vector<TensorSpec> MaxPoolOp::infer(const Tensors& in) const {
  return {{pooled_shape(g_, in[0], "max_pool"), in[0].dtype()}};
}

namespace {
// The kernels' table of window tap offsets: needed only when a whole window fits inside the
// input (windows over padding walk their positions instead), so padding cannot make it huge.
std::vector<TensorSpec> window_taps_scratch(const WindowGeometry& g, const Tensor& x) {
  int64_t taps = 1;
  for (int i = 0; i < g.rank(); ++i) {
    int64_t extent = (g.window[i] - 1) * g.dilation[i] + 1;
    if (extent > x.dim(i + 1)) return {};
    taps *= g.window[i];
  }
  return {{{taps}, DType::int64}};
}
}  // namespace

std::vector<TensorSpec> MaxPoolOp::scratch(const Tensors& in) const {
  return window_taps_scratch(g_, in[0]);
}

std::vector<TensorSpec> MaxPoolAdjointOp::scratch(const Tensors& in) const {
  return window_taps_scratch(g_, in[0]);
}

Tensors MaxPoolOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  return {call1<MaxPoolAdjointOp>({in[0], out[0], ct[0]}, g_)};
}

Tensors MaxPoolOp::vjp_through_relu(const Tensors& in, const Tensors& out,
                                    const Tensors& ct) const {
  Tensors masked = call<BiasActivationGradOp>({ct[0], out[0]}, FusedActivation::relu);
  return {call1<MaxPoolAdjointOp>({in[0], out[0], masked[0]}, g_), masked[1]};
}

std::vector<TensorSpec> MaxPoolAdjointOp::infer(const Tensors& in) const {
  const char* op = "max_pool_adjoint";
  Shape expected = pooled_shape(g_, in[0], op);
  for (int i = 1; i < 3; ++i) {
    KL_CHECK(in[i].shape() == expected && in[i].dtype() == in[0].dtype(), "[", op,
             "] expected the pooled output and its cotangent as ", dtype_name(in[0].dtype()),
             " of shape ", shape_str(expected), ", received ", dtype_name(in[i].dtype()), " ",
             shape_str(in[i].shape()));
  }
  return {{in[0].shape(), in[0].dtype()}};
}

Tensors MaxPoolAdjointOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  return {Tensor(), Tensor(), call1<MaxPoolGatherOp>({in[0], in[1], ct[0]}, g_)};
}

std::vector<TensorSpec> MaxPoolGatherOp::infer(const Tensors& in) const {
  const char* op = "max_pool_gather";
  Shape expected = pooled_shape(g_, in[0], op);
  KL_CHECK(in[1].shape() == expected && in[1].dtype() == in[0].dtype(), "[", op,
           "] expected the pooled output as ", dtype_name(in[0].dtype()), " of shape ",
           shape_str(expected), ", received ", dtype_name(in[1].dtype()), " ",
           shape_str(in[1].shape()));
  KL_CHECK(in[2].shape() == in[0].shape() && in[2].dtype() == in[0].dtype(), "[", op,
           "] expected the values to gather as ", dtype_name(in[0].dtype()), " of x's shape ",
           shape_str(in[0].shape()), ", received ", dtype_name(in[2].dtype()), " ",
           shape_str(in[2].shape()));
  return {{expected, in[0].dtype()}};
}

std::vector<TensorSpec> MaxPoolGatherOp::scratch(const Tensors& in) const {
  return window_taps_scratch(g_, in[0]);
}

Tensors MaxPoolGatherOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  return {Tensor(), Tensor(), call1<MaxPoolAdjointOp>({in[0], in[1], ct[0]}, g_)};
}

Tensor max_pool(const Tensor& x, const Shape& window, const Shape& strides, const Shape& before,
                const Shape& after) {
  return call1<MaxPoolOp>({x}, pool_geometry(window, strides, before, after));
}

Tensor max_pool_adjoint(const Tensor& x, const Tensor& pooled, const Tensor& ct,
                        const Shape& window, const Shape& strides, const Shape& before,
                        const Shape& after) {
  return call1<MaxPoolAdjointOp>({x, pooled, ct}, pool_geometry(window, strides, before, after));
}

Tensor max_pool_gather(const Tensor& x, const Tensor& pooled, const Tensor& c,
                       const Shape& window, const Shape& strides, const Shape& before,
                       const Shape& after) {
  return call1<MaxPoolGatherOp>({x, pooled, c}, pool_geometry(window, strides, before, after));
}

}  // namespace kl
