#include "graph_optimize.h"

#include "cpu/kernels.h"
#include "kl/fused.h"

#include <map>
#include <string>
#include <tuple>
#include <unordered_map>

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

namespace {

// A captured value the graph alone holds (no Variable or live Python tensor can change it
// between runs), unwritten by the graph, small and on the CPU: equal ones are one constant.
bool private_constant(const Graph& g, const Tensor& t, int slot, const std::vector<bool>& written) {
  return g.slot_kinds[slot] == SlotKind::capture && t.defined() && !written[slot] &&
         t.impl_ptr().use_count() == 1 && t.storage() && t.storage().use_count() == 1 &&
         t.device().kind == DeviceKind::cpu && t.is_contiguous() &&
         t.size() * int64_t(itemsize(t.dtype())) <= kMaxFoldedBytes;
}

std::string constant_key(const Tensor& t) {
  std::string key = std::to_string(int(t.dtype())) + (t.weak() ? "w" : "s") + shape_str(t.shape());
  key.append(static_cast<const char*>(t.raw_data()), size_t(t.size()) * itemsize(t.dtype()));
  return key;
}

}  // namespace

void eliminate_common_subexpressions(Graph& g, const Tensors& traced_values) {
  std::vector<bool> written = written_slots(g);
  // Values that can change during a run: those written, and views of them.
  std::vector<bool> varies = written;
  for (const auto& node : g.nodes) {
    if (node.in_place || !node.op->is_view()) continue;
    bool any = false;
    for (int s : node.inputs) any = any || varies[s];
    if (any)
      for (int s : node.outputs) varies[s] = true;
  }
  std::vector<int> renamed(g.num_slots());
  std::unordered_map<std::string, int> constants;
  for (int s = 0; s < g.num_slots(); ++s) {
    renamed[s] = s;
    if (private_constant(g, traced_values[s], s, written))
      renamed[s] = constants.emplace(constant_key(traced_values[s]), s).first->second;
  }
  // Earlier nodes by (kind, inputs, the write epoch when an input varies).
  std::map<std::tuple<OpKind, std::vector<int>, int>, std::vector<size_t>> seen;
  int epoch = 0;  // in-place nodes so far
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    GraphNode& node = g.nodes[k];
    for (int& s : node.inputs) s = renamed[s];
    if (node.in_place) {
      for (int& s : node.outputs) s = renamed[s];
      ++epoch;
      continue;
    }
    bool mergeable = !node.outputs.empty();
    bool reads_varying = false;
    for (int s : node.outputs) mergeable = mergeable && !written[s];
    for (int s : node.inputs) reads_varying = reads_varying || varies[s];
    if (!mergeable) continue;
    auto& candidates = seen[{node.op->kind(), node.inputs, reads_varying ? epoch : -1}];
    const GraphNode* match = nullptr;
    for (size_t c : candidates) {
      const GraphNode& earlier = g.nodes[c];
      if (earlier.outputs.size() == node.outputs.size() &&
          earlier.op->same_computation(*node.op)) {
        match = &earlier;
        break;
      }
    }
    if (!match) {
      candidates.push_back(k);
      continue;
    }
    for (size_t j = 0; j < node.outputs.size(); ++j) renamed[node.outputs[j]] = match->outputs[j];
  }
  for (int& s : g.output_slots) s = renamed[s];
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

namespace kl::detail {
namespace {

constexpr int64_t kArenaAlignment = 64;

int64_t aligned(int64_t bytes) {
  return (bytes + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
}

// Free byte ranges of the arena, kept sorted and coalesced; first fit.
class FreeList {
 public:
  int64_t take(int64_t bytes) {
    for (auto it = free_.begin(); it != free_.end(); ++it)
      if (it->second >= bytes) {
        int64_t offset = it->first;
        it->first += bytes;
        it->second -= bytes;
        if (it->second == 0) free_.erase(it);
        return offset;
      }
    int64_t offset = end_;
    end_ += bytes;
    return offset;
  }
  void give(int64_t offset, int64_t bytes) {
    auto it = free_.begin();
    while (it != free_.end() && it->first < offset) ++it;
    it = free_.insert(it, {offset, bytes});
    if (it + 1 != free_.end() && it->first + it->second == (it + 1)->first) {
      it->second += (it + 1)->second;
      free_.erase(it + 1);
    }
    if (it != free_.begin() && (it - 1)->first + (it - 1)->second == it->first) {
      (it - 1)->second += it->second;
      free_.erase(it);
    }
  }
  int64_t size() const { return end_; }

 private:
  std::vector<std::pair<int64_t, int64_t>> free_;  // (offset, bytes)
  int64_t end_ = 0;
};

}  // namespace

void plan_memory(Graph& g, const Tensors& traced_values) {
  const int n = g.num_slots();
  g.arena_offsets.assign(n, -1);
  // The slot that owns each storage: the first slot seen on it (a view's base is seen first).
  std::unordered_map<const Storage*, int> owner;
  std::vector<int> root(n, -1);
  for (int s = 0; s < n; ++s) {
    const Tensor& t = traced_values[s];
    if (!t.defined() || !t.storage()) continue;
    root[s] = owner.emplace(t.storage().get(), s).first->second;
  }
  // A root is planned when a non-view node allocated it on the CPU and nothing returns it.
  std::vector<int> defined_at(n, -1), last_use(n, -1);
  std::vector<bool> planned(n, false);
  for (int k = 0; k < int(g.nodes.size()); ++k) {
    const GraphNode& node = g.nodes[k];
    if (!node.in_place && !node.op->is_view())
      for (int s : node.outputs)
        if (root[s] == s && traced_values[s].device().kind == DeviceKind::cpu) {
          planned[s] = true;
          defined_at[s] = k;
        }
    for (int s : node.inputs)
      if (root[s] >= 0) last_use[root[s]] = std::max(last_use[root[s]], k);
    for (int s : node.outputs)
      if (root[s] >= 0) last_use[root[s]] = std::max(last_use[root[s]], k);
  }
  for (int s : g.output_slots)
    if (root[s] >= 0) planned[root[s]] = false;
  std::vector<std::vector<int>> dies_after(g.nodes.size());
  for (int s = 0; s < n; ++s)
    if (planned[s]) dies_after[std::max(last_use[s], defined_at[s])].push_back(s);
  FreeList arena;
  for (int k = 0; k < int(g.nodes.size()); ++k) {
    for (int s : g.nodes[k].outputs)
      if (planned[s] && defined_at[s] == k)
        g.arena_offsets[s] = arena.take(aligned(int64_t(traced_values[s].storage()->nbytes())));
    for (int s : dies_after[k])
      arena.give(g.arena_offsets[s], aligned(int64_t(traced_values[s].storage()->nbytes())));
  }
  g.arena_bytes = arena.size();
}

}  // namespace kl::detail

namespace kl::detail {
namespace {

// How many nodes read each slot (an in-place node reads what it writes), and which slots the
// graph returns: a value with other readers or returned must still be written out.
struct SlotUses {
  std::vector<int> reads;
  std::vector<bool> is_output;
};

SlotUses slot_uses(const Graph& g) {
  SlotUses uses{std::vector<int>(g.num_slots(), 0), std::vector<bool>(g.num_slots(), false)};
  for (const auto& node : g.nodes) {
    for (int s : node.inputs) ++uses.reads[s];
    if (node.in_place)
      for (int s : node.outputs) ++uses.reads[s];
  }
  for (int s : g.output_slots) uses.is_output[s] = true;
  return uses;
}

// The (shape, dtype) a node would join a fused chain with, or false when it cannot: a float
// unary/binary op with a SIMD loop whose operands are each of the output's shape or a
// broadcast suffix of it (contiguous when traced), or one element.
bool fusable(const GraphNode& node, const Tensors& traced, Shape* shape, DType* dtype) {
  if (node.in_place || node.outputs.size() != 1) return false;
  const Tensor& out = traced[node.outputs[0]];
  if (!out.defined() || out.device().kind != DeviceKind::cpu) return false;
  if (!cpu::fusable_elementwise(*node.op, out.dtype())) return false;
  for (int s : node.inputs) {
    const Tensor& t = traced[s];
    if (!t.defined() || t.dtype() != out.dtype() || t.device().kind != DeviceKind::cpu)
      return false;
    if (t.size() != 1 && !(t.is_contiguous() && fusable_operand_shape(t.shape(), out.shape())))
      return false;
  }
  *shape = out.shape();
  *dtype = out.dtype();
  return true;
}

// One fused node in place of the chain nodes[first, last).
GraphNode fuse_chain(const Graph& g, const Tensors& traced, size_t first, size_t last,
                     const std::vector<int>& reads, const std::vector<bool>& is_output,
                     const Shape& shape, DType dtype) {
  std::unordered_map<int, int> step_of;  // slot -> step producing it
  std::unordered_map<int, int> reads_inside;
  std::vector<int> inputs;
  std::unordered_map<int, int> input_of;
  for (size_t k = first; k < last; ++k) {
    for (int s : g.nodes[k].inputs) {
      ++reads_inside[s];
      if (!step_of.count(s) && !input_of.count(s)) {
        input_of[s] = int(inputs.size());
        inputs.push_back(s);
      }
    }
    step_of[g.nodes[k].outputs[0]] = int(k - first);
  }
  const int num_inputs = int(inputs.size());
  auto ref = [&](int slot) {
    auto step = step_of.find(slot);
    return step != step_of.end() ? num_inputs + step->second : input_of.at(slot);
  };
  std::vector<FusedStep> steps;
  std::vector<int> out_steps, out_slots;
  for (size_t k = first; k < last; ++k) {
    const GraphNode& node = g.nodes[k];
    FusedStep step;
    step.unary = node.op->kind() == OpKind::unary;
    if (step.unary)
      step.unary_kind = static_cast<const UnaryOp&>(*node.op).unary_kind();
    else
      step.binary_kind = static_cast<const BinaryOp&>(*node.op).binary_kind();
    step.a = ref(node.inputs[0]);
    step.b = step.unary ? 0 : ref(node.inputs[1]);
    steps.push_back(step);
    int s = node.outputs[0];
    if (is_output[s] || reads[s] > reads_inside[s]) {
      out_steps.push_back(int(k - first));
      out_slots.push_back(s);
    }
  }
  std::vector<Shape> input_shapes;
  for (int s : inputs) input_shapes.push_back(traced[s].shape());
  GraphNode fused;
  fused.op = std::make_shared<const FusedElementwiseOp>(shape, dtype, std::move(input_shapes),
                                                        std::move(steps), std::move(out_steps));
  fused.inputs = std::move(inputs);
  fused.outputs = std::move(out_slots);
  return fused;
}

}  // namespace

void fuse_matmul_epilogues(Graph& g, const Tensors& traced) {
  auto [reads, is_output] = slot_uses(g);
  std::vector<int> producer(g.num_slots(), -1);
  for (size_t k = 0; k < g.nodes.size(); ++k)
    if (!g.nodes[k].in_place)
      for (int s : g.nodes[k].outputs) producer[s] = int(k);
  std::vector<bool> merged(g.nodes.size(), false);
  // A bias add after the product: bias_activation, or (a layer whose activation is not fused,
  // softmax say) an add of a float vector of the product's columns with the product on the
  // left, as the epilogue computes it (on two NaNs x86 keeps the left one's payload).
  auto epilogue_of = [&](const GraphNode& node, FusedActivation* activation) {
    if (node.in_place) return false;
    if (node.op->kind() == OpKind::bias_activation) {
      *activation = static_cast<const BiasActivationOp&>(*node.op).activation();
      return true;
    }
    if (node.op->kind() != OpKind::binary ||
        static_cast<const BinaryOp&>(*node.op).binary_kind() != BinaryKind::add)
      return false;
    const Tensor &z = traced[node.inputs[0]], &bias = traced[node.inputs[1]];
    *activation = FusedActivation::linear;
    return z.defined() && bias.defined() && z.ndim() >= 1 && bias.ndim() == 1 &&
           bias.dim(0) == z.dim(z.ndim() - 1) && bias.dtype() == z.dtype() &&
           bias.is_contiguous() && (z.dtype() == DType::float32 || z.dtype() == DType::float64);
  };
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    GraphNode& node = g.nodes[k];
    FusedActivation activation;
    if (!epilogue_of(node, &activation)) continue;
    int z = node.inputs[0], j = producer[z];
    if (j < 0 || reads[z] != 1 || is_output[z]) continue;
    const GraphNode& mm = g.nodes[size_t(j)];
    if (mm.in_place || mm.op->kind() != OpKind::matmul ||
        static_cast<const MatmulOp&>(*mm.op).has_bias())
      continue;
    const Tensor& product = traced[z];
    if (!product.defined() || product.device().kind != DeviceKind::cpu ||
        !product.is_contiguous())
      continue;
    // The merged node runs where the bias_activation did, so the matmul's operands must still
    // hold the values it read: no in-place update in between.
    bool updated_between = false;
    for (int i = j + 1; i < int(k) && !updated_between; ++i) updated_between = g.nodes[i].in_place;
    if (updated_between) continue;
    GraphNode fused;
    fused.op = std::make_shared<const MatmulOp>(activation);
    fused.inputs = {mm.inputs[0], mm.inputs[1], node.inputs[1]};
    fused.outputs = node.outputs;
    node = std::move(fused);
    merged[size_t(j)] = true;
  }
  std::vector<GraphNode> kept;
  for (size_t k = 0; k < g.nodes.size(); ++k)
    if (!merged[k]) kept.push_back(std::move(g.nodes[k]));
  g.nodes = std::move(kept);
}

void fuse_elementwise(Graph& g, const Tensors& traced) {
  auto [reads, is_output] = slot_uses(g);
  std::vector<GraphNode> result;
  size_t k = 0;
  while (k < g.nodes.size()) {
    Shape shape;
    DType dtype;
    if (!fusable(g.nodes[k], traced, &shape, &dtype)) {
      result.push_back(std::move(g.nodes[k++]));
      continue;
    }
    size_t end = k + 1;
    Shape next_shape;
    DType next_dtype;
    while (end < g.nodes.size() && fusable(g.nodes[end], traced, &next_shape, &next_dtype) &&
           next_shape == shape && next_dtype == dtype)
      ++end;
    if (end - k >= 2)
      result.push_back(fuse_chain(g, traced, k, end, reads, is_output, shape, dtype));
    else
      result.push_back(std::move(g.nodes[k]));
    k = end;
  }
  g.nodes = std::move(result);
}

}  // namespace kl::detail
