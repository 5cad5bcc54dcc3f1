// CPU kernel of fused element-wise programs (graph mode): each tile of the output runs every
// step of the program through the run-time SIMD loops, intermediates staying in a small
// per-thread buffer. The loops are element-wise, so tiling gives the bits the separate
// unary/binary kernels give on the whole arrays.
#include <vector>

#include "cpu/kernels.h"
#include "cpu/simd/vector_loops.h"
#include "cpu/strided.h"
#include "kl/fused.h"
#include "kl/thread_pool.h"

namespace kl::cpu {
namespace {

constexpr int64_t kTile = 1024;  // elements: a tile of every intermediate fits in L1/L2

template <class T>
void run_program(const FusedElementwiseOp& op, const Tensors& in, Tensors& out) {
  const auto& loops = loops_of<T>();
  const auto& steps = op.steps();
  const int num_inputs = int(in.size());
  std::vector<int> output_of(steps.size(), -1);  // step -> output index
  for (size_t o = 0; o < op.outputs().size(); ++o) output_of[op.outputs()[o]] = int(o);
  std::vector<const T*> input_data(in.size());
  for (int i = 0; i < num_inputs; ++i) input_data[i] = in[i].data<T>();
  const int64_t n = numel(op.shape());
  // Inputs repeating with a period shorter than the output (a bias row) are laid out per tile.
  std::vector<int> repeated_slot(in.size(), -1);
  int num_repeated = 0;
  for (int i = 0; i < num_inputs; ++i)
    if (op.period(i) != 1 && op.period(i) != n) repeated_slot[i] = num_repeated++;
  parallel_range(n, kGrain * 2, [&](int64_t begin, int64_t end) {
    thread_local std::vector<T> scratch;
    scratch.resize((steps.size() + num_repeated) * kTile);
    T* repeated = scratch.data() + steps.size() * kTile;
    std::vector<T*> result(steps.size());
    for (int64_t t0 = begin; t0 < end; t0 += kTile) {
      const int64_t len = std::min(kTile, end - t0);
      for (size_t j = 0; j < steps.size(); ++j)
        result[j] = output_of[j] >= 0 ? out[output_of[j]].data<T>() + t0 : &scratch[j * kTile];
      for (int i = 0; i < num_inputs; ++i) {
        if (repeated_slot[i] < 0) continue;
        const int64_t period = op.period(i);
        T* tile = repeated + repeated_slot[i] * kTile;
        for (int64_t done = 0, at = t0 % period; done < len; at = 0) {
          int64_t count = std::min(period - at, len - done);
          std::copy(input_data[i] + at, input_data[i] + at + count, tile + done);
          done += count;
        }
      }
      // An operand's pointer for this tile, and whether it is one value read everywhere.
      auto operand = [&](int ref, bool* scalar) -> const T* {
        if (ref < num_inputs) {
          *scalar = op.period(ref) == 1;
          if (*scalar) return input_data[ref];
          if (repeated_slot[ref] >= 0) return repeated + repeated_slot[ref] * kTile;
          return input_data[ref] + t0;
        }
        *scalar = false;
        return result[ref - num_inputs];
      };
      for (size_t j = 0; j < steps.size(); ++j) {
        const FusedStep& step = steps[j];
        bool a_scalar = false, b_scalar = false;
        const T* a = operand(step.a, &a_scalar);
        if (step.unary) {
          loops.unary[int(step.unary_kind)](a, result[j], len);
          continue;
        }
        const T* b = operand(step.b, &b_scalar);
        // The binary kernel's modes: 0 both arrays, 1 b a scalar, 2 a a scalar.
        int mode = a_scalar == b_scalar ? 0 : (b_scalar ? 1 : 2);
        loops.binary[int(step.binary_kind)](a, b, result[j], len, mode);
      }
    }
  });
}

void fused_elementwise_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& fop = static_cast<const FusedElementwiseOp&>(op);
  if (fop.dtype() == DType::float32)
    run_program<float>(fop, in, out);
  else if (fop.dtype() == DType::float64)
    run_program<double>(fop, in, out);
  else
    throw std::invalid_argument(error_message("[fused_elementwise] unsupported dtype ",
                                              dtype_name(fop.dtype())));
}

}  // namespace

template <class T>
bool has_loops(UnaryKind* u, BinaryKind* b) {
  const auto& loops = loops_of<T>();
  return u ? loops.unary[int(*u)] != nullptr : loops.binary[int(*b)] != nullptr;
}

bool fusable_elementwise(const Op& op, DType dtype) {
  if (dtype != DType::float32 && dtype != DType::float64) return false;
  if (op.kind() == OpKind::unary) {
    UnaryKind k = static_cast<const UnaryOp&>(op).unary_kind();
    return dtype == DType::float32 ? has_loops<float>(&k, nullptr) : has_loops<double>(&k, nullptr);
  }
  if (op.kind() == OpKind::binary) {
    BinaryKind k = static_cast<const BinaryOp&>(op).binary_kind();
    if (binary_is_comparison(k)) return false;
    return dtype == DType::float32 ? has_loops<float>(nullptr, &k) : has_loops<double>(nullptr, &k);
  }
  return false;
}

void register_fused_kernels() {
  register_kernel(OpKind::fused_elementwise, DeviceKind::cpu, fused_elementwise_kernel);
}

}  // namespace kl::cpu
