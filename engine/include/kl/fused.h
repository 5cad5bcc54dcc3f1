#pragma once
// Element-wise chains fused by graph mode: one pass over the data, tile by tile, through the
// same SIMD loops the separate unary/binary kernels use, so the results are the same bits.
#include <vector>

#include "kl/op.h"
#include "kl/primitives.h"

namespace kl {

// One step of a fused program. Operands: refs below the op's input count name an input;
// ref = inputs + j names the result of step j.
struct FusedStep {
  bool unary = false;
  UnaryKind unary_kind = UnaryKind::negative;
  BinaryKind binary_kind = BinaryKind::add;
  int a = 0;
  int b = 0;
};

class FusedElementwiseOp : public Op {
 public:
  // Every input is either of `shape` or a single element (read as a scalar); `outputs` lists
  // the steps whose results leave the op, in output order.
  FusedElementwiseOp(Shape shape, DType dtype, std::vector<bool> scalar_inputs,
                     std::vector<FusedStep> steps, std::vector<int> outputs)
      : shape_(std::move(shape)), dtype_(dtype), scalar_inputs_(std::move(scalar_inputs)),
        steps_(std::move(steps)), outputs_(std::move(outputs)) {}
  OpKind kind() const override { return OpKind::fused_elementwise; }
  const char* name() const override { return "fused_elementwise"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool differentiable() const override { return false; }  // exists only in replayed graphs
  bool needs_contiguous(size_t i, const Tensor& t) const override {
    return !scalar_inputs_[i] && !t.is_contiguous();
  }
  const Shape& shape() const { return shape_; }
  DType dtype() const { return dtype_; }
  const std::vector<bool>& scalar_inputs() const { return scalar_inputs_; }
  const std::vector<FusedStep>& steps() const { return steps_; }
  const std::vector<int>& outputs() const { return outputs_; }

 private:
  Shape shape_;
  DType dtype_;
  std::vector<bool> scalar_inputs_;
  std::vector<FusedStep> steps_;
  std::vector<int> outputs_;
};

}  // namespace kl
