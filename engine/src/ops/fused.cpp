#include "kl/error.h"
#include "kl/fused.h"

#include <algorithm>

namespace kl {

bool fusable_operand_shape(const Shape& operand, const Shape& shape) {
  if (operand == shape || numel(operand) == 1) return true;
  size_t lead = 0;
  while (lead < operand.size() && operand[lead] == 1) ++lead;
  size_t rank = operand.size() - lead;
  if (rank > shape.size()) return false;
  return std::equal(operand.begin() + lead, operand.end(), shape.end() - rank);
}

FusedElementwiseOp::FusedElementwiseOp(Shape shape, DType dtype, std::vector<Shape> input_shapes,
                                       std::vector<FusedStep> steps, std::vector<int> outputs)
    : shape_(std::move(shape)), dtype_(dtype), input_shapes_(std::move(input_shapes)),
      steps_(std::move(steps)), outputs_(std::move(outputs)) {
  for (const Shape& s : input_shapes_) {
    KL_CHECK(fusable_operand_shape(s, shape_), "[fused_elementwise] internal: an input of shape ",
             shape_str(s), " cannot broadcast to ", shape_str(shape_), " as a suffix");
    periods_.push_back(s == shape_ ? numel(shape_) : numel(s));
  }
}

std::vector<TensorSpec> FusedElementwiseOp::infer(const Tensors& in) const {
  KL_CHECK(in.size() == input_shapes_.size(), "[fused_elementwise] expected ",
           input_shapes_.size(), " inputs, received ", in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    bool ok = in[i].dtype() == dtype_ && in[i].shape() == input_shapes_[i];
    KL_CHECK(ok, "[fused_elementwise] input ", i, " is ", dtype_name(in[i].dtype()), " ",
             shape_str(in[i].shape()), "; the fused program was built for ",
             dtype_name(dtype_), " ", shape_str(input_shapes_[i]));
  }
  return std::vector<TensorSpec>(outputs_.size(), TensorSpec{shape_, dtype_});
}

}  // namespace kl
