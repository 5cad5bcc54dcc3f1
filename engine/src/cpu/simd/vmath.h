#pragma once
// Branch-free float32 math that GCC auto-vectorises (no libm calls, selects instead of
// branches). Coefficients from Cephes (S. Moshier); accuracy within 2 ulp on normal inputs.
#include <cstdint>
#include <cstring>
#include <limits>

namespace kl::vmath {

inline float as_float(int32_t i) {
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}
inline int32_t as_int(float f) {
  int32_t i;
  std::memcpy(&i, &f, 4);
  return i;
}

inline float exp(float x) {
  const float hi = 88.7228391f, lo = -103.972084f;
  float xc = x > hi ? hi : (x < lo ? lo : x);
  float n = __builtin_roundf(xc * 1.44269504088896341f);
  float r = xc - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float p = 1.9875691500E-4f;
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  float y = p * r * r + r + 1.0f;
  // Scale by 2^n in two steps so n = 128 and deep underflow stay representable.
  int32_t ni = int32_t(n);
  int32_t n1 = ni >> 1, n2 = ni - n1;
  y = y * as_float((n1 + 127) << 23) * as_float((n2 + 127) << 23);
  y = x > hi ? std::numeric_limits<float>::infinity() : y;
  return x != x ? x : y;
}

inline float log(float x) {
  int32_t bits = as_int(x);
  int32_t e = ((bits >> 23) & 0xff) - 126;
  float m = as_float((bits & 0x007fffff) | 0x3f000000);  // [0.5, 1)
  bool small = m < 0.707106781186547524f;
  e = small ? e - 1 : e;
  m = small ? m + m - 1.0f : m - 1.0f;
  float z = m * m;
  float y = 7.0376836292E-2f;
  y = y * m - 1.1514610310E-1f;
  y = y * m + 1.1676998740E-1f;
  y = y * m - 1.2420140846E-1f;
  y = y * m + 1.4249322787E-1f;
  y = y * m - 1.6668057665E-1f;
  y = y * m + 2.0000714765E-1f;
  y = y * m - 2.4999993993E-1f;
  y = y * m + 3.3333331174E-1f;
  y = y * m * z;
  float fe = float(e);
  y += -2.12194440e-4f * fe;
  y += -0.5f * z;
  float r = m + y + 0.693359375f * fe;
  const float inf = std::numeric_limits<float>::infinity();
  r = x == 0.0f ? -inf : r;
  r = x < 0.0f ? std::numeric_limits<float>::quiet_NaN() : r;
  r = x == inf ? inf : r;
  return x != x ? x : r;
}

// log(1 + u) without cancellation: log(w) * u / (w - 1) with w = 1 + u (Goldberg).
inline float log1p(float u) {
  float w = 1.0f + u;
  float d = w - 1.0f;
  float r = vmath::log(w) * (u / (d == 0.0f ? 1.0f : d));
  r = d == 0.0f ? u : r;
  return w == std::numeric_limits<float>::infinity() ? w : r;
}

// exp(x) - 1 without cancellation near 0 (Kahan).
inline float expm1(float x) {
  float u = vmath::exp(x);
  float um1 = u - 1.0f;
  float lu = vmath::log(u);
  float r = um1 * (x / (lu == 0.0f ? 1.0f : lu));
  r = u == 1.0f ? x : r;
  r = um1 == -1.0f ? -1.0f : r;
  return u == std::numeric_limits<float>::infinity() ? u : r;
}

inline float tanh(float x) {
  float ax = x < 0.0f ? -x : x;
  float z = x * x;
  float p = -5.70498872745E-3f;
  p = p * z + 2.06390887954E-2f;
  p = p * z - 5.37397155531E-2f;
  p = p * z + 1.33314422036E-1f;
  p = p * z - 3.33332819422E-1f;
  float small = p * z * x + x;
  float big = 1.0f - 2.0f / (vmath::exp(ax + ax) + 1.0f);
  big = x < 0.0f ? -big : big;
  return ax < 0.625f ? small : big;
}

inline float sigmoid(float x) { return 1.0f / (1.0f + vmath::exp(-x)); }

inline float softplus(float x) {
  float ax = x < 0.0f ? -x : x;
  float pos = x > 0.0f ? x : 0.0f;
  return pos + vmath::log1p(vmath::exp(-ax));
}

}  // namespace kl::vmath
