// Unary, binary, where, cast and copy: inference, gradient rules and front ends.
#include <cmath>

#include "kl/autograd.h"
#include "kl/ops.h"

namespace kl {
namespace {

bool is_float_math(UnaryKind k) {
  switch (k) {
    case UnaryKind::negative: case UnaryKind::abs: case UnaryKind::sign: case UnaryKind::square:
    case UnaryKind::floor: case UnaryKind::ceil: case UnaryKind::round: case UnaryKind::relu:
    case UnaryKind::logical_not: case UnaryKind::isnan: case UnaryKind::isinf:
    case UnaryKind::isfinite: case UnaryKind::bitwise_invert:
      return false;
    default:
      return true;
  }
}

bool gives_bool(UnaryKind k) {
  return k == UnaryKind::logical_not || k == UnaryKind::isnan || k == UnaryKind::isinf ||
         k == UnaryKind::isfinite;
}

Tensor s(double v, const Tensor& like) { return scalar_like(v, like); }
Tensor mul(const Tensor& a, const Tensor& b) { return multiply(a, b); }
Tensor un(UnaryKind k, const Tensor& x) { return unary(k, x); }
Tensor bin(BinaryKind k, const Tensor& a, const Tensor& b) { return binary(k, a, b); }

}  // namespace

const char* unary_name(UnaryKind k) {
  static const char* names[] = {
      "negative", "abs", "sign", "exp", "expm1", "log", "log1p", "sqrt", "rsqrt", "square",
      "reciprocal", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
      "arcsinh", "arccosh", "arctanh", "erf", "erfinv", "floor", "ceil", "round", "sigmoid",
      "relu", "softplus", "lgamma", "digamma", "logical_not", "isnan", "isinf", "isfinite",
      "bitwise_invert"};
  static_assert(sizeof(names) / sizeof(names[0]) == int(UnaryKind::count_), "unary names");
  return names[int(k)];
}

const char* binary_name(BinaryKind k) {
  static const char* names[] = {
      "add", "subtract", "multiply", "divide", "power", "maximum", "minimum", "floor_divide",
      "mod", "arctan2", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
      "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor",
      "left_shift", "right_shift"};
  static_assert(sizeof(names) / sizeof(names[0]) == int(BinaryKind::count_), "binary names");
  return names[int(k)];
}

bool binary_is_comparison(BinaryKind k) {
  return k >= BinaryKind::equal && k <= BinaryKind::logical_xor;
}

// ---- unary ----------------------------------------------------------------------------------

std::vector<TensorSpec> UnaryOp::infer(const Tensors& in) const {
  const Tensor& x = in[0];
  if (k_ == UnaryKind::bitwise_invert)
    KL_CHECK(!is_floating(x.dtype()), "[bitwise_invert] expected an integer or bool tensor, received ",
             dtype_name(x.dtype()));
  else if (is_float_math(k_))
    KL_CHECK(is_floating(x.dtype()), "[", name(), "] expected a floating tensor, received ",
             dtype_name(x.dtype()));
  return {{x.shape(), gives_bool(k_) ? DType::bool_ : x.dtype()}};
}

bool UnaryOp::differentiable() const {
  return !gives_bool(k_) && k_ != UnaryKind::bitwise_invert && k_ != UnaryKind::digamma;
}

bool UnaryOp::needs_outputs() const {
  switch (k_) {
    case UnaryKind::exp: case UnaryKind::expm1: case UnaryKind::sqrt: case UnaryKind::rsqrt:
    case UnaryKind::reciprocal: case UnaryKind::tan: case UnaryKind::tanh:
    case UnaryKind::sigmoid: case UnaryKind::erfinv:
      return true;
    default:
      return false;
  }
}

// The gradient table: d(out)/d(x) times the cotangent g, written with engine ops.
Tensors UnaryOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor &x = in[0], &g = ct[0];
  const Tensor& y = out.empty() ? Tensor() : out[0];
  using U = UnaryKind;
  using B = BinaryKind;
  Tensor one = s(1.0, x);
  switch (k_) {
    case U::negative: return {negative(g)};
    case U::abs: return {mul(g, un(U::sign, x))};
    case U::sign: case U::floor: case U::ceil: case U::round: return {zeros_like(x)};
    case U::exp: return {mul(g, y)};
    case U::expm1: return {mul(g, add(y, one))};
    case U::log: return {divide(g, x)};
    case U::log1p: return {divide(g, add(x, one))};
    case U::sqrt: return {divide(mul(g, s(0.5, x)), y)};
    case U::rsqrt: return {mul(mul(g, s(-0.5, x)), divide(y, x))};
    case U::square: return {mul(g, mul(x, s(2.0, x)))};
    case U::reciprocal: return {negative(mul(g, mul(y, y)))};
    case U::sin: return {mul(g, un(U::cos, x))};
    case U::cos: return {negative(mul(g, un(U::sin, x)))};
    case U::tan: return {mul(g, add(one, mul(y, y)))};
    case U::arcsin: return {mul(g, un(U::rsqrt, subtract(one, mul(x, x))))};
    case U::arccos: return {negative(mul(g, un(U::rsqrt, subtract(one, mul(x, x)))))};
    case U::arctan: return {divide(g, add(one, mul(x, x)))};
    case U::sinh: return {mul(g, un(U::cosh, x))};
    case U::cosh: return {mul(g, un(U::sinh, x))};
    case U::tanh: return {mul(g, subtract(one, mul(y, y)))};
    case U::arcsinh: return {mul(g, un(U::rsqrt, add(mul(x, x), one)))};
    case U::arccosh: return {mul(g, un(U::rsqrt, subtract(mul(x, x), one)))};
    case U::arctanh: return {divide(g, subtract(one, mul(x, x)))};
    case U::erf:
      return {mul(g, mul(s(2.0 / std::sqrt(M_PI), x), un(U::exp, negative(mul(x, x)))))};
    case U::erfinv: return {mul(g, mul(s(std::sqrt(M_PI) / 2.0, x), un(U::exp, mul(y, y))))};
    case U::sigmoid: return {mul(g, mul(y, subtract(one, y)))};
    case U::relu: return {where(bin(B::greater, x, s(0.0, x)), g, zeros_like(g))};
    case U::softplus: return {mul(g, un(U::sigmoid, x))};
    case U::lgamma: return {mul(g, un(U::digamma, x))};
    default: return Op::vjp(in, out, ct);
  }
}

Tensor unary(UnaryKind k, const Tensor& x) {
  if (is_float_math(k) && !is_floating(x.dtype())) return unary(k, cast(x, DType::float32));
  if (!is_floating(x.dtype()) &&
      (k == UnaryKind::floor || k == UnaryKind::ceil || k == UnaryKind::round))
    return x;
  if (x.dtype() == DType::bool_ && k == UnaryKind::negative)
    throw std::invalid_argument("[negative] is not defined for bool tensors; use logical_not");
  return call1<UnaryOp>({x}, k);
}

Tensor negative(const Tensor& x) { return unary(UnaryKind::negative, x); }

// ---- binary ---------------------------------------------------------------------------------

std::vector<TensorSpec> BinaryOp::infer(const Tensors& in) const {
  KL_CHECK(in[0].dtype() == in[1].dtype(), "[", name(), "] internal: operands must share a dtype, received ",
           dtype_name(in[0].dtype()), " and ", dtype_name(in[1].dtype()));
  Shape shape = broadcast_shapes(in[0].shape(), in[1].shape(), name());
  return {{shape, binary_is_comparison(k_) ? DType::bool_ : in[0].dtype()}};
}

bool BinaryOp::differentiable() const {
  return !binary_is_comparison(k_) && k_ < BinaryKind::bitwise_and;
}

Tensors BinaryOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor &a = in[0], &b = in[1], &g = ct[0];
  const Shape &sa = a.shape(), &sb = b.shape();
  auto ra = [&](const Tensor& t) { return a.requires_grad() ? sum_to_shape(t, sa) : Tensor(); };
  auto rb = [&](const Tensor& t) { return b.requires_grad() ? sum_to_shape(t, sb) : Tensor(); };
  using B = BinaryKind;
  switch (k_) {
    case B::add: return {ra(g), rb(g)};
    case B::subtract: return {ra(g), b.requires_grad() ? rb(negative(g)) : Tensor()};
    case B::multiply:
      return {a.requires_grad() ? ra(mul(g, b)) : Tensor(), b.requires_grad() ? rb(mul(g, a)) : Tensor()};
    case B::divide: {
      Tensor ga = divide(g, b);
      return {ra(ga), b.requires_grad() ? rb(negative(mul(ga, divide(a, b)))) : Tensor()};
    }
    case B::power: {
      const Tensor& y = out[0];
      Tensor ga, gb;
      if (a.requires_grad())
        ga = ra(mul(g, mul(b, bin(B::power, a, subtract(b, s(1.0, b))))));
      if (b.requires_grad()) {
        Tensor positive = bin(B::greater, a, s(0.0, a));
        Tensor safe_a = where(positive, a, ones_like(a));
        gb = rb(where(positive, mul(g, mul(y, un(UnaryKind::log, safe_a))), zeros_like(g)));
      }
      return {ga, gb};
    }
    case B::maximum: case B::minimum: {
      Tensor pick_a = bin(k_ == B::maximum ? B::greater_equal : B::less_equal, a, b);
      Tensor zero = zeros_like(g);
      return {ra(where(pick_a, g, zero)), rb(where(pick_a, zero, g))};
    }
    case B::floor_divide: return {ra(zeros_like(g)), rb(zeros_like(g))};
    case B::mod:
      return {ra(g), b.requires_grad() ? rb(negative(mul(g, bin(B::floor_divide, a, b)))) : Tensor()};
    case B::arctan2: {
      Tensor denom = add(mul(a, a), mul(b, b));
      return {ra(mul(g, divide(b, denom))), rb(negative(mul(g, divide(a, denom))))};
    }
    default: return Op::vjp(in, out, ct);
  }
}

namespace {
// A Python int that the other operand's integer dtype cannot hold raises (as JAX does) instead
// of wrapping silently.
void check_weak_int_fits(const Tensor& t, DType target, BinaryKind k) {
  if (!t.weak() || t.dtype() != DType::int64 || !is_integer(target) || target == DType::int64 ||
      t.device().kind != DeviceKind::cpu || t.ndim() != 0)
    return;
  int64_t v = *t.data<int64_t>();
  if (v < int_min(target) || v > int_max(target))
    throw std::overflow_error(error_message("[", binary_name(k), "] Python integer ", v,
                                            " out of bounds for ", dtype_name(target)));
}
}  // namespace

Tensor binary(BinaryKind k, const Tensor& a_in, const Tensor& b_in) {
  using B = BinaryKind;
  Tensor a = scalar_to_device(a_in, b_in.device()), b = scalar_to_device(b_in, a_in.device());
  DType common = result_dtype(a.dtype(), a.weak(), b.dtype(), b.weak());
  if ((k == B::divide || k == B::arctan2) && !is_floating(common)) common = DType::float32;
  if (k >= B::logical_and && k <= B::logical_xor) common = DType::bool_;
  if (k >= B::bitwise_and)
    KL_CHECK(!is_floating(common), "[", binary_name(k), "] expected integer or bool tensors, received ",
             dtype_name(a.dtype()), " and ", dtype_name(b.dtype()));
  if (common == DType::bool_ && (k == B::subtract || k == B::divide || k == B::power ||
                                 k == B::floor_divide || k == B::mod))
    common = k == B::divide ? DType::float32 : DType::int32;
  check_weak_int_fits(a, common, k);
  check_weak_int_fits(b, common, k);
  Tensor x = a.dtype() == common ? a : cast(a, common);
  Tensor y = b.dtype() == common ? b : cast(b, common);
  Tensor r = call1<BinaryOp>({x, y}, k);
  if (a.weak() && b.weak()) r.impl()->weak = true;
  return r;
}

Tensor add(const Tensor& a, const Tensor& b) { return binary(BinaryKind::add, a, b); }
Tensor subtract(const Tensor& a, const Tensor& b) { return binary(BinaryKind::subtract, a, b); }
Tensor multiply(const Tensor& a, const Tensor& b) { return binary(BinaryKind::multiply, a, b); }
Tensor divide(const Tensor& a, const Tensor& b) { return binary(BinaryKind::divide, a, b); }

// ---- where / cast / copy --------------------------------------------------------------------

std::vector<TensorSpec> WhereOp::infer(const Tensors& in) const {
  KL_CHECK(in[0].dtype() == DType::bool_, "[where] condition must be bool, received ",
           dtype_name(in[0].dtype()));
  Shape shape = broadcast_shapes(broadcast_shapes(in[0].shape(), in[1].shape(), "where"),
                                 in[2].shape(), "where");
  return {{shape, in[1].dtype()}};
}

Tensors WhereOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor &c = in[0], &g = ct[0];
  Tensor zero = zeros_like(g);
  Tensor gx = in[1].requires_grad() ? sum_to_shape(where(c, g, zero), in[1].shape()) : Tensor();
  Tensor gy = in[2].requires_grad() ? sum_to_shape(where(c, zero, g), in[2].shape()) : Tensor();
  return {Tensor(), gx, gy};
}

Tensor where(const Tensor& cond_in, const Tensor& x_in, const Tensor& y_in) {
  const Device& dev = x_in.weak() ? (y_in.weak() ? cond_in.device() : y_in.device()) : x_in.device();
  Tensor cond = scalar_to_device(cond_in, dev), x = scalar_to_device(x_in, dev),
         y = scalar_to_device(y_in, dev);
  DType common = result_dtype(x.dtype(), x.weak(), y.dtype(), y.weak());
  Tensor c = cond.dtype() == DType::bool_ ? cond : cast(cond, DType::bool_);
  Tensor a = x.dtype() == common ? x : cast(x, common);
  Tensor b = y.dtype() == common ? y : cast(y, common);
  return call1<WhereOp>({c, a, b});
}

std::vector<TensorSpec> CastOp::infer(const Tensors& in) const { return {{in[0].shape(), to_}}; }

Tensors CastOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  if (!is_floating(in[0].dtype())) return {Tensor()};
  return {cast(ct[0], in[0].dtype())};
}

Tensor cast(const Tensor& x, DType dtype) {
  if (x.dtype() == dtype && !x.weak()) return x;
  return call1<CastOp>({x}, dtype);
}

std::vector<TensorSpec> CopyOp::infer(const Tensors& in) const { return {{in[0].shape(), in[0].dtype()}}; }
Tensors CopyOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const { return {ct[0]}; }

Tensor copy(const Tensor& x) { return call1<CopyOp>({x}); }
Tensor contiguous(const Tensor& x) { return x.is_contiguous() ? x : copy(x); }

}  // namespace kl
