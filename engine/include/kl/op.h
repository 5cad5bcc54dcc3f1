#pragma once
#include <memory>
#include <vector>

#include "kl/tensor.h"

namespace kl {

// Every primitive has one OpKind; the kernel table is indexed by it.
enum class OpKind : uint8_t {
  unary, binary, where, cast, reduce, arg_reduce, matmul, copy,
  reshape, transpose, slice, broadcast_to,
  concatenate, pad, take, scatter, take_along_axis, scatter_along_axis,
  cumulative, sort, softmax, log_softmax,
  arange, full, random,
  cholesky, triangular_solve, lu, qr, svd, eigh,
  custom_vjp, optimizer_update, patches, patches_adjoint, max_pool, max_pool_adjoint,
  max_pool_gather,
  bias_activation, bias_activation_grad, conv2d, conv2d_filter_grad,
  lstm_sequence, lstm_sequence_grad, gru_sequence, gru_sequence_grad, simple_rnn_sequence,
  simple_rnn_sequence_grad, attention, attention_grad, fused_elementwise,
  count_
};
constexpr int kNumOpKinds = int(OpKind::count_);
const char* op_kind_name(OpKind kind);

struct TensorSpec {
  Shape shape;
  DType dtype;
};

using Tensors = std::vector<Tensor>;

// The base of every primitive. `infer` needs no data (so meta tensors and a future compiled
// step can use it); `vjp` is written with engine ops so gradients run on any device and nest.
class Op {
 public:
  virtual ~Op() = default;
  virtual OpKind kind() const = 0;
  virtual const char* name() const = 0;
  virtual std::vector<TensorSpec> infer(const Tensors& inputs) const = 0;
  // Cotangents for each input; an undefined Tensor means "zero". `outputs` are only defined
  // when needs_outputs() is true.
  virtual Tensors vjp(const Tensors& inputs, const Tensors& outputs,
                      const Tensors& cotangents) const;
  virtual bool differentiable() const { return true; }
  virtual bool needs_outputs() const { return false; }
  // A relu between two ops can be differentiated on the smaller side (see grad()):
  // - ops whose output 0 is relu(z) of a fused epilogue take z's cotangent and its column sums
  //   (the bias gradient) instead of their output's cotangent;
  virtual bool has_relu_epilogue() const { return false; }
  virtual Tensors vjp_before_relu(const Tensors& inputs, const Tensor& z_ct,
                                  const Tensor& z_ct_column_sums) const;
  // - ops whose gradient commutes with the relu's mask on their input 0 return that input's
  //   pre-relu cotangent and its column sums, or nothing where they cannot.
  virtual Tensors vjp_through_relu(const Tensors& inputs, const Tensors& outputs,
                                   const Tensors& cotangents) const {
    return {};
  }
  // View ops alias their input's storage instead of running a kernel.
  virtual bool is_view() const { return false; }
  virtual Tensors make_view(const Tensors& inputs) const { return {}; }
  // Ops that take no tensor inputs (creation, random) say where their output lives.
  virtual Device output_device(const Tensors& inputs) const;
  // Whether the kernel needs input `index` contiguous. The dispatcher then hands the kernel a
  // contiguous copy, made through dispatch, so kernels never allocate or call ops themselves.
  virtual bool needs_contiguous(size_t index, const Tensor& input) const { return false; }
  // Temporary buffers the kernel needs, sized from the inputs alone; the dispatcher allocates
  // them (so a recorded plan can place them in its arena) and frees them after the kernel.
  virtual std::vector<TensorSpec> scratch(const Tensors& inputs) const { return {}; }
  // Whether `other`, an op of the same kind(), computes the same function of the same inputs
  // (the same kernel, so the same bits): a captured graph then runs one node for both
  // (common-subexpression elimination). False unless the op compares its attributes.
  virtual bool same_computation(const Op& other) const { return false; }
};

using OpPtr = std::shared_ptr<const Op>;
using Kernel = void (*)(const Op& op, const Tensors& inputs, Tensors& outputs, Tensors& scratch);

void register_kernel(OpKind kind, DeviceKind device, Kernel kernel);
Kernel find_kernel(OpKind kind, DeviceKind device);  // nullptr when missing

// The only way into a kernel. infer -> allocate on the inputs' device -> stage contiguous
// inputs -> run the kernel (skipped on meta) -> record a grad node when a tape is recording and
// an input requires grad.
Tensors dispatch(const OpPtr& op, const Tensors& inputs);
Tensor dispatch1(const OpPtr& op, const Tensors& inputs);
// In-place ops (assign, optimizer updates): the kernel reads `inputs` and writes `targets`,
// which must be writable and on the inputs' device. Never recorded for gradients.
void dispatch_inplace(const OpPtr& op, const Tensors& inputs, const Tensors& targets);

// Graph replay with a memory plan: the outputs were allocated (with the shapes and dtypes the
// traced call's infer gave), so only staging and the kernel run; never recorded.
void dispatch_into(const OpPtr& op, const Tensors& inputs, Tensors& outputs);

// Kernel runs per op kind on this thread since it started: lets tests see that every path goes
// through dispatch (and a future recorder hook in at the same place).
uint64_t dispatch_count(OpKind kind);

// Kernel wall time per op kind on this thread: set_op_timing(true) clears and starts it.
struct OpTiming {
  uint64_t calls = 0;
  uint64_t nanoseconds = 0;
};
void set_op_timing(bool on);
OpTiming op_timing(OpKind kind);

template <class OpT, class... Args>
Tensor call1(const Tensors& inputs, Args&&... args) {
  return dispatch1(std::make_shared<const OpT>(std::forward<Args>(args)...), inputs);
}
template <class OpT, class... Args>
Tensors call(const Tensors& inputs, Args&&... args) {
  return dispatch(std::make_shared<const OpT>(std::forward<Args>(args)...), inputs);
}

// Initialises the kernel table once (CPU always; CUDA when built).
void init_engine();

}  // namespace kl
