#include "bindings.h"

NB_MODULE(_engine, m) {
  // Tensors held by module-level Python objects (global seed generators, cached layers) are
  // still alive when the interpreter tears down; that is expected, not a leak to report.
  nb::set_leak_warnings(false);
  kl::init_engine();
  // Singular and non-converging matrices raise NumPy's own LinAlgError (a ValueError subclass),
  // so `except np.linalg.LinAlgError` works as it does with NumPy.
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const kl::LinAlgError& e) {
      nb::object error = nb::module_::import_("numpy.linalg").attr("LinAlgError");
      PyErr_SetString(error.ptr(), e.what());
    }
  });
  kl::python::init_tensor(m);
  kl::python::init_ops(m);
  kl::python::init_autograd(m);
  kl::python::init_linalg(m);
  kl::python::init_graph(m);
}
