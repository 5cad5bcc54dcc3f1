// The Tensor class: metadata, NumPy export, DLPack, and the engine-wide settings (threads,
// allocator cache, host-read counter). Operators are added in Python
// (keras_like/ops/tensor_methods.py; NumPy-style indexing is in keras_like/ops/indexing.py).
#include <nanobind/stl/tuple.h>

#include "bindings.h"
#include "blas_threads.h"
#include "kl/thread_pool.h"
#include "cpu/simd/vector_loops.h"

namespace kl::python {
namespace {
nb::tuple shape_tuple(const Shape& shape) {
  nb::list l;
  for (auto d : shape) l.append(d);
  return nb::tuple(l);
}
}  // namespace

void init_tensor(nb::module_& m) {
  // dynamic_attr: Keras code attaches `_keras_mask` to tensors.
  nb::class_<Tensor>(m, "Tensor", nb::dynamic_attr())
      .def_prop_ro("shape", [](const Tensor& t) { return shape_tuple(t.shape()); })
      .def_prop_ro("strides", [](const Tensor& t) { return shape_tuple(t.strides()); })
      .def_prop_ro("dtype", [](const Tensor& t) { return dtype_name(t.dtype()); })
      .def_prop_ro("ndim", &Tensor::ndim)
      .def_prop_ro("size", &Tensor::size)
      .def_prop_ro("device", [](const Tensor& t) { return device_name(t.device()); })
      .def_prop_ro("weak", &Tensor::weak)
      .def_prop_ro("is_contiguous", &Tensor::is_contiguous)
      .def_prop_ro("has_grad_node", [](const Tensor& t) { return t.impl()->grad_node != nullptr; })
      .def_prop_ro("writable", [](const Tensor& t) { return t.storage()->writable(); })
      .def_prop_ro("data_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.raw_data()); })
      .def_prop_rw("requires_grad", &Tensor::requires_grad, &Tensor::set_requires_grad)
      .def("numpy", &to_numpy)
      .def("_array_api", &to_array_api)
      .def("detach", &Tensor::detach)
      .def("same_storage", [](const Tensor& a, const Tensor& b) { return a.storage() == b.storage(); })
      .def("__len__", [](const Tensor& t) {
        if (t.ndim() == 0) throw nb::type_error("len() of unsized object (a 0-d tensor)");
        return t.dim(0);
      });

  m.def("from_numpy", &from_ndarray, "array"_a);
  m.def("host_read_count", &host_read_count);
  m.def("scalar", [](std::variant<int64_t, double> value, const std::string& dtype, bool weak) {
    if (auto* i = std::get_if<int64_t>(&value)) {
      Tensor t = full_int({}, *i, dtype_from_name(dtype));
      t.impl()->weak = weak;
      return t;
    }
    return scalar_tensor(std::get<double>(value), dtype_from_name(dtype), weak);
  }, "value"_a, "dtype"_a, "weak"_a = false);
  m.def("set_num_threads", &set_num_threads, "n"_a);
  m.def("num_threads", &num_threads);
  m.def("default_num_threads", &default_num_threads);
  m.def("blas_config", &blas_config);
  m.def("blas_core_name", &blas_core_name);
  m.def("empty_cache", &empty_cache);
  m.def("cached_bytes", &cached_bytes);
  m.def("simd_isa", [] { return std::string(cpu::vector_loops().isa); });
}

}  // namespace kl::python
