#include "bindings.h"

NB_MODULE(_engine, m) {
  kl::init_engine();
  kl::python::init_tensor(m);
  kl::python::init_ops(m);
  kl::python::init_autograd(m);
  kl::python::init_linalg(m);
}
