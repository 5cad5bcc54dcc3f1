// CPU kernel for the fused optimizer updates: splits the elements over the pool and runs the
// per-ISA loop (simd/optimizer_loops.cpp); half types compute in float through the baseline
// instantiation.
#include <type_traits>

#include "cpu/kernels.h"
#include "cpu/simd/vector_loops.h"
#include "cpu/strided.h"
#include "kl/optim.h"

namespace kl::cpu {
namespace baseline {
template <class T>
void update_range_generic(OptimizerKind kind, T* var, const T* grad, T* const* slots,
                          size_t num_slots, const double* s, int64_t begin, int64_t end);
}

namespace {

// in: gradient, scalars (float64); out: variable, slots... (updated in place).
template <class T>
void run_update(const OptimizerUpdateOp& op, const Tensors& in, Tensors& out) {
  T* var = out[0].data<T>();
  const T* grad = in[0].data<T>();
  std::vector<T*> slots;
  for (size_t i = 1; i < out.size(); ++i) slots.push_back(out[i].data<T>());
  const double* scalars = in[1].data<double>();
  OptimizerKind kind = op.optimizer_kind();
  parallel_range(out[0].size(), kGrain, [&](int64_t b, int64_t e) {
    if constexpr (std::is_same_v<T, float>) {
      vector_loops().f32.optimizer(kind, var, grad, slots.data(), slots.size(), scalars, b, e);
    } else if constexpr (std::is_same_v<T, double>) {
      vector_loops().f64.optimizer(kind, var, grad, slots.data(), slots.size(), scalars, b, e);
    } else if constexpr (std::is_same_v<T, float16> || std::is_same_v<T, bfloat16>) {
      baseline::update_range_generic<T>(kind, var, grad, slots.data(), slots.size(), scalars, b,
                                        e);
    }
  });
}

void optimizer_update_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& uop = static_cast<const OptimizerUpdateOp&>(op);
  visit_dtype(out[0].dtype(), op.name(), kFloats, [&](auto tag) {
    using T = typename decltype(tag)::type;
    run_update<T>(uop, in, out);
  });
}

}  // namespace

void register_optim_kernels() {
  register_kernel(OpKind::optimizer_update, DeviceKind::cpu, optimizer_update_kernel);
}

}  // namespace kl::cpu
