#include <nanobind/stl/optional.h>

#include "bindings.h"

namespace kl::python {

void init_autograd(nb::module_& m) {
  // Unconnected sources come back as None.
  m.def("grad", [](const Tensors& outputs, const Tensors& wrt, const Tensors& cotangents) {
    Tensors g = grad(outputs, wrt, cotangents);
    std::vector<std::optional<Tensor>> out;
    for (auto& t : g) out.push_back(t.defined() ? std::optional<Tensor>(t) : std::nullopt);
    return out;
  }, "outputs"_a, "wrt"_a, "cotangents"_a, nb::call_guard<nb::gil_scoped_release>());
  m.def("push_recording", &push_recording);
  m.def("pop_recording", &pop_recording);
  m.def("is_recording", &is_recording);
  m.def("enter_no_grad", &enter_no_grad);
  m.def("exit_no_grad", &exit_no_grad, "token"_a);
}

}  // namespace kl::python
