#include "graph_optimize.h"

namespace kl::detail {
namespace {

// Folded values are held by the graph for its lifetime; past this size recomputing them per
// run is the better trade (a zero state for a whole batch, say).
constexpr int64_t kMaxFoldedBytes = 64 * 1024;

// Slots some in-place node writes, and every slot whose memory they view: such a value can
// change during a run, so it is never treated as a constant.
std::vector<bool> written_slots(const Graph& g) {
  std::vector<bool> written(g.num_slots(), false);
  for (const auto& node : g.nodes)
    if (node.in_place)
      for (int s : node.outputs) written[s] = true;
  for (auto node = g.nodes.rbegin(); node != g.nodes.rend(); ++node) {
    if (node->in_place || !node->op->is_view()) continue;
    bool any = false;
    for (int s : node->outputs) any = any || written[s];
    if (any)
      for (int s : node->inputs) written[s] = true;
  }
  return written;
}

}  // namespace

void fold_constants(Graph& g, const Tensors& traced_values) {
  std::vector<bool> written = written_slots(g);
  std::vector<bool> constant(g.num_slots(), false);
  std::vector<GraphNode> kept;
  kept.reserve(g.nodes.size());
  for (auto& node : g.nodes) {
    bool foldable = !node.in_place;
    for (int s : node.inputs) foldable = foldable && constant[s];
    for (int s : node.outputs) {
      const Tensor& value = traced_values[s];
      foldable = foldable && !written[s] &&
                 value.size() * int64_t(itemsize(value.dtype())) <= kMaxFoldedBytes;
    }
    if (!foldable) {
      kept.push_back(std::move(node));
      continue;
    }
    // The traced call already computed these values; every run would compute the same.
    for (int s : node.outputs) {
      constant[s] = true;
      g.slot_kinds[s] = SlotKind::capture;
    }
  }
  g.nodes = std::move(kept);
}

void eliminate_dead_code(Graph& g) {
  std::vector<bool> live(g.num_slots(), false);
  for (int s : g.output_slots) live[s] = true;
  std::vector<bool> keep(g.nodes.size(), false);
  for (size_t k = g.nodes.size(); k-- > 0;) {
    const GraphNode& node = g.nodes[k];
    bool needed = node.in_place;  // writes into state that outlives the run
    for (int s : node.outputs) needed = needed || live[s];
    if (!needed) continue;
    keep[k] = true;
    for (int s : node.inputs) live[s] = true;
    if (node.in_place)
      for (int s : node.outputs) live[s] = true;  // the targets must exist to be written
  }
  std::vector<GraphNode> kept;
  for (size_t k = 0; k < g.nodes.size(); ++k)
    if (keep[k]) kept.push_back(std::move(g.nodes[k]));
  g.nodes = std::move(kept);
}

}  // namespace kl::detail
