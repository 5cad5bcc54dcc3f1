// Linear-algebra front ends. Multi-output ops return lists of tensors, like `sort`.
#include "bindings.h"
#include "kl/linalg.h"

namespace kl::python {
namespace {

using Release = nb::call_guard<nb::gil_scoped_release>;

QrMode qr_mode(const std::string& mode) {
  if (mode == "reduced") return QrMode::reduced;
  if (mode == "complete") return QrMode::complete;
  throw std::invalid_argument("[qr] mode must be 'reduced' or 'complete', received '" + mode + "'");
}

}  // namespace

void init_linalg(nb::module_& m) {
  m.def("cholesky", &cholesky, "a"_a, Release());
  m.def("triangular_solve", &triangular_solve, "a"_a, "b"_a, "lower"_a = false,
        "transpose_a"_a = false, "left"_a = true, "unit_diagonal"_a = false, Release());
  m.def("lu_factor", &lu_factor, "a"_a, Release());
  m.def("qr", [](const Tensor& a, const std::string& mode) { return qr(a, qr_mode(mode)); },
        "a"_a, "mode"_a = "reduced", Release());
  m.def("svd", &svd, "a"_a, "full_matrices"_a = true, "compute_uv"_a = true, Release());
  m.def("eigh", &eigh, "a"_a, Release());
}

}  // namespace kl::python
