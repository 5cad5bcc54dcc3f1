#include "kl/autograd.h"

#include <unordered_map>
#include <unordered_set>

#include "kl/ops.h"

namespace kl {
namespace {
thread_local int t_recording_depth = 0;
thread_local int t_no_grad_depth = 0;

// Nodes reachable from `outputs` that lead to a source, in topological order (inputs first).
std::vector<Node*> nodes_to_visit(const Tensors& outputs,
                                  const std::unordered_set<const TensorImpl*>& sources) {
  std::vector<Node*> order;
  std::unordered_map<Node*, bool> reaches;  // memo: does the node lead to a source?
  struct Frame {
    Node* node;
    size_t next_input;
  };
  std::vector<Frame> stack;
  auto input_reaches = [&](const Tensor& t) {
    if (sources.count(t.impl())) return true;
    Node* n = t.impl()->grad_node.get();
    return n && reaches[n];
  };
  for (const auto& out : outputs) {
    Node* root = out.impl()->grad_node.get();
    if (!root || reaches.count(root)) continue;
    reaches[root] = false;
    stack.push_back({root, 0});
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next_input < f.node->inputs.size()) {
        Node* child = f.node->inputs[f.next_input++].impl()->grad_node.get();
        if (child && !reaches.count(child)) {
          reaches[child] = false;
          stack.push_back({child, 0});
        }
        continue;
      }
      bool r = false;
      for (const auto& in : f.node->inputs) r = r || input_reaches(in);
      reaches[f.node] = r;
      if (r) order.push_back(f.node);
      stack.pop_back();
    }
  }
  return order;
}

// The node producing `node`'s only input through a relu epilogue, when that relu can be
// differentiated on `node`'s side: nothing else reads the relu's output (so its cotangent is
// `node`'s alone), and it is neither a source nor seeded. Otherwise null.
Node* relu_producer(const Node* node, std::unordered_map<const TensorImpl*, int>& readers,
                    const std::unordered_set<const TensorImpl*>& sources,
                    const std::unordered_map<const TensorImpl*, Tensor>& cts) {
  if (node->inputs.size() != 1) return nullptr;
  const Tensor& x = node->inputs[0];
  Node* producer = x.impl()->grad_node.get();
  if (!producer || !producer->op->has_relu_epilogue() || x.impl()->output_index != 0 ||
      !x.requires_grad())
    return nullptr;
  if (readers[x.impl()] != 1 || sources.count(x.impl()) || cts.count(x.impl())) return nullptr;
  return producer;
}

void accumulate(std::unordered_map<const TensorImpl*, Tensor>& cts, const TensorImpl* key,
                const Tensor& g) {
  auto it = cts.find(key);
  if (it == cts.end())
    cts.emplace(key, g);
  else
    it->second = add(it->second, g);
}
}  // namespace

bool is_recording() { return t_recording_depth > 0 && t_no_grad_depth == 0; }
void push_recording() { ++t_recording_depth; }
void pop_recording() {
  if (t_recording_depth > 0) --t_recording_depth;
}

int enter_no_grad() { return t_no_grad_depth++; }
void exit_no_grad(int token) { t_no_grad_depth = token; }

NoGradGuard::NoGradGuard() : saved_(t_no_grad_depth) { ++t_no_grad_depth; }
NoGradGuard::~NoGradGuard() { t_no_grad_depth = saved_; }

Tensors grad(const Tensors& outputs, const Tensors& wrt, const Tensors& cotangents) {
  KL_CHECK(cotangents.empty() || cotangents.size() == outputs.size(),
           "[grad] expected one cotangent per output: ", outputs.size(), " outputs and ",
           cotangents.size(), " cotangents");
  std::unordered_set<const TensorImpl*> sources;
  for (const auto& w : wrt) {
    KL_CHECK(w.defined(), "[grad] received an undefined source tensor");
    sources.insert(w.impl());
  }
  std::unordered_map<const TensorImpl*, Tensor> cts;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& out = outputs[i];
    Tensor seed = i < cotangents.size() && cotangents[i].defined() ? cotangents[i] : ones_like(out);
    KL_CHECK(seed.shape() == out.shape(), "[grad] cotangent shape ", shape_str(seed.shape()),
             " does not match output shape ", shape_str(out.shape()));
    accumulate(cts, out.impl(), seed);
  }
  auto order = nodes_to_visit(outputs, sources);
  // A relu output read by one op whose gradient commutes with the relu's mask (max_pool) is
  // differentiated on that op's side, where the tensors are smaller: the producer then gets
  // the pre-relu cotangent and its column sums (before_relu) instead of a cotangent to mask.
  std::unordered_map<const TensorImpl*, int> readers;
  for (Node* node : order)
    for (const auto& in : node->inputs) ++readers[in.impl()];
  std::unordered_map<const Node*, Tensors> before_relu;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Node* node = *it;
    Tensors in_cts;
    auto fused = before_relu.find(node);
    if (fused != before_relu.end()) {
      in_cts = node->op->vjp_before_relu(node->inputs, fused->second[0], fused->second[1]);
      before_relu.erase(fused);
    } else {
      Tensors out_values(node->outputs.size()), out_cts(node->outputs.size());
      bool any = false;
      for (size_t i = 0; i < node->outputs.size(); ++i) {
        auto impl = node->outputs[i].lock();
        if (impl) {
          auto found = cts.find(impl.get());
          if (found != cts.end()) {
            out_cts[i] = found->second;
            any = true;
          }
          // Prefer the live output: it keeps its history, so second-order gradients flow.
          if (node->op->needs_outputs()) out_values[i] = Tensor(impl);
        } else if (node->op->needs_outputs()) {
          out_values[i] = node->saved_outputs[i];
        }
      }
      if (!any) continue;
      for (size_t i = 0; i < out_cts.size(); ++i)
        if (!out_cts[i].defined() && out_values[i].defined())
          out_cts[i] = zeros_like(out_values[i]);
      if (Node* producer = relu_producer(node, readers, sources, cts)) {
        Tensors pre = node->op->vjp_through_relu(node->inputs, out_values, out_cts);
        if (!pre.empty()) {
          before_relu[producer] = std::move(pre);
          continue;
        }
      }
      in_cts = node->op->vjp(node->inputs, out_values, out_cts);
    }
    for (size_t i = 0; i < node->inputs.size() && i < in_cts.size(); ++i) {
      const Tensor& in = node->inputs[i];
      if (!in.requires_grad() || !in_cts[i].defined()) continue;
      KL_CHECK(in_cts[i].shape() == in.shape(), "[", node->op->name(),
               "] internal error: gradient shape ", shape_str(in_cts[i].shape()),
               " does not match input shape ", shape_str(in.shape()));
      accumulate(cts, in.impl(), in_cts[i]);
    }
  }
  Tensors result;
  for (const auto& w : wrt) {
    auto found = cts.find(w.impl());
    result.push_back(found == cts.end() ? Tensor() : found->second);
  }
  return result;
}

Tensor sum_to_shape(const Tensor& g, const Shape& shape) {
  if (g.shape() == shape) return g;
  int lead = g.ndim() - int(shape.size());
  std::vector<int64_t> axes;
  for (int i = 0; i < g.ndim(); ++i)
    if (i < lead || (shape[i - lead] == 1 && g.dim(i) != 1)) axes.push_back(i);
  Tensor s = sum(g, axes, true);
  return reshape(s, shape);
}

}  // namespace kl
