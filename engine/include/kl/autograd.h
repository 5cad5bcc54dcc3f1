#pragma once
#include <memory>
#include <vector>

#include "kl/op.h"

namespace kl {

struct Node {
  OpPtr op;
  Tensors inputs;
  std::vector<std::weak_ptr<TensorImpl>> outputs;
  Tensors saved_outputs;  // detached, only when op->needs_outputs()
};

// Recording is on while at least one tape is active on this thread and no NoGradGuard is.
bool is_recording();
void push_recording();  // a tape starts recording
void pop_recording();

// For bindings: enter returns a token that exit restores.
int enter_no_grad();
void exit_no_grad(int token);

class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  int saved_;
};

// Reverse-mode gradients of `outputs` w.r.t. `wrt`, seeded with `cotangents` (ones where
// undefined). Returns an undefined Tensor for each source the outputs do not depend on.
// The backward pass itself records when a tape is active, so nested tapes differentiate it.
Tensors grad(const Tensors& outputs, const Tensors& wrt, const Tensors& cotangents);

// Sums a broadcast gradient back to `shape`.
Tensor sum_to_shape(const Tensor& g, const Shape& shape);

}  // namespace kl
