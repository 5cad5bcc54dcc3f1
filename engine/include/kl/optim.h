#pragma once
// Fused, in-place optimizer updates: one engine call per variable and step.
#include <vector>

#include "kl/op.h"

namespace kl {

enum class OptimizerKind : uint8_t {
  sgd, adam, rmsprop, adagrad, adamax, lion, nadam, adadelta, count_
};

// An in-place op: inputs (gradient, scalars), targets (variable, slots...). The step's
// hyperparameters arrive as a float64 tensor, not as op attributes, so a recorded step replays
// with each step's learning rate; their meaning depends on the kind (see optim.cpp).
class OptimizerUpdateOp : public Op {
 public:
  explicit OptimizerUpdateOp(OptimizerKind k) : k_(k) {}
  OpKind kind() const override { return OpKind::optimizer_update; }
  const char* name() const override;
  std::vector<TensorSpec> infer(const Tensors& in) const override { return {}; }
  bool differentiable() const override { return false; }
  // A strided gradient (the gradient of a view, e.g. a grouped conv kernel) is staged as a
  // contiguous copy by the dispatcher; the targets are the optimizer's own contiguous buffers.
  bool needs_contiguous(size_t, const Tensor& t) const override { return !t.is_contiguous(); }
  OptimizerKind optimizer_kind() const { return k_; }

 private:
  OptimizerKind k_;
};

// Updates `variable` and its `slots` in place from `gradient`. All must share shape and dtype;
// the variable and slots must be contiguous and writable; `scalars` is a 1-D float64 tensor.
void optimizer_update(OptimizerKind kind, const Tensor& variable, const Tensor& gradient,
                      const Tensors& slots, const Tensor& scalars);
// The number of scalars each kind reads.
int optimizer_scalar_count(OptimizerKind kind);

}  // namespace kl
