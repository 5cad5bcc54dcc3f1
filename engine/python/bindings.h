#pragma once
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/variant.h>
#include <nanobind/stl/vector.h>

#include <variant>

#include "kl/autograd.h"
#include "kl/ops.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace kl::python {

// A Python operand: a tensor or a Python scalar (weakly typed, like JAX).
using Operand = std::variant<Tensor, bool, int64_t, double>;
Tensor to_tensor(const Operand& v);
Tensor scalar_tensor(double value, DType dtype, bool weak);

// Zero-copy: wraps NumPy / DLPack memory (read-only, kept alive by the Storage).
Tensor from_ndarray(nb::ndarray<nb::ro> arr);
nb::object to_numpy(const Tensor& t);
nb::object to_array_api(const Tensor& t);
uint64_t host_read_count();
// Called (with the GIL) on every host read made while a capture is active on the reading
// thread; graph mode uses it to name the line that read a traced value. None clears it.
void set_host_read_hook(nb::handle hook);

void init_tensor(nb::module_& m);
void init_ops(nb::module_& m);
void init_autograd(nb::module_& m);
void init_linalg(nb::module_& m);
void init_graph(nb::module_& m);

}  // namespace kl::python
