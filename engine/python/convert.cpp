// Zero-copy conversion between engine tensors and NumPy / DLPack arrays.
#include <atomic>

#include "bindings.h"
#include "kl/graph.h"

namespace kl::python {
namespace {

using nb::dlpack::dtype_code;

DType from_dlpack_dtype(nb::dlpack::dtype dt) {
  auto code = dtype_code(dt.code);
  if (dt.lanes == 1) {
    if (code == dtype_code::Bool && dt.bits == 8) return DType::bool_;
    if (code == dtype_code::Int) {
      if (dt.bits == 8) return DType::int8;
      if (dt.bits == 16) return DType::int16;
      if (dt.bits == 32) return DType::int32;
      if (dt.bits == 64) return DType::int64;
    }
    if (code == dtype_code::UInt && dt.bits == 8) return DType::uint8;
    if (code == dtype_code::UInt && dt.bits == 16) return DType::uint16;
    if (code == dtype_code::UInt && dt.bits == 32) return DType::uint32;
    if (code == dtype_code::Float) {
      if (dt.bits == 16) return DType::float16;
      if (dt.bits == 32) return DType::float32;
      if (dt.bits == 64) return DType::float64;
    }
    if (code == dtype_code::Bfloat && dt.bits == 16) return DType::bfloat16;
  }
  throw nb::type_error(error_message("[convert_to_tensor] unsupported array dtype (code ",
                                     int(dt.code), ", ", int(dt.bits), " bits)").c_str());
}

nb::dlpack::dtype to_dlpack_dtype(DType dt) {
  switch (dt) {
    case DType::bool_: return nb::dtype<bool>();
    case DType::int8: return nb::dtype<int8_t>();
    case DType::int16: return nb::dtype<int16_t>();
    case DType::int32: return nb::dtype<int32_t>();
    case DType::int64: return nb::dtype<int64_t>();
    case DType::uint8: return nb::dtype<uint8_t>();
    case DType::uint16: return nb::dtype<uint16_t>();
    case DType::uint32: return nb::dtype<uint32_t>();
    case DType::float16: return {uint8_t(dtype_code::Float), 16, 1};
    case DType::bfloat16: return {uint8_t(dtype_code::Bfloat), 16, 1};
    case DType::float32: return nb::dtype<float>();
    case DType::float64: return nb::dtype<double>();
  }
  return nb::dtype<float>();
}

// Every read of tensor memory by the host (numpy(), float(t), printing) passes here; tests count
// them to prove a training step never waits on the device.
std::atomic<uint64_t> g_host_reads{0};
// Never released: it may outlive the interpreter at exit.
PyObject* g_host_read_hook = nullptr;

template <class Framework>
nb::object export_array(const Tensor& t) {
  g_host_reads.fetch_add(1, std::memory_order_relaxed);
  if (g_host_read_hook && is_capturing()) nb::borrow<nb::object>(g_host_read_hook)();
  KL_CHECK(t.device().kind == DeviceKind::cpu, "[numpy] cannot export a tensor on ",
           device_name(t.device()), " without a copy to the CPU");
  auto* holder = new Tensor(t.detach());
  nb::capsule owner(holder, [](void* p) noexcept { delete static_cast<Tensor*>(p); });
  std::vector<size_t> shape(t.shape().begin(), t.shape().end());
  return nb::cast(nb::ndarray<Framework, nb::ro>(t.raw_data(), shape.size(), shape.data(), owner,
                                                  t.strides().data(), to_dlpack_dtype(t.dtype()),
                                                  nb::device::cpu::value));
}

}  // namespace

Tensor from_ndarray(nb::ndarray<nb::ro> arr) {
  KL_CHECK(arr.device_type() == nb::device::cpu::value,
           "[convert_to_tensor] only CPU arrays can be wrapped without a copy");
  DType dt = from_dlpack_dtype(arr.dtype());
  auto impl = std::make_shared<TensorImpl>();
  for (size_t i = 0; i < arr.ndim(); ++i) {
    impl->shape.push_back(int64_t(arr.shape(i)));
    impl->strides.push_back(int64_t(arr.stride(i)));
  }
  impl->dtype = dt;
  // The Storage keeps the producer alive; releasing it needs the GIL.
  auto* keep = new nb::object(nb::cast(arr));
  impl->storage = std::make_shared<Storage>(
      const_cast<void*>(arr.data()), arr.nbytes(), Device{},
      [keep](void*) {
        nb::gil_scoped_acquire gil;
        delete keep;
      },
      /*writable=*/false);
  return Tensor(std::move(impl));
}

nb::object to_numpy(const Tensor& t) {
  if (t.dtype() == DType::bfloat16) {  // NumPy has no bfloat16
    NoGradGuard no_grad;
    return export_array<nb::numpy>(cast(t, DType::float32));
  }
  return export_array<nb::numpy>(t);
}

nb::object to_array_api(const Tensor& t) { return export_array<nb::array_api>(t); }

uint64_t host_read_count() { return g_host_reads.load(std::memory_order_relaxed); }

void set_host_read_hook(nb::handle hook) {
  PyObject* old = g_host_read_hook;
  g_host_read_hook = hook.is_none() ? nullptr : hook.inc_ref().ptr();
  Py_XDECREF(old);
}

Tensor scalar_tensor(double value, DType dtype, bool weak) {
  Tensor t = full({}, value, dtype);
  t.impl()->weak = weak;
  return t;
}

Tensor to_tensor(const Operand& v) {
  if (auto* t = std::get_if<Tensor>(&v)) return *t;
  if (auto* b = std::get_if<bool>(&v)) return scalar_tensor(*b ? 1.0 : 0.0, DType::bool_, false);
  if (auto* i = std::get_if<int64_t>(&v)) {
    // Weak scalars keep full precision; the other operand decides the result dtype.
    Tensor t = full_int({}, *i, DType::int64);
    t.impl()->weak = true;
    return t;
  }
  return scalar_tensor(std::get<double>(v), DType::float64, true);
}

}  // namespace kl::python
