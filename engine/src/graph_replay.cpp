#include "kl/autograd.h"
#include "kl/error.h"
#include "kl/graph.h"

namespace kl {
namespace {

// A run's arena: taken from the graph's spare ones (or made) and given back afterwards, so
// concurrent runs of one graph never share memory.
class ArenaLease {
 public:
  ArenaLease(ArenaPool& pool, int64_t bytes) : pool_(pool) {
    {
      std::lock_guard<std::mutex> lock(pool_.mutex);
      if (!pool_.spare.empty()) {
        storage_ = std::move(pool_.spare.back());
        pool_.spare.pop_back();
      }
    }
    if (!storage_) storage_ = empty({bytes}, DType::uint8, Device{}, "function").storage();
  }
  ~ArenaLease() {
    // Reused only when no tensor of this run still points into it.
    if (storage_.use_count() != 1) return;
    std::lock_guard<std::mutex> lock(pool_.mutex);
    pool_.spare.push_back(std::move(storage_));
  }
  ArenaLease(const ArenaLease&) = delete;
  ArenaLease& operator=(const ArenaLease&) = delete;

  Tensor view(const TensorSpec& spec, int64_t offset_bytes) const {
    auto impl = std::make_shared<TensorImpl>();
    impl->shape = spec.shape;
    impl->strides = contiguous_strides(spec.shape);
    impl->dtype = spec.dtype;
    impl->storage = storage_;
    impl->offset = offset_bytes / int64_t(itemsize(spec.dtype));
    return Tensor(std::move(impl));
  }

 private:
  ArenaPool& pool_;
  std::shared_ptr<Storage> storage_;
};

}  // namespace

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
  // Inside an outer capture the run is recorded op by op into that graph; plain dispatch
  // keeps the recorded values distinct from this graph's reused memory.
  std::unique_ptr<ArenaLease> arena;
  if (arena_bytes > 0 && !is_capturing()) arena = std::make_unique<ArenaLease>(*arenas, arena_bytes);
  Tensors inputs, outputs;
  for (size_t k = 0; k < nodes.size(); ++k) {
    const GraphNode& node = nodes[k];
    inputs.clear();
    for (int s : node.inputs) inputs.push_back(slots[s]);
    if (node.in_place) {
      Tensors targets;
      for (int s : node.outputs) targets.push_back(slots[s]);
      dispatch_inplace(node.op, inputs, targets);
    } else {
      bool planned = arena && !node.outputs.empty();
      for (int s : node.outputs) planned = planned && arena_offsets[s] >= 0;
      if (planned) {
        outputs.clear();
        for (int s : node.outputs) outputs.push_back(arena->view(slot_specs[s], arena_offsets[s]));
        dispatch_into(node.op, inputs, outputs);
      } else {
        outputs = dispatch(node.op, inputs);
      }
      for (size_t j = 0; j < outputs.size(); ++j) slots[node.outputs[j]] = std::move(outputs[j]);
    }
    for (int s : released_after[k]) slots[s] = Tensor();
  }
  inputs.clear();
  outputs.clear();
  Tensors results;
  results.reserve(output_slots.size());
  for (int s : output_slots) results.push_back(slots[s]);
  slots.clear();  // before the arena goes back to the pool
  return results;
}

}  // namespace kl
