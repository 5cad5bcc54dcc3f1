#include <nanobind/stl/tuple.h>

#include "bindings.h"
#include "kl/fused.h"
#include "kl/graph.h"

namespace kl::python {
namespace {

// A node's op as a graph listing shows it: fused programs list their steps.
std::string node_label(const Op& op) {
  if (op.kind() != OpKind::fused_elementwise) return op.name();
  std::string label = "fused_elementwise[";
  const auto& steps = static_cast<const FusedElementwiseOp&>(op).steps();
  for (size_t j = 0; j < steps.size(); ++j) {
    if (j) label += ", ";
    label += steps[j].unary ? unary_name(steps[j].unary_kind) : binary_name(steps[j].binary_kind);
  }
  return label + "]";
}

}  // namespace

void init_graph(nb::module_& m) {
  nb::class_<Graph>(m, "Graph")
      .def("run", &Graph::run, "arguments"_a, nb::call_guard<nb::gil_scoped_release>())
      .def_prop_ro("num_slots", &Graph::num_slots)
      .def_ro("argument_slots", &Graph::argument_slots)
      .def_ro("capture_slots", &Graph::capture_slots)
      .def_ro("output_slots", &Graph::output_slots)
      .def_prop_ro("nodes", [](const Graph& g) {
        // (op name, input slots, output slots, in place) per node, in run order.
        std::vector<std::tuple<std::string, std::vector<int>, std::vector<int>, bool>> out;
        for (const auto& n : g.nodes) out.emplace_back(node_label(*n.op), n.inputs, n.outputs, n.in_place);
        return out;
      })
      .def_prop_ro("slot_specs", [](const Graph& g) {
        std::vector<std::tuple<std::vector<int64_t>, std::string>> out;
        for (const auto& s : g.slot_specs) out.emplace_back(s.shape, dtype_name(s.dtype));
        return out;
      });
  m.def("begin_capture", &begin_capture, "arguments"_a);
  m.def("end_capture", &end_capture, "outputs"_a);
  m.def("abort_capture", &abort_capture);
  m.def("is_capturing", &is_capturing);
  m.def("set_host_read_hook", &set_host_read_hook, "hook"_a.none());
}

}  // namespace kl::python
