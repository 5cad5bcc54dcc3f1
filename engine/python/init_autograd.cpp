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
  // The gradient function is Python: hold the GIL while it runs (grad() releases it).
  m.def("custom_vjp", [](const Tensors& primals, const Tensors& outputs, nb::object fn) {
    auto holder = std::shared_ptr<nb::object>(new nb::object(fn), [](nb::object* p) {
      nb::gil_scoped_acquire gil;
      delete p;
    });
    return custom_vjp(primals, outputs, [holder](const Tensors& cts) {
      nb::gil_scoped_acquire gil;
      nb::object result = (*holder)(cts);
      Tensors grads;
      for (nb::handle g : result) grads.push_back(g.is_none() ? Tensor() : nb::cast<Tensor>(g));
      return grads;
    });
  }, "primals"_a, "outputs"_a, "fn"_a);
  m.def("push_recording", &push_recording);
  m.def("pop_recording", &pop_recording);
  m.def("is_recording", &is_recording);
  m.def("enter_no_grad", &enter_no_grad);
  m.def("exit_no_grad", &exit_no_grad, "token"_a);
}

}  // namespace kl::python
