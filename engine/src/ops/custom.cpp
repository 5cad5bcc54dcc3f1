// custom_vjp: user-defined gradients for precomputed outputs.
#include "kl/ops.h"

namespace kl {

std::vector<TensorSpec> CustomVjpOp::infer(const Tensors& in) const {
  std::vector<TensorSpec> specs;
  for (size_t i = num_primals_; i < in.size(); ++i) specs.push_back({in[i].shape(), in[i].dtype()});
  return specs;
}

Tensors CustomVjpOp::make_view(const Tensors& in) const {
  Tensors out;
  for (size_t i = num_primals_; i < in.size(); ++i) out.push_back(in[i].detach());
  return out;
}

Tensors CustomVjpOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  Tensors grads = fn_(ct);
  KL_CHECK(int(grads.size()) == num_primals_, "[custom_gradient] the gradient function returned ",
           grads.size(), " gradients for ", num_primals_, " inputs");
  for (int i = 0; i < num_primals_; ++i)
    if (grads[i].defined())
      KL_CHECK(grads[i].shape() == in[i].shape(), "[custom_gradient] gradient ", i, " has shape ",
               shape_str(grads[i].shape()), " but the input has shape ", shape_str(in[i].shape()));
  grads.resize(in.size());  // no gradient flows into the precomputed outputs
  return grads;
}

Tensors custom_vjp(const Tensors& primals, const Tensors& outputs, CustomVjpOp::VjpFn fn) {
  Tensors inputs = primals;
  inputs.insert(inputs.end(), outputs.begin(), outputs.end());
  return call<CustomVjpOp>(inputs, int(primals.size()), std::move(fn));
}

}  // namespace kl
