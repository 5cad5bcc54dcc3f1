#pragma once
// Per-element definitions of the unary and binary ops for every dtype. The contiguous float
// fast paths live in simd/; these agree with them bit for bit (same vmath for float32).
#include <cmath>
#include <limits>
#include <type_traits>

#include "cpu/simd/vmath.h"
#include "kl/primitives.h"

namespace kl::cpu {

template <class C> C m_exp(C x) { return std::exp(x); }
template <> inline float m_exp(float x) { return vmath::exp(x); }
template <class C> C m_log(C x) { return std::log(x); }
template <> inline float m_log(float x) { return vmath::log(x); }
template <class C> C m_log1p(C x) { return std::log1p(x); }
template <> inline float m_log1p(float x) { return vmath::log1p(x); }
template <class C> C m_expm1(C x) { return std::expm1(x); }
template <> inline float m_expm1(float x) { return vmath::expm1(x); }
template <class C> C m_tanh(C x) { return std::tanh(x); }
template <> inline float m_tanh(float x) { return vmath::tanh(x); }

double erfinv(double x);
double digamma(double x);

// Float-valued unary ops; C is float or double.
template <class C>
C unary_float(UnaryKind k, C v) {
  using U = UnaryKind;
  switch (k) {
    case U::exp: return m_exp(v);
    case U::expm1: return m_expm1(v);
    case U::log: return m_log(v);
    case U::log1p: return m_log1p(v);
    case U::sqrt: return std::sqrt(v);
    case U::rsqrt: return C(1) / std::sqrt(v);
    case U::reciprocal: return C(1) / v;
    case U::sin: return std::sin(v);
    case U::cos: return std::cos(v);
    case U::tan: return std::tan(v);
    case U::arcsin: return std::asin(v);
    case U::arccos: return std::acos(v);
    case U::arctan: return std::atan(v);
    case U::sinh: return std::sinh(v);
    case U::cosh: return std::cosh(v);
    case U::tanh: return m_tanh(v);
    case U::arcsinh: return std::asinh(v);
    case U::arccosh: return std::acosh(v);
    case U::arctanh: return std::atanh(v);
    case U::erf: return std::erf(v);
    case U::erfinv: return C(erfinv(double(v)));
    case U::floor: return std::floor(v);
    case U::ceil: return std::ceil(v);
    case U::round: return std::nearbyint(v);  // half to even, like NumPy
    case U::sigmoid: return C(1) / (C(1) + m_exp(-v));
    case U::softplus: {
      C av = v < C(0) ? -v : v;
      return (v > C(0) ? v : C(0)) + m_log1p(m_exp(-av));
    }
    case U::lgamma: return std::lgamma(v);
    case U::digamma: return C(digamma(double(v)));
    default: return v;
  }
}

// Unary ops valid for every numeric dtype.
template <class C>
C unary_any(UnaryKind k, C v) {
  using U = UnaryKind;
  switch (k) {
    case U::negative: return C(-v);
    case U::abs: return v < C(0) ? C(-v) : v;
    case U::sign:
      if constexpr (std::is_floating_point_v<C>)
        if (v != v) return v;  // NumPy: sign(nan) is nan
      return C((C(0) < v) - (v < C(0)));
    case U::square: return C(v * v);
    case U::relu: return v > C(0) ? v : C(0);
    default: return v;
  }
}

template <class C>
bool unary_predicate(UnaryKind k, C v) {
  using U = UnaryKind;
  if constexpr (std::is_floating_point_v<C>) {
    switch (k) {
      case U::isnan: return std::isnan(v);
      case U::isinf: return std::isinf(v);
      case U::isfinite: return std::isfinite(v);
      default: break;
    }
  } else {
    if (k == U::isnan || k == U::isinf) return false;
    if (k == U::isfinite) return true;
  }
  return !v;  // logical_not
}

// -a with two's-complement wrap-around (defined for the most negative value, unlike -a).
template <class C>
C wrapping_negate(C a) {
  using U = std::make_unsigned_t<C>;
  return C(U(0) - U(a));
}

template <class C>
C floor_mod(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    C r = std::fmod(a, b);
    return (r != C(0) && ((r < C(0)) != (b < C(0)))) ? r + b : r;
  } else {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<C>)
      if (b == C(-1)) return 0;  // a % -1 traps on the most negative a; NumPy gives 0
    C r = C(a % b);
    return (r != 0 && ((r < 0) != (b < 0))) ? C(r + b) : r;
  }
}

template <class C>
C floor_div(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    return std::floor(a / b);
  } else {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<C>)
      if (b == C(-1)) return wrapping_negate(a);  // the most negative a / -1 traps; NumPy wraps
    C q = C(a / b);
    return ((a % b != 0) && ((a < 0) != (b < 0))) ? C(q - 1) : q;
  }
}

template <class C>
C int_power(C base, C exp) {
  if (exp < 0) return base == 1 ? 1 : (base == C(-1) ? (exp % 2 ? C(-1) : C(1)) : 0);
  C result = 1;
  while (exp) {
    if (exp & 1) result = C(result * base);
    base = C(base * base);
    exp >>= 1;
  }
  return result;
}

template <class C>
C binary_arith(BinaryKind k, C a, C b) {
  using B = BinaryKind;
  switch (k) {
    case B::add: return C(a + b);
    case B::subtract: return C(a - b);
    case B::multiply: return C(a * b);
    case B::divide:
      if constexpr (std::is_floating_point_v<C>) return a / b;
      else if constexpr (std::is_signed_v<C>)
        return b == 0 ? C(0) : b == C(-1) ? wrapping_negate(a) : C(a / b);
      else return b == 0 ? C(0) : C(a / b);
    case B::power:
      if constexpr (std::is_floating_point_v<C>) return std::pow(a, b);
      else if constexpr (std::is_same_v<C, bool>) return a || !b;
      else return int_power(a, b);
    case B::maximum:
      if constexpr (std::is_floating_point_v<C>) return (a > b || a != a) ? a : b;
      else return a > b ? a : b;
    case B::minimum:
      if constexpr (std::is_floating_point_v<C>) return (a < b || a != a) ? a : b;
      else return a < b ? a : b;
    case B::floor_divide:
      if constexpr (std::is_same_v<C, bool>) return a;
      else return floor_div(a, b);
    case B::mod:
      if constexpr (std::is_same_v<C, bool>) return false;
      else return floor_mod(a, b);
    case B::arctan2:
      if constexpr (std::is_floating_point_v<C>) return std::atan2(a, b);
      else return 0;
    case B::bitwise_and:
      if constexpr (std::is_integral_v<C>) return C(a & b);
      else return 0;
    case B::bitwise_or:
      if constexpr (std::is_integral_v<C>) return C(a | b);
      else return 0;
    case B::bitwise_xor:
      if constexpr (std::is_integral_v<C>) return C(a ^ b);
      else return 0;
    case B::left_shift:
      if constexpr (std::is_integral_v<C> && !std::is_same_v<C, bool>)
        return b < 0 || b >= C(sizeof(C) * 8) ? C(0) : C(a << b);
      else return 0;
    case B::right_shift:
      if constexpr (std::is_integral_v<C> && !std::is_same_v<C, bool>)
        return b < 0 || b >= C(sizeof(C) * 8) ? C(a < 0 ? -1 : 0) : C(a >> b);
      else return 0;
    default: return a;
  }
}

template <class C>
bool binary_compare(BinaryKind k, C a, C b) {
  using B = BinaryKind;
  switch (k) {
    case B::equal: return a == b;
    case B::not_equal: return a != b;
    case B::less: return a < b;
    case B::less_equal: return a <= b;
    case B::greater: return a > b;
    case B::greater_equal: return a >= b;
    case B::logical_and: return bool(a) && bool(b);
    case B::logical_or: return bool(a) || bool(b);
    case B::logical_xor: return bool(a) != bool(b);
    default: return false;
  }
}

}  // namespace kl::cpu
