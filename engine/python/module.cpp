#include "bindings.h"

NB_MODULE(_engine, m) {
  // Tensors held by module-level Python objects (global seed generators, cached layers) are
  // still alive when the interpreter tears down; that is expected, not a leak to report.
  nb::set_leak_warnings(false);
  kl::init_engine();
  kl::python::init_tensor(m);
  kl::python::init_ops(m);
  kl::python::init_autograd(m);
  kl::python::init_linalg(m);
}
