// CPU kernel for Philox4x32-10 random numbers. Element i depends only on (seed, counter, i).
#include <cmath>
#include <type_traits>

#include "cpu/kernels.h"
#include "cpu/strided.h"
#include "kl/random.h"

namespace kl::cpu {
namespace {

std::array<uint32_t, 4> block(uint64_t seed, uint64_t counter) {
  return philox4x32({uint32_t(counter), uint32_t(counter >> 32), 0u, 0u},
                    {uint32_t(seed), uint32_t(seed >> 32)});
}

void random_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& rop = static_cast<const RandomOp&>(op);
  const Tensor& o = out[0];
  int64_t n = o.size();
  const int64_t* state = in[0].data<int64_t>();
  uint64_t seed = uint64_t(state[0]), counter = uint64_t(state[1]) + rop.block_offset();
  RandomKind kind = rop.random_kind();
  visit_dtype(o.dtype(), "random", kFloats | kInts, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = o.data<T>();
    // Four outputs per Philox block; tasks cover whole blocks so no block is split.
    int64_t blocks = (n + 3) / 4;
    parallel_range(blocks, kGrain / 4, [&](int64_t b0, int64_t b1) {
      for (int64_t blk = b0; blk < b1; ++blk) {
        auto r = block(seed, counter + uint64_t(blk));
        T v[4];
        if (kind == RandomKind::bits) {
          for (int j = 0; j < 4; ++j) v[j] = T(int32_t(r[j]));
        } else if (kind == RandomKind::uniform) {
          if constexpr (std::is_same_v<T, double>) {
            auto r2 = block(seed ^ 0x9E3779B97F4A7C15ull, counter + uint64_t(blk));
            for (int j = 0; j < 4; ++j) v[j] = bits_to_unit_double(r[j], r2[j]);
          } else if constexpr (sizeof(T) == 2) {
            // Keep only the bits the half type can hold, so rounding never reaches 1.0.
            constexpr int kBits = std::is_same_v<T, bfloat16> ? 8 : 11;
            for (int j = 0; j < 4; ++j) v[j] = T(float(r[j] >> (32 - kBits)) * (1.0f / (1 << kBits)));
          } else {
            for (int j = 0; j < 4; ++j) v[j] = T(bits_to_unit_float(r[j]));
          }
        } else {  // Box-Muller on lane pairs (0, 1) and (2, 3)
          for (int j = 0; j < 4; j += 2) {
            // All 32 bits, centred: u1 in (0, 1) reaches 2^-33, so tails extend to 6.8 sigma.
            double u1 = (double(r[j]) + 0.5) * (1.0 / 4294967296.0);
            double u2 = double(r[j + 1]) * (1.0 / 4294967296.0);
            double radius = std::sqrt(-2.0 * std::log(u1));
            v[j] = T(radius * std::cos(2.0 * M_PI * u2));
            v[j + 1] = T(radius * std::sin(2.0 * M_PI * u2));
          }
        }
        for (int j = 0; j < 4 && blk * 4 + j < n; ++j) p[blk * 4 + j] = v[j];
      }
    });
  });
}

}  // namespace

void register_random_kernels() { register_kernel(OpKind::random, DeviceKind::cpu, random_kernel); }

}  // namespace kl::cpu
