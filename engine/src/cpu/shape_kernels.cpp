// CPU kernels: concatenate and pad (both copy blocks of bytes).
#include "cpu/kernels.h"
#include "cpu/strided.h"
#include "kl/ops.h"

namespace kl::cpu {
namespace {

// Copies src (any strides) into the matching view of a contiguous dst.
void copy_into(const Tensor& dst_view, const Tensor& src) {
  Kernel copy = find_kernel(OpKind::copy, DeviceKind::cpu);
  Tensors outs{dst_view};
  Tensors no_scratch;
  copy(CopyOp(), {src}, outs, no_scratch);
}

void concatenate_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  int axis = static_cast<const ConcatenateOp&>(op).axis();
  const Tensor& o = out[0];
  int64_t at = 0;
  for (const auto& t : in) {
    Shape shape = t.shape();
    int64_t offset = at * o.strides()[axis];
    at += t.dim(axis);
    if (t.size() == 0) continue;
    copy_into(make_view(o, shape, o.strides(), o.offset() + offset), t);
  }
}

void pad_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& pop = static_cast<const PadOp&>(op);
  const Tensor &x = in[0], &o = out[0];
  Kernel fill = find_kernel(OpKind::full, DeviceKind::cpu);
  Tensors outs{o};
  Tensors no_scratch;
  fill(FullOp(o.shape(), pop.value(), o.dtype(), o.device()), {}, outs, no_scratch);
  if (x.size() == 0) return;
  int64_t offset = 0;
  for (int i = 0; i < x.ndim(); ++i) offset += pop.before()[i] * o.strides()[i];
  copy_into(make_view(o, x.shape(), o.strides(), o.offset() + offset), x);
}

}  // namespace

void register_shape_kernels() {
  register_kernel(OpKind::concatenate, DeviceKind::cpu, concatenate_kernel);
  register_kernel(OpKind::pad, DeviceKind::cpu, pad_kernel);
}

}  // namespace kl::cpu
