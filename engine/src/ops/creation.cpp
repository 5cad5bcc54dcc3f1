// Creation ops (arange, full, random) and in-place assignment.
#include "kl/autograd.h"
#include "kl/ops.h"

namespace kl {

std::vector<TensorSpec> ArangeOp::infer(const Tensors&) const {
  KL_CHECK(n_ >= 0, "[arange] negative length ", n_);
  return {{{n_}, dtype_}};
}

std::vector<TensorSpec> FullOp::infer(const Tensors&) const { return {{shape_, dtype_}}; }

std::vector<TensorSpec> RandomOp::infer(const Tensors& in) const {
  KL_CHECK(in.size() == 1 && in[0].dtype() == DType::int64 && in[0].shape() == Shape{2},
           "[random] the state must be an int64 tensor [seed, counter] of shape (2,), received ",
           in.empty() ? std::string("nothing") : shape_str(in[0].shape()));
  if (k_ != RandomKind::bits)
    KL_CHECK(is_floating(dtype_), "[random] expected a floating dtype, received ", dtype_name(dtype_));
  else
    KL_CHECK(dtype_ == DType::int32 || dtype_ == DType::int64, "[random] bits need int32 or int64");
  return {{shape_, dtype_}};
}

Tensor arange(double start, double step, int64_t n, DType dtype, const Device& device) {
  return call1<ArangeOp>({}, start, step, n, dtype, device);
}

Tensor full(const Shape& shape, double value, DType dtype, const Device& device) {
  return call1<FullOp>({}, shape, value, dtype, device);
}

Tensor full_int(const Shape& shape, int64_t value, DType dtype, const Device& device) {
  if (is_integer(dtype) && dtype != DType::int64) {
    if (value < int_min(dtype) || value > int_max(dtype))
      throw std::overflow_error(error_message("[full] Python integer ", value,
                                              " out of bounds for ", dtype_name(dtype)));
  }
  return call1<FullOp>({}, shape, value, dtype, device);
}

Tensor zeros_like(const Tensor& x) { return full(x.shape(), 0.0, x.dtype(), x.device()); }
Tensor ones_like(const Tensor& x) { return full(x.shape(), 1.0, x.dtype(), x.device()); }
Tensor scalar_like(double value, const Tensor& x) { return full({}, value, x.dtype(), x.device()); }

Tensor scalar_to_device(const Tensor& scalar, const Device& device) {
  if (scalar.device() == device || !scalar.weak() || scalar.ndim() != 0 ||
      scalar.device().kind != DeviceKind::cpu)
    return scalar;
  double value = visit_dtype(scalar.dtype(), "scalar", kAll, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return double(compute_t<T>(*scalar.data<T>()));
  });
  Tensor moved = full({}, value, scalar.dtype(), device);
  moved.impl()->weak = true;
  return moved;
}

Tensor random(RandomKind k, const Shape& shape, DType dtype, const Tensor& state,
              uint64_t block_offset) {
  return call1<RandomOp>({state}, k, shape, dtype, block_offset);
}

Tensor random(RandomKind k, const Shape& shape, DType dtype, uint64_t seed, uint64_t counter,
              const Device& device) {
  Tensor state = concatenate({reshape(full_int({}, int64_t(seed), DType::int64, device), {1}),
                              reshape(full_int({}, int64_t(counter), DType::int64, device), {1})},
                             0);
  return random(k, shape, dtype, state, 0);
}

void assign(const Tensor& dst, const Tensor& src) {
  KL_CHECK(dst.storage()->writable(), "[assign] the destination is read-only (borrowed memory)");
  Shape b = broadcast_shapes(src.shape(), dst.shape(), "assign");
  KL_CHECK(b == dst.shape(), "[assign] cannot assign a value of shape ", shape_str(src.shape()),
           " to a tensor of shape ", shape_str(dst.shape()));
  Tensor value = src.dtype() == dst.dtype() ? src : cast(src, dst.dtype());
  // Overlapping source and destination (x[::-1] into x) must be read before it is written.
  if (value.storage() == dst.storage()) value = copy(value);
  value = broadcast_to(value, dst.shape());
  dispatch_inplace(std::make_shared<const CopyOp>(), {value}, {dst});
}

}  // namespace kl
