#include "kl/autograd.h"
#include "kl/error.h"
#include "kl/graph.h"

namespace kl {

Tensors Graph::run(const Tensors& arguments) const {
  KL_CHECK(arguments.size() == argument_slots.size(), "[function] expected ",
           argument_slots.size(), " argument tensors, received ", arguments.size());
  Tensors slots(slot_kinds.size());
  for (size_t i = 0; i < arguments.size(); ++i) {
    const Tensor& t = arguments[i];
    const TensorSpec& spec = slot_specs[argument_slots[i]];
    KL_CHECK(t.defined() && t.shape() == spec.shape && t.dtype() == spec.dtype,
             "[function] argument ", i, " was traced as ", dtype_name(spec.dtype), " ",
             shape_str(spec.shape), ", received ",
             t.defined() ? dtype_name(t.dtype()) : "an undefined tensor", " ",
             t.defined() ? shape_str(t.shape()) : "");
    slots[argument_slots[i]] = t;
  }
  for (size_t i = 0; i < capture_slots.size(); ++i) slots[capture_slots[i]] = captures[i];
  // A run is never differentiated: callers run the Python function itself under a tape.
  NoGradGuard no_grad;
  Tensors inputs;
  for (size_t k = 0; k < nodes.size(); ++k) {
    const GraphNode& node = nodes[k];
    inputs.clear();
    for (int s : node.inputs) inputs.push_back(slots[s]);
    if (node.in_place) {
      Tensors targets;
      for (int s : node.outputs) targets.push_back(slots[s]);
      dispatch_inplace(node.op, inputs, targets);
    } else {
      Tensors outputs = dispatch(node.op, inputs);
      for (size_t j = 0; j < outputs.size(); ++j) slots[node.outputs[j]] = std::move(outputs[j]);
    }
    for (int s : released_after[k]) slots[s] = Tensor();
  }
  Tensors results;
  results.reserve(output_slots.size());
  for (int s : output_slots) results.push_back(slots[s]);
  return results;
}

}  // namespace kl
