#pragma once
// Register-blocking helpers shared by the micro-kernels compiled once per KL_ISA (conv_loops.cpp,
// gemm_loops.cpp): the vector width and accumulator budget of the instruction set, a vector type
// the compiler keeps in registers, and the split of a row of columns into groups of whole
// vectors, each run by a kernel instance whose vector count is a compile-time constant.
#include <cstdint>
#include <type_traits>

namespace kl::cpu::KL_ISA {
namespace {

#if defined(__AVX512F__)
constexpr int kVectorBytes = 64, kAccumulators = 24;  // of 32 zmm registers
#elif defined(__AVX2__)
constexpr int kVectorBytes = 32, kAccumulators = 12;  // of 16 ymm registers
#else
constexpr int kVectorBytes = 16, kAccumulators = 12;  // of 16 xmm registers
#endif

template <class T>
struct Vec {
  typedef T type __attribute__((vector_size(kVectorBytes)));
  typedef T unaligned __attribute__((vector_size(kVectorBytes), aligned(alignof(T)), may_alias));
  static constexpr int width = kVectorBytes / int(sizeof(T));
  static type load(const T* p) { return *reinterpret_cast<const unaligned*>(p); }
  static void store(T* p, type v) { *reinterpret_cast<unaligned*>(p) = v; }
};

constexpr int kMaxVectors = 4;  // column vectors per block

// Splits F output channels into groups of at most kMaxVectors whole vectors and calls
// block(std::integral_constant<int, vectors>, first channel) for each, so every group runs a
// kernel instance with its vector count fixed at compile time. Returns the first channel past
// the whole vectors (the scalar tail starts there).
template <class T, class Block>
int64_t for_each_vector_group(int64_t F, Block&& block) {
  constexpr int VW = Vec<T>::width;
  int64_t vectors = F / VW, f0 = 0;
  for (; vectors >= kMaxVectors; vectors -= kMaxVectors, f0 += kMaxVectors * VW)
    block(std::integral_constant<int, kMaxVectors>{}, f0);
  switch (vectors) {
    case 3: block(std::integral_constant<int, 3>{}, f0); break;
    case 2: block(std::integral_constant<int, 2>{}, f0); break;
    case 1: block(std::integral_constant<int, 1>{}, f0); break;
    default: break;
  }
  return f0 + vectors * VW;
}

}  // namespace
}  // namespace kl::cpu::KL_ISA
