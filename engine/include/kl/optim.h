#pragma once
// Fused, in-place optimizer updates: one engine call per variable and step.
#include <vector>

#include "kl/op.h"

namespace kl {

enum class OptimizerKind : uint8_t {
  sgd, adam, rmsprop, adagrad, adamax, lion, nadam, adadelta, count_
};

// Parameters are read by the kernel; `scalars` meaning depends on the kind (see optim.cpp).
class OptimizerUpdateOp : public Op {
 public:
  OptimizerUpdateOp(OptimizerKind k, std::vector<double> scalars) : k_(k), scalars_(std::move(scalars)) {}
  OpKind kind() const override { return OpKind::optimizer_update; }
  const char* name() const override;
  std::vector<TensorSpec> infer(const Tensors& in) const override { return {}; }
  bool differentiable() const override { return false; }
  OptimizerKind optimizer_kind() const { return k_; }
  const std::vector<double>& scalars() const { return scalars_; }

 private:
  OptimizerKind k_;
  std::vector<double> scalars_;
};

// Updates `variable` and its `slots` in place from `gradient`. All must share shape and dtype,
// be contiguous and writable.
void optimizer_update(OptimizerKind kind, const Tensor& variable, const Tensor& gradient,
                      const Tensors& slots, const std::vector<double>& scalars);

}  // namespace kl
