#include <unordered_map>

#include "graph_optimize.h"
#include "kl/error.h"
#include "kl/graph.h"

namespace kl {
namespace {

bool same_layout(const Tensor& a, const Tensor& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() && a.strides() == b.strides() &&
         a.offset() == b.offset();
}

// What a capture knows while it runs. Every tensor it has seen is held until the end, so no
// TensorImpl or Storage address is reused for a different value in the meantime.
struct CaptureState {
  Graph graph;
  Tensors held;     // parallel to the graph's slots
  Tensors aliases;  // second handles on a slot's value, held the same way
  std::unordered_map<const TensorImpl*, int> slot_of;
  std::unordered_map<const Storage*, std::vector<int>> slots_on_storage;
  std::string cannot_replay;  // the first reason, empty when the graph can replay
  int suspended = 0;

  int new_slot(const Tensor& t, SlotKind kind) {
    int slot = graph.num_slots();
    graph.slot_kinds.push_back(kind);
    graph.slot_specs.push_back({t.shape(), t.dtype()});
    held.push_back(t);
    slot_of[t.impl()] = slot;
    if (t.storage()) slots_on_storage[t.storage().get()].push_back(slot);
    return slot;
  }

  // The slot a tensor read by a node (or returned) holds.
  int slot_for(const Tensor& t, const char* op_name) {
    auto found = slot_of.find(t.impl());
    if (found != slot_of.end()) return found->second;
    auto shared = t.storage() ? slots_on_storage.find(t.storage().get()) : slots_on_storage.end();
    if (shared == slots_on_storage.end()) return new_slot(t, SlotKind::capture);
    // A second handle on memory the capture already knows: detach() and saved gradient
    // outputs make these. The same layout is the same value. Any other view was made outside
    // dispatch: on memory that lives across runs (a Variable's) it can be held as it is, but on
    // memory a run makes afresh it cannot be rebuilt from the graph's values.
    for (int slot : shared->second)
      if (same_layout(held[slot], t)) {
        slot_of[t.impl()] = slot;
        aliases.push_back(t);
        return slot;
      }
    bool per_run_memory = graph.slot_kinds[shared->second.front()] != SlotKind::capture;
    if (per_run_memory && cannot_replay.empty())
      cannot_replay = error_message("[", op_name, "] reads a view of a traced value of shape ",
                                    shape_str(t.shape()), " that no engine op made");
    return new_slot(t, SlotKind::capture);
  }
};

thread_local CaptureState* t_capture = nullptr;

CaptureState& active_capture(const char* what) {
  KL_CHECK(t_capture, "[", what, "] no capture is active on this thread");
  return *t_capture;
}

// Which produced slots die after which node: a run frees each intermediate after its last
// reader, as eager mode does when the last Python reference goes.
void plan_releases(Graph& g) {
  std::vector<int> last_use(g.num_slots(), -1);
  for (int k = 0; k < int(g.nodes.size()); ++k) {
    for (int s : g.nodes[k].inputs) last_use[s] = k;
    for (int s : g.nodes[k].outputs) last_use[s] = std::max(last_use[s], k);
  }
  for (int s : g.output_slots) last_use[s] = -1;
  g.released_after.assign(g.nodes.size(), {});
  for (int s = 0; s < g.num_slots(); ++s)
    if (g.slot_kinds[s] == SlotKind::produced && last_use[s] >= 0)
      g.released_after[last_use[s]].push_back(s);
}

}  // namespace

void begin_capture(const Tensors& arguments) {
  KL_CHECK(!t_capture, "[function] a capture is already active on this thread");
  auto state = std::make_unique<CaptureState>();
  for (const auto& t : arguments) {
    KL_CHECK(t.defined(), "[function] received an undefined argument tensor");
    KL_CHECK(!state->slot_of.count(t.impl()), "[function] the same tensor was passed twice");
    state->graph.argument_slots.push_back(state->new_slot(t, SlotKind::argument));
  }
  t_capture = state.release();
}

void abort_capture() {
  delete t_capture;
  t_capture = nullptr;
}

bool is_capturing() { return t_capture != nullptr; }

std::shared_ptr<Graph> end_capture(const Tensors& outputs) {
  std::unique_ptr<CaptureState> state(&active_capture("end_capture"));
  t_capture = nullptr;
  for (const auto& t : outputs) {
    KL_CHECK(t.defined(), "[function] returned an undefined tensor");
    state->graph.output_slots.push_back(state->slot_for(t, "function"));
  }
  if (!state->cannot_replay.empty())
    throw std::invalid_argument(error_message("[function] cannot replay the traced call: ",
                                              state->cannot_replay));
  auto graph = std::make_shared<Graph>(std::move(state->graph));
  detail::fold_constants(*graph, state->held);
  detail::eliminate_common_subexpressions(*graph, state->held);
  detail::eliminate_dead_code(*graph);
  detail::fuse_matmul_epilogues(*graph, state->held);
  detail::fuse_elementwise(*graph, state->held);
  std::vector<bool> referenced(graph->num_slots(), false);
  for (const auto& node : graph->nodes) {
    for (int s : node.inputs) referenced[s] = true;
    for (int s : node.outputs) referenced[s] = true;
  }
  for (int s : graph->output_slots) referenced[s] = true;
  for (int s = 0; s < graph->num_slots(); ++s)
    if (graph->slot_kinds[s] == SlotKind::capture && referenced[s]) {
      graph->capture_slots.push_back(s);
      graph->captures.push_back(state->held[s]);
    }
  plan_releases(*graph);
  detail::plan_memory(*graph, state->held);
  return graph;
}

namespace detail {

void capture_call(const OpPtr& op, const Tensors& inputs, const Tensors& outputs, bool in_place) {
  CaptureState* state = t_capture;
  if (!state || state->suspended) return;
  GraphNode node{op, {}, {}, in_place};
  for (const auto& t : inputs) node.inputs.push_back(state->slot_for(t, op->name()));
  for (const auto& t : outputs)
    node.outputs.push_back(in_place ? state->slot_for(t, op->name())
                                    : state->new_slot(t, SlotKind::produced));
  state->graph.nodes.push_back(std::move(node));
}

CaptureSuspend::CaptureSuspend() {
  if (t_capture) ++t_capture->suspended;
}

CaptureSuspend::~CaptureSuspend() {
  if (t_capture) --t_capture->suspended;
}

}  // namespace detail
}  // namespace kl
