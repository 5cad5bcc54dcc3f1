#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "kl/device.h"
#include "kl/dtype.h"
#include "kl/shape.h"
#include "kl/storage.h"

namespace kl {

struct Node;

struct TensorImpl {
  Shape shape;
  Strides strides;  // in elements
  int64_t offset = 0;  // in elements
  DType dtype = DType::float32;
  Device device;
  std::shared_ptr<Storage> storage;
  std::shared_ptr<Node> grad_node;  // the op that produced this tensor while recording
  int output_index = 0;             // which output of grad_node this is
  bool requires_grad = false;
  bool weak = false;  // a Python scalar: promotes like JAX's weak types
};

// A value handle to a shared TensorImpl. Views share storage.
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl_->shape; }
  const Strides& strides() const { return impl_->strides; }
  int64_t offset() const { return impl_->offset; }
  int ndim() const { return int(impl_->shape.size()); }
  int64_t dim(int axis) const { return impl_->shape[axis]; }
  int64_t size() const { return numel(impl_->shape); }
  DType dtype() const { return impl_->dtype; }
  const Device& device() const { return impl_->device; }
  const std::shared_ptr<Storage>& storage() const { return impl_->storage; }
  bool is_contiguous() const;
  bool requires_grad() const { return impl_->requires_grad; }
  void set_requires_grad(bool value) { impl_->requires_grad = value; }
  bool weak() const { return impl_->weak; }
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

  template <class T>
  T* data() const {
    return static_cast<T*>(impl_->storage->data()) + impl_->offset;
  }
  void* raw_data() const {
    return static_cast<char*>(impl_->storage->data()) + impl_->offset * itemsize(dtype());
  }

  // Same storage and layout, no autograd history.
  Tensor detach() const;

 private:
  std::shared_ptr<TensorImpl> impl_;
};

// A fresh contiguous tensor with uninitialised memory; `op` names the caller in errors.
Tensor empty(const Shape& shape, DType dtype, const Device& device = {}, const char* op = "empty");
// A view into existing storage.
Tensor make_view(const Tensor& base, Shape shape, Strides strides, int64_t offset);

}  // namespace kl
