#include <cmath>
#include <limits>

namespace kl::cpu {

// Inverse error function: Giles' single-precision approximation refined by two Newton steps
// on erf, which brings it to double precision.
double erfinv(double x) {
  if (x <= -1.0) return x == -1.0 ? -std::numeric_limits<double>::infinity() : std::nan("");
  if (x >= 1.0) return x == 1.0 ? std::numeric_limits<double>::infinity() : std::nan("");
  if (std::isnan(x)) return x;
  double w = -std::log((1.0 - x) * (1.0 + x)), p;
  if (w < 5.0) {
    w -= 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w;
    p = -3.5233877e-06 + p * w;
    p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
  } else {
    w = std::sqrt(w) - 3.0;
    p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
  }
  double y = p * x;
  const double two_over_sqrt_pi = 1.1283791670955126;
  for (int i = 0; i < 2; ++i) {
    double err = std::erf(y) - x;
    y -= err / (two_over_sqrt_pi * std::exp(-y * y));
  }
  return y;
}

// Digamma via the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 6, then the asymptotic
// series; reflection for negative arguments.
double digamma(double x) {
  if (std::isnan(x)) return x;
  if (x <= 0.0 && std::floor(x) == x) return std::nan("");
  if (x < 0.0) return digamma(1.0 - x) - M_PI / std::tan(M_PI * x);
  double result = 0.0;
  while (x < 6.0) {
    result -= 1.0 / x;
    x += 1.0;
  }
  double f = 1.0 / (x * x);
  double series = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132)))));
  return result + std::log(x) - 0.5 / x + series;
}

}  // namespace kl::cpu
