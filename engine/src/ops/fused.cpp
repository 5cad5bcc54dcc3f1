#include "kl/error.h"
#include "kl/fused.h"

namespace kl {

std::vector<TensorSpec> FusedElementwiseOp::infer(const Tensors& in) const {
  KL_CHECK(in.size() == scalar_inputs_.size(), "[fused_elementwise] expected ",
           scalar_inputs_.size(), " inputs, received ", in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    bool ok = in[i].dtype() == dtype_ &&
              (scalar_inputs_[i] ? in[i].size() == 1 : in[i].shape() == shape_);
    KL_CHECK(ok, "[fused_elementwise] input ", i, " is ", dtype_name(in[i].dtype()), " ",
             shape_str(in[i].shape()), "; the fused program was built for ",
             dtype_name(dtype_), " ", scalar_inputs_[i] ? "()" : shape_str(shape_));
  }
  return std::vector<TensorSpec>(outputs_.size(), TensorSpec{shape_, dtype_});
}

}  // namespace kl
