// Optimizer update loops over a range of elements, compiled once per instruction set (see
// engine/CMakeLists.txt) so the element loop vectorises; chosen at run time with the other
// vector loops. Formulas as in Keras 3's optimizers; scalars documented in ops/optim.cpp.
#include <algorithm>
#include <cmath>

#include "cpu/simd/vector_loops.h"
#include "kl/optim.h"

namespace kl::cpu::KL_ISA {
namespace {

template <class T>
void update_range(OptimizerKind kind, T* __restrict var, const T* __restrict grad,
                  T* const* slots_in, size_t num_slots, const double* s, int64_t begin,
                  int64_t end) {
  using C = compute_t<T>;
  auto sc = [&](size_t i) { return C(s[i]); };
  auto slot = [&](size_t i) { return slots_in[i]; };
  auto for_each_element = [&](auto f) {
    for (int64_t i = begin; i < end; ++i) f(i);
  };
  switch (kind) {
    case OptimizerKind::sgd: {
      C lr = sc(0), momentum = sc(1), decay = C(s[0] * s[3]);
      bool nesterov = s[2] != 0.0;
      T* __restrict m = num_slots ? slot(0) : nullptr;
      for_each_element([&](int64_t i) {
        C v = C(var[i]) - decay * C(var[i]), g = C(grad[i]);
        if (m) {
          C mi = momentum * C(m[i]) - lr * g;
          m[i] = T(mi);
          v += nesterov ? momentum * mi - lr * g : mi;
        } else {
          v -= lr * g;
        }
        var[i] = T(v);
      });
      break;
    }
    case OptimizerKind::adam: {
      C alpha = sc(0), b1 = sc(1), b2 = sc(2), eps = sc(3), decay = C(s[6] * s[5]);
      bool amsgrad = s[4] != 0.0;
      T* __restrict m = slot(0);
      T* __restrict v = slot(1);
      T* __restrict vhat = amsgrad ? slot(2) : nullptr;
      for_each_element([&](int64_t i) {
        C g = C(grad[i]);
        C mi = C(m[i]) + (g - C(m[i])) * (C(1) - b1);
        C vi = C(v[i]) + (g * g - C(v[i])) * (C(1) - b2);
        m[i] = T(mi);
        v[i] = T(vi);
        if (vhat) {
          vi = std::max(C(vhat[i]), vi);
          vhat[i] = T(vi);
        }
        C x = C(var[i]) - decay * C(var[i]);
        var[i] = T(x - alpha * mi / (std::sqrt(vi) + eps));
      });
      break;
    }
    case OptimizerKind::rmsprop: {
      C lr = sc(0), rho = sc(1), momentum = sc(2), eps = sc(3), decay = C(s[0] * s[5]);
      bool centered = s[4] != 0.0;
      T* __restrict velocity = slot(0);
      T* __restrict mom = momentum > C(0) ? slot(1) : nullptr;
      T* __restrict avg = centered ? slot(momentum > C(0) ? 2 : 1) : nullptr;
      for_each_element([&](int64_t i) {
        C g = C(grad[i]);
        C vel = rho * C(velocity[i]) + (C(1) - rho) * g * g;
        velocity[i] = T(vel);
        C denom = vel + eps;
        if (avg) {
          C a = rho * C(avg[i]) + (C(1) - rho) * g;
          avg[i] = T(a);
          denom = vel - a * a + eps;
        }
        C inc = lr * g / std::sqrt(denom);
        C x = C(var[i]) - decay * C(var[i]);
        if (mom) {
          C mi = momentum * C(mom[i]) + inc;
          mom[i] = T(mi);
          x -= mi;
        } else {
          x -= inc;
        }
        var[i] = T(x);
      });
      break;
    }
    case OptimizerKind::adagrad: {
      C lr = sc(0), eps = sc(1), decay = C(s[0] * s[2]);
      T* __restrict acc = slot(0);
      for_each_element([&](int64_t i) {
        C g = C(grad[i]);
        C a = C(acc[i]) + g * g;
        acc[i] = T(a);
        C x = C(var[i]) - decay * C(var[i]);
        var[i] = T(x - lr * g / std::sqrt(a + eps));
      });
      break;
    }
    case OptimizerKind::adamax: {
      C lr_t = sc(0), b1 = sc(1), b2 = sc(2), eps = sc(3), decay = C(s[5] * s[4]);
      T* __restrict m = slot(0);
      T* __restrict u = slot(1);
      for_each_element([&](int64_t i) {
        C g = C(grad[i]);
        C mi = C(m[i]) + (g - C(m[i])) * (C(1) - b1);
        C ui = std::max(b2 * C(u[i]), std::abs(g));
        m[i] = T(mi);
        u[i] = T(ui);
        C x = C(var[i]) - decay * C(var[i]);
        var[i] = T(x - lr_t * mi / (ui + eps));
      });
      break;
    }
    case OptimizerKind::lion: {
      C lr = sc(0), b1 = sc(1), b2 = sc(2), decay = C(s[0] * s[3]);
      T* __restrict m = slot(0);
      for_each_element([&](int64_t i) {
        C g = C(grad[i]), mi = C(m[i]);
        C c = b1 * mi + (C(1) - b1) * g;
        C sign = C((C(0) < c) - (c < C(0)));
        C x = C(var[i]) - decay * C(var[i]);
        var[i] = T(x - lr * sign);
        m[i] = T(b2 * mi + (C(1) - b2) * g);
      });
      break;
    }
    case OptimizerKind::nadam: {
      C lr = sc(0), b1 = sc(1), b2 = sc(2), eps = sc(3), u_t = sc(4), u_t1 = sc(5);
      C u_prod = sc(6), u_prod_t1 = sc(7), b2_pow = sc(8), decay = C(s[0] * s[9]);
      T* __restrict m = slot(0);
      T* __restrict v = slot(1);
      for_each_element([&](int64_t i) {
        C g = C(grad[i]);
        C mi = C(m[i]) + (g - C(m[i])) * (C(1) - b1);
        C vi = C(v[i]) + (g * g - C(v[i])) * (C(1) - b2);
        m[i] = T(mi);
        v[i] = T(vi);
        C m_hat = u_t1 * mi / (C(1) - u_prod_t1) + (C(1) - u_t) * g / (C(1) - u_prod);
        C v_hat = vi / (C(1) - b2_pow);
        C x = C(var[i]) - decay * C(var[i]);
        var[i] = T(x - lr * m_hat / (std::sqrt(v_hat) + eps));
      });
      break;
    }
    case OptimizerKind::adadelta: {
      C lr = sc(0), rho = sc(1), eps = sc(2), decay = C(s[0] * s[3]);
      T* __restrict acc_g = slot(0);
      T* __restrict acc_d = slot(1);
      for_each_element([&](int64_t i) {
        C g = C(grad[i]);
        C ag = rho * C(acc_g[i]) + (C(1) - rho) * g * g;
        C delta = -std::sqrt(C(acc_d[i]) + eps) / std::sqrt(ag + eps) * g;
        acc_g[i] = T(ag);
        acc_d[i] = T(rho * C(acc_d[i]) + (C(1) - rho) * delta * delta);
        C x = C(var[i]) - decay * C(var[i]);
        var[i] = T(x + lr * delta);
      });
      break;
    }
    default:
      throw std::invalid_argument("[optimizer_update] unknown optimizer kind");
  }
}

}  // namespace

#if defined(KL_ISA_IS_BASELINE)
template <class T>
void update_range_generic(OptimizerKind kind, T* var, const T* grad, T* const* slots,
                          size_t num_slots, const double* s, int64_t begin, int64_t end) {
  update_range<T>(kind, var, grad, slots, num_slots, s, begin, end);
}
template void update_range_generic<float16>(OptimizerKind, float16*, const float16*, float16* const*,
                                            size_t, const double*, int64_t, int64_t);
template void update_range_generic<bfloat16>(OptimizerKind, bfloat16*, const bfloat16*,
                                             bfloat16* const*, size_t, const double*, int64_t,
                                             int64_t);
#endif

void fill_optimizer_loops(VectorLoops& loops) {
  loops.f32.optimizer = update_range<float>;
  loops.f64.optimizer = update_range<double>;
}

}  // namespace kl::cpu::KL_ISA
