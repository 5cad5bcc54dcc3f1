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
  // Every input is of `shape`, a single element (read as a scalar), or a suffix of `shape`
  // (leading ones allowed: a bias row, a per-channel scale) repeated along the leading axes;
  // `outputs` lists the steps whose results leave the op, in output order.
  FusedElementwiseOp(Shape shape, DType dtype, std::vector<Shape> input_shapes,
                     std::vector<FusedStep> steps, std::vector<int> outputs);
  OpKind kind() const override { return OpKind::fused_elementwise; }
  const char* name() const override { return "fused_elementwise"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  bool differentiable() const override { return false; }  // exists only in replayed graphs
  bool needs_contiguous(size_t i, const Tensor& t) const override {
    return periods_[i] != 1 && !t.is_contiguous();
  }
  const Shape& shape() const { return shape_; }
  DType dtype() const { return dtype_; }
  // Elements after which input i repeats: 1 for a scalar, numel(shape) for a full operand.
  int64_t period(size_t i) const { return periods_[i]; }
  const std::vector<FusedStep>& steps() const { return steps_; }
  const std::vector<int>& outputs() const { return outputs_; }

 private:
  Shape shape_;
  DType dtype_;
  std::vector<Shape> input_shapes_;
  std::vector<int64_t> periods_;
  std::vector<FusedStep> steps_;
  std::vector<int> outputs_;
};

// Whether `operand` can join a fused program over `shape`: all of it, one element, or a
// suffix of it (leading ones allowed).
bool fusable_operand_shape(const Shape& operand, const Shape& shape);

}  // namespace kl
