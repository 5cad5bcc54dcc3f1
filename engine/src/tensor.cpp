#include "kl/tensor.h"

#include "kl/autograd.h"
#include "kl/error.h"

namespace kl {

bool Tensor::is_contiguous() const {
  const auto& shape = impl_->shape;
  const auto& strides = impl_->strides;
  int64_t expected = 1;
  for (int i = int(shape.size()) - 1; i >= 0; --i) {
    if (shape[i] == 1) continue;
    if (strides[i] != expected) return false;
    expected *= shape[i];
  }
  return true;
}

Tensor Tensor::detach() const {
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = impl_->shape;
  impl->strides = impl_->strides;
  impl->offset = impl_->offset;
  impl->dtype = impl_->dtype;
  impl->device = impl_->device;
  impl->storage = impl_->storage;
  return Tensor(std::move(impl));
}

Tensor empty(const Shape& shape, DType dtype, const Device& device, const char* op) {
  check_shape(shape, itemsize(dtype), op);
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  impl->device = device;
  size_t nbytes = size_t(numel(shape)) * itemsize(dtype);
  try {
    impl->storage = allocate_storage(nbytes, device);
  } catch (const std::bad_alloc&) {
    throw OutOfMemory(error_message("[", op, "] out of memory: cannot allocate ", nbytes,
                                    " bytes (", double(nbytes) / double(1 << 30), " GiB) for a ",
                                    dtype_name(dtype), " tensor of shape ", shape_str(shape)));
  }
  return Tensor(std::move(impl));
}

Tensor make_view(const Tensor& base, Shape shape, Strides strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = std::move(shape);
  impl->strides = std::move(strides);
  impl->offset = offset;
  impl->dtype = base.dtype();
  impl->device = base.device();
  impl->storage = base.storage();
  return Tensor(std::move(impl));
}

}  // namespace kl
