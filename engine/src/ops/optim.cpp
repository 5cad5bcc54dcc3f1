// Validation and dispatch of the fused optimizer updates.
//
// scalars per kind (lr is the step's learning rate, wd its decoupled weight decay):
//   sgd:      lr, momentum, nesterov(0/1), wd                 slots: [momentum] when momentum > 0
//   adam:     lr_t, beta1, beta2, epsilon, amsgrad(0/1), wd, lr    slots: m, v [, v_hat]
//             lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
//   rmsprop:  lr, rho, momentum, epsilon, centered(0/1), wd   slots: velocity [, momentum][, avg]
//   adagrad:  lr, epsilon, wd                                 slots: accumulator
//   adamax:   lr_t = lr / (1 - beta1^t), beta1, beta2, epsilon, wd, lr    slots: m, u
//   lion:     lr, beta1, beta2, wd                            slots: m
//   nadam:    lr, beta1, beta2, epsilon, u_t, u_t1, u_prod, u_prod_t1, beta2_pow, wd   slots: m, v
//   adadelta: lr, rho, epsilon, wd                            slots: accumulated grad, delta
#include "kl/optim.h"

#include "kl/enum_names.h"

#include "kl/ops.h"

namespace kl {

const char* OptimizerUpdateOp::name() const { return kOptimizerKindNames[int(k_)]; }

int optimizer_scalar_count(OptimizerKind kind) {
  static const int counts[] = {4, 7, 6, 3, 6, 4, 10, 4};
  return counts[int(kind)];
}

void optimizer_update(OptimizerKind kind, const Tensor& variable, const Tensor& gradient,
                      const Tensors& slots, const Tensor& scalars) {
  auto op = std::make_shared<const OptimizerUpdateOp>(kind);
  auto check = [&](const Tensor& t, const char* what, bool contiguous = true) {
    KL_CHECK(t.shape() == variable.shape(), "[", op->name(), "] ", what, " has shape ",
             shape_str(t.shape()), " but the variable has shape ", shape_str(variable.shape()));
    KL_CHECK(!contiguous || t.is_contiguous(), "[", op->name(), "] ", what,
             " must be contiguous");
  };
  KL_CHECK(is_floating(variable.dtype()), "[", op->name(), "] expected a floating variable, received ",
           dtype_name(variable.dtype()));
  check(variable, "the variable");
  check(gradient, "the gradient", false);
  for (const auto& s : slots) {
    check(s, "an optimizer slot");
    KL_CHECK(s.dtype() == variable.dtype(), "[", op->name(), "] slot dtype ", dtype_name(s.dtype()),
             " differs from the variable's ", dtype_name(variable.dtype()));
  }
  int expected = optimizer_scalar_count(kind);
  KL_CHECK(scalars.ndim() == 1 && scalars.dim(0) == expected, "[", op->name(), "] expected ",
           expected, " scalars, received a tensor of shape ", shape_str(scalars.shape()));
  Tensor s = scalars.dtype() == DType::float64 ? scalars : cast(scalars, DType::float64);
  Tensor g = gradient.dtype() == variable.dtype() ? gradient : cast(gradient, variable.dtype());
  Tensors targets{variable};
  targets.insert(targets.end(), slots.begin(), slots.end());
  dispatch_inplace(op, {g, s.is_contiguous() ? s : copy(s)}, targets);
}

}  // namespace kl
