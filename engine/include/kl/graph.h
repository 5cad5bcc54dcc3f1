#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kl/op.h"

namespace kl {

// One recorded engine call. Slots are the graph's numbered values; an in-place node (assign,
// an optimizer update) writes into the slots listed as its outputs instead of making new ones.
struct GraphNode {
  OpPtr op;
  std::vector<int> inputs;
  std::vector<int> outputs;
  bool in_place = false;
};

enum class SlotKind : uint8_t { argument, capture, produced };

// Arenas a graph's runs reuse: one per concurrent run, kept between runs.
struct ArenaPool {
  std::mutex mutex;
  std::vector<std::shared_ptr<Storage>> spare;
};

// A captured op list (graph mode). Arguments are bound on every run; captures (constants made
// on the host, Variables) are held by the graph and read as they are at run time; every other
// slot is produced by a node. A run dispatches the same ops in the same order as the traced
// call did, so it computes the same bits.
class Graph {
 public:
  std::vector<GraphNode> nodes;
  std::vector<SlotKind> slot_kinds;
  std::vector<TensorSpec> slot_specs;  // as traced (shape, dtype)
  std::vector<int> argument_slots;
  std::vector<int> capture_slots;
  Tensors captures;  // parallel to capture_slots
  std::vector<int> output_slots;
  // Produced slots whose last reader is node k; a run drops them after it.
  std::vector<std::vector<int>> released_after;
  // The memory plan: each intermediate's byte offset in one arena reused by every run (-1 for
  // slots allocated per run: views, values that escape as outputs, other devices).
  std::vector<int64_t> arena_offsets;
  int64_t arena_bytes = 0;
  std::shared_ptr<ArenaPool> arenas = std::make_shared<ArenaPool>();

  int num_slots() const { return int(slot_kinds.size()); }
  Tensors run(const Tensors& arguments) const;
};

// Capture on this thread: every dispatch between begin and end is recorded. The arguments
// become the graph's argument slots (distinct tensors). end_capture throws
// std::invalid_argument naming what cannot be replayed; abort_capture drops the recording.
void begin_capture(const Tensors& arguments);
std::shared_ptr<Graph> end_capture(const Tensors& outputs);
void abort_capture();
bool is_capturing();

namespace detail {
// dispatch's hook: records one call when a capture is active on this thread.
void capture_call(const OpPtr& op, const Tensors& inputs, const Tensors& outputs, bool in_place);
// Calls made inside dispatch itself (contiguous staging copies) are part of the outer call.
class CaptureSuspend {
 public:
  CaptureSuspend();
  ~CaptureSuspend();
  CaptureSuspend(const CaptureSuspend&) = delete;
  CaptureSuspend& operator=(const CaptureSuspend&) = delete;
};
}  // namespace detail

}  // namespace kl
