// Compiled once per KL_ISA (see engine/CMakeLists.txt). Plain loops that GCC vectorises.
#include "cpu/simd/vector_loops.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cpu/simd/vmath.h"

namespace kl::cpu::KL_ISA {
namespace {

template <class T> T v_exp(T x) { return std::exp(x); }
template <> float v_exp(float x) { return vmath::exp(x); }
template <class T> T v_log(T x) { return std::log(x); }
template <> float v_log(float x) { return vmath::log(x); }
template <class T> T v_log1p(T x) { return std::log1p(x); }
template <> float v_log1p(float x) { return vmath::log1p(x); }
template <class T> T v_expm1(T x) { return std::expm1(x); }
template <> float v_expm1(float x) { return vmath::expm1(x); }
template <class T> T v_tanh(T x) { return std::tanh(x); }
template <> float v_tanh(float x) { return vmath::tanh(x); }
template <class T> T v_sigmoid(T x) { return T(1) / (T(1) + v_exp(-x)); }
template <class T> T v_softplus(T x) {
  T ax = x < T(0) ? -x : x;
  return (x > T(0) ? x : T(0)) + v_log1p(v_exp(-ax));
}

template <class T, class F>
void unary_loop(const T* __restrict x, T* __restrict y, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

// One functor per operation; unary_fn / binary_fn turn them into loops.
struct Negative {
  template <class T>
  T operator()(T v) const { return -v; }
};
struct Abs {
  template <class T>
  T operator()(T v) const { return v < T(0) ? -v : v; }
};
struct Exp {
  template <class T>
  T operator()(T v) const { return v_exp(v); }
};
struct Expm1 {
  template <class T>
  T operator()(T v) const { return v_expm1(v); }
};
struct Log {
  template <class T>
  T operator()(T v) const { return v_log(v); }
};
struct Log1p {
  template <class T>
  T operator()(T v) const { return v_log1p(v); }
};
struct Sqrt {
  template <class T>
  T operator()(T v) const { return std::sqrt(v); }
};
struct Rsqrt {
  template <class T>
  T operator()(T v) const { return T(1) / std::sqrt(v); }
};
struct Square {
  template <class T>
  T operator()(T v) const { return v * v; }
};
struct Reciprocal {
  template <class T>
  T operator()(T v) const { return T(1) / v; }
};
struct Tanh {
  template <class T>
  T operator()(T v) const { return v_tanh(v); }
};
struct Sigmoid {
  template <class T>
  T operator()(T v) const { return v_sigmoid(v); }
};
struct Relu {
  template <class T>
  T operator()(T v) const { return v > T(0) ? v : (v != v ? v : T(0)); }
};
struct Softplus {
  template <class T>
  T operator()(T v) const { return v_softplus(v); }
};
template <class T, class F>
void unary_fn(const T* x, T* y, int64_t n) {
  unary_loop(x, y, n, F{});
}

template <class T, class F>
void binary_loop(const T* __restrict a, const T* __restrict b, T* __restrict out, int64_t n,
                 int mode, F f) {
  if (mode == 0) {
    for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
  } else if (mode == 1) {
    const T s = b[0];
    for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], s);
  } else {
    const T s = a[0];
    for (int64_t i = 0; i < n; ++i) out[i] = f(s, b[i]);
  }
}

struct AddOp {
  template <class T>
  T operator()(T x, T y) const { return x + y; }
};
struct SubtractOp {
  template <class T>
  T operator()(T x, T y) const { return x - y; }
};
struct MultiplyOp {
  template <class T>
  T operator()(T x, T y) const { return x * y; }
};
struct DivideOp {
  template <class T>
  T operator()(T x, T y) const { return x / y; }
};
struct MaximumOp {
  template <class T>
  T operator()(T x, T y) const { return x > y || x != x ? x : y; }
};
struct MinimumOp {
  template <class T>
  T operator()(T x, T y) const { return x < y || x != x ? x : y; }
};
template <class T, class F>
void binary_fn(const T* a, const T* b, T* out, int64_t n, int mode) {
  binary_loop(a, b, out, n, mode, F{});
}

// 8 independent accumulators of 16 lanes each keep the FMA pipes busy; the fixed combination
// order keeps the result independent of where the loop is split.
template <class T>
T sum_loop(const T* __restrict x, int64_t n) {
  constexpr int kLanes = 64 / sizeof(T) * 4;
  T acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) acc[j] += x[i + j];
  T tail = 0;
  for (; i < n; ++i) tail += x[i];
  for (int width = kLanes / 2; width > 0; width /= 2)
    for (int j = 0; j < width; ++j) acc[j] += acc[j + width];
  return acc[0] + tail;
}

template <class T>
T max_loop(const T* __restrict x, int64_t n) {
  constexpr int kLanes = 64 / sizeof(T);
  T acc[kLanes];
  bool nan = false;
  for (int j = 0; j < kLanes; ++j) acc[j] = -std::numeric_limits<T>::infinity();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) {
      T v = x[i + j];
      nan |= v != v;
      acc[j] = v > acc[j] ? v : acc[j];
    }
  T m = -std::numeric_limits<T>::infinity();
  for (; i < n; ++i) {
    nan |= x[i] != x[i];
    m = x[i] > m ? x[i] : m;
  }
  for (int j = 0; j < kLanes; ++j) m = acc[j] > m ? acc[j] : m;
  return nan ? std::numeric_limits<T>::quiet_NaN() : m;
}

// Subtracting the maximum first keeps (x - m) exact, so log-softmax loses no ulp of m.
template <class T>
void softmax_row(const T* __restrict x, T* __restrict y, int64_t n, bool log) {
  T m = max_loop(x, n);
  if (!std::isfinite(m)) m = m != m ? m : T(0);
  for (int64_t i = 0; i < n; ++i) y[i] = v_exp(x[i] - m);
  T s = sum_loop(y, n);
  if (log) {
    T ls = v_log(s);
    for (int64_t i = 0; i < n; ++i) y[i] = (x[i] - m) - ls;
  } else {
    T inv = T(1) / s;
    for (int64_t i = 0; i < n; ++i) y[i] *= inv;
  }
}

// Softmax of `rows` contiguous rows of n < one cache line of elements each. Row by row such a
// row is all tail and its exponentials run one at a time; here they run as one vector loop over
// the whole block. The per-row maximum and sum are the ones softmax_row computes (a row this
// short is summed in order from zero there too), so the bits are the same.
template <class T>
void softmax_short_rows(const T* __restrict x, T* __restrict y, int64_t rows, int64_t n,
                        bool log) {
  constexpr int64_t kBlockRows = 64;
  for (int64_t r0 = 0; r0 < rows; r0 += kBlockRows) {
    int64_t count = std::min(kBlockRows, rows - r0);
    const T* xb = x + r0 * n;
    T* yb = y + r0 * n;
    for (int64_t r = 0; r < count; ++r) {
      T m = max_loop(xb + r * n, n);
      if (!std::isfinite(m)) m = m != m ? m : T(0);
      for (int64_t i = 0; i < n; ++i) yb[r * n + i] = xb[r * n + i] - m;
    }
    if (log) {
      for (int64_t r = 0; r < count; ++r) {
        T s = 0;
        for (int64_t i = 0; i < n; ++i) s += v_exp(yb[r * n + i]);
        T ls = v_log(s);
        for (int64_t i = 0; i < n; ++i) yb[r * n + i] -= ls;
      }
      continue;
    }
    for (int64_t i = 0; i < count * n; ++i) yb[i] = v_exp(yb[i]);
    for (int64_t r = 0; r < count; ++r) {
      T s = 0;
      for (int64_t i = 0; i < n; ++i) s += yb[r * n + i];
      T inv = T(1) / s;
      for (int64_t i = 0; i < n; ++i) yb[r * n + i] *= inv;
    }
  }
}

template <class T>
void fill(VectorLoopsFor<T>& t) {
  using U = UnaryKind;
  using B = BinaryKind;
  t.unary[int(U::negative)] = unary_fn<T, Negative>;
  t.unary[int(U::abs)] = unary_fn<T, Abs>;
  t.unary[int(U::exp)] = unary_fn<T, Exp>;
  t.unary[int(U::expm1)] = unary_fn<T, Expm1>;
  t.unary[int(U::log)] = unary_fn<T, Log>;
  t.unary[int(U::log1p)] = unary_fn<T, Log1p>;
  t.unary[int(U::sqrt)] = unary_fn<T, Sqrt>;
  t.unary[int(U::rsqrt)] = unary_fn<T, Rsqrt>;
  t.unary[int(U::square)] = unary_fn<T, Square>;
  t.unary[int(U::reciprocal)] = unary_fn<T, Reciprocal>;
  t.unary[int(U::tanh)] = unary_fn<T, Tanh>;
  t.unary[int(U::sigmoid)] = unary_fn<T, Sigmoid>;
  t.unary[int(U::relu)] = unary_fn<T, Relu>;
  t.unary[int(U::softplus)] = unary_fn<T, Softplus>;
  t.binary[int(B::add)] = binary_fn<T, AddOp>;
  t.binary[int(B::subtract)] = binary_fn<T, SubtractOp>;
  t.binary[int(B::multiply)] = binary_fn<T, MultiplyOp>;
  t.binary[int(B::divide)] = binary_fn<T, DivideOp>;
  t.binary[int(B::maximum)] = binary_fn<T, MaximumOp>;
  t.binary[int(B::minimum)] = binary_fn<T, MinimumOp>;
  t.sum = sum_loop<T>;
  t.max = max_loop<T>;
  t.softmax_row = softmax_row<T>;
  t.softmax_short_rows = softmax_short_rows<T>;
}
}  // namespace

void fill_optimizer_loops(VectorLoops& loops);
void fill_conv_loops(VectorLoops& loops);
void fill_recurrent_loops(VectorLoops& loops);
void fill_gemm_loops(VectorLoops& loops);

void fill_vector_loops(VectorLoops& loops) {
  loops.isa = KL_ISA_NAME;
  fill(loops.f32);
  fill(loops.f64);
  fill_optimizer_loops(loops);
  fill_conv_loops(loops);
  fill_recurrent_loops(loops);
  fill_gemm_loops(loops);
}

}  // namespace kl::cpu::KL_ISA
