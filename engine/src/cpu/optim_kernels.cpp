// CPU kernels for the fused optimizer updates (formulas as in Keras 3's optimizers).
#include <cmath>

#include "cpu/kernels.h"
#include "cpu/strided.h"
#include "kl/optim.h"

namespace kl::cpu {
namespace {

template <class T, class F>
void for_each_element(int64_t n, F f) {
  parallel_range(n, kGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) f(i);
  });
}

template <class T>
void update(const OptimizerUpdateOp& op, const Tensors& in) {
  using C = compute_t<T>;
  const std::vector<double>& s = op.scalars();
  auto sc = [&](size_t i) { return C(s[i]); };
  T* var = in[0].data<T>();
  const T* grad = in[1].data<T>();
  auto slot = [&](size_t i) { return in[2 + i].data<T>(); };
  const int64_t n = in[0].size();
  const size_t num_slots = in.size() - 2;
  switch (op.optimizer_kind()) {
    case OptimizerKind::sgd: {
      C lr = sc(0), momentum = sc(1), decay = C(s[0] * s[3]);
      bool nesterov = s[2] != 0.0;
      T* m = num_slots ? slot(0) : nullptr;
      for_each_element<T>(n, [&](int64_t i) {
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
      T *m = slot(0), *v = slot(1), *vhat = amsgrad ? slot(2) : nullptr;
      for_each_element<T>(n, [&](int64_t i) {
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
      T* velocity = slot(0);
      T* mom = momentum > C(0) ? slot(1) : nullptr;
      T* avg = centered ? slot(momentum > C(0) ? 2 : 1) : nullptr;
      for_each_element<T>(n, [&](int64_t i) {
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
      T* acc = slot(0);
      for_each_element<T>(n, [&](int64_t i) {
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
      T *m = slot(0), *u = slot(1);
      for_each_element<T>(n, [&](int64_t i) {
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
      T* m = slot(0);
      for_each_element<T>(n, [&](int64_t i) {
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
      T *m = slot(0), *v = slot(1);
      for_each_element<T>(n, [&](int64_t i) {
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
      T *acc_g = slot(0), *acc_d = slot(1);
      for_each_element<T>(n, [&](int64_t i) {
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

void optimizer_update_kernel(const Op& op, const Tensors& in, Tensors&) {
  const auto& uop = static_cast<const OptimizerUpdateOp&>(op);
  visit_dtype(in[0].dtype(), op.name(), kFloats, [&](auto tag) {
    using T = typename decltype(tag)::type;
    update<T>(uop, in);
  });
}

}  // namespace

void register_optim_kernels() {
  register_kernel(OpKind::optimizer_update, DeviceKind::cpu, optimizer_update_kernel);
}

}  // namespace kl::cpu
