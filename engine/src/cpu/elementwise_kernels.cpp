// CPU kernels: unary, binary, where, cast, copy, full, arange.
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "cpu/kernels.h"
#include "cpu/scalar_math.h"
#include "cpu/simd/vector_loops.h"
#include "cpu/strided.h"

namespace kl::cpu {
namespace {

template <class T>
const VectorLoopsFor<T>* loops_for() {
  if constexpr (std::is_same_v<T, float>) return &vector_loops().f32;
  else if constexpr (std::is_same_v<T, double>) return &vector_loops().f64;
  else return nullptr;
}

// out[i] = f(in[i]) over any strides, with In and Out element types.
template <class In, class Out, class F>
void map1(const Tensor& x, const Tensor& y, F f) {
  const In* px = x.data<In>();
  Out* py = y.data<Out>();
  for_each_row<2>(y.shape(), {broadcast_strides(x, y.shape()), y.strides()},
                  [&](const std::array<int64_t, 2>& off, int64_t n, const std::array<int64_t, 2>& st) {
                    const In* a = px + off[0];
                    Out* b = py + off[1];
                    if (st[0] == 1 && st[1] == 1)
                      for (int64_t i = 0; i < n; ++i) b[i] = f(a[i]);
                    else
                      for (int64_t i = 0; i < n; ++i) b[i * st[1]] = f(a[i * st[0]]);
                  });
}

template <class T, class Out, class F>
void map2(const Tensor& a, const Tensor& b, const Tensor& out, F f) {
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  Out* po = out.data<Out>();
  const Shape& shape = out.shape();
  for_each_row<3>(shape, {broadcast_strides(a, shape), broadcast_strides(b, shape), out.strides()},
                  [&](const std::array<int64_t, 3>& off, int64_t n, const std::array<int64_t, 3>& st) {
                    const T* x = pa + off[0];
                    const T* y = pb + off[1];
                    Out* z = po + off[2];
                    if (st[0] == 1 && st[1] == 1 && st[2] == 1)
                      for (int64_t i = 0; i < n; ++i) z[i] = f(x[i], y[i]);
                    else if (st[0] == 1 && st[1] == 0 && st[2] == 1)
                      for (int64_t i = 0; i < n; ++i) z[i] = f(x[i], y[0]);
                    else
                      for (int64_t i = 0; i < n; ++i) z[i * st[2]] = f(x[i * st[0]], y[i * st[1]]);
                  });
}

// Splits a contiguous length-n loop over the pool.
template <class F>
void split_contiguous(int64_t n, F f) {
  parallel_range(n, kGrain * 2, [&](int64_t b, int64_t e) { f(b, e); });
}

void unary_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  UnaryKind k = static_cast<const UnaryOp&>(op).unary_kind();
  const Tensor &x = in[0], &y = out[0];
  using U = UnaryKind;
  bool predicate = k == U::isnan || k == U::isinf || k == U::isfinite || k == U::logical_not;
  visit_dtype(x.dtype(), op.name(), kAll, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_t<T>;
    if (predicate) {
      map1<T, bool>(x, y, [k](T v) { return unary_predicate<C>(k, C(v)); });
      return;
    }
    if constexpr (std::is_same_v<T, bool>) {
      map1<T, T>(x, y, [k](T v) { return k == U::bitwise_invert ? !v : v; });
    } else if constexpr (std::is_integral_v<T>) {
      if (k == U::bitwise_invert)
        map1<T, T>(x, y, [](T v) { return T(~v); });
      else
        map1<T, T>(x, y, [k](T v) { return unary_any<T>(k, v); });
    } else {
      bool any = k == U::negative || k == U::abs || k == U::sign || k == U::square || k == U::relu;
      if (auto* loops = loops_for<T>()) {
        auto fn = loops->unary[int(k)];
        if (fn && x.is_contiguous() && y.is_contiguous()) {
          const T* px = x.data<T>();
          T* py = y.data<T>();
          split_contiguous(x.size(), [&](int64_t b, int64_t e) { fn(px + b, py + b, e - b); });
          return;
        }
      }
      if (any)
        map1<T, T>(x, y, [k](T v) { return T(unary_any<C>(k, C(v))); });
      else
        map1<T, T>(x, y, [k](T v) { return T(unary_float<C>(k, C(v))); });
    }
  });
}

template <class C, BinaryKind K>
struct ArithOp {
  C operator()(C a, C b) const { return binary_arith<C>(K, a, b); }
};

template <class C, BinaryKind K>
struct CompareOp {
  bool operator()(C a, C b) const { return binary_compare<C>(K, a, b); }
};

// Calls fn(functor) with a functor type for kind k, so element loops are instantiated per
// kind (no per-element switch) and vectorise.
template <class C, class Fn>
void with_arith(BinaryKind k, Fn&& fn) {
  using B = BinaryKind;
  switch (k) {
    case B::add: return fn(ArithOp<C, B::add>{});
    case B::subtract: return fn(ArithOp<C, B::subtract>{});
    case B::multiply: return fn(ArithOp<C, B::multiply>{});
    case B::divide: return fn(ArithOp<C, B::divide>{});
    case B::power: return fn(ArithOp<C, B::power>{});
    case B::maximum: return fn(ArithOp<C, B::maximum>{});
    case B::minimum: return fn(ArithOp<C, B::minimum>{});
    case B::floor_divide: return fn(ArithOp<C, B::floor_divide>{});
    case B::mod: return fn(ArithOp<C, B::mod>{});
    case B::arctan2: return fn(ArithOp<C, B::arctan2>{});
    case B::bitwise_and: return fn(ArithOp<C, B::bitwise_and>{});
    case B::bitwise_or: return fn(ArithOp<C, B::bitwise_or>{});
    case B::bitwise_xor: return fn(ArithOp<C, B::bitwise_xor>{});
    case B::left_shift: return fn(ArithOp<C, B::left_shift>{});
    case B::right_shift: return fn(ArithOp<C, B::right_shift>{});
    default: throw std::invalid_argument(error_message("[", binary_name(k), "] is not arithmetic"));
  }
}

template <class C, class Fn>
void with_compare(BinaryKind k, Fn&& fn) {
  using B = BinaryKind;
  switch (k) {
    case B::equal: return fn(CompareOp<C, B::equal>{});
    case B::not_equal: return fn(CompareOp<C, B::not_equal>{});
    case B::less: return fn(CompareOp<C, B::less>{});
    case B::less_equal: return fn(CompareOp<C, B::less_equal>{});
    case B::greater: return fn(CompareOp<C, B::greater>{});
    case B::greater_equal: return fn(CompareOp<C, B::greater_equal>{});
    case B::logical_and: return fn(CompareOp<C, B::logical_and>{});
    case B::logical_or: return fn(CompareOp<C, B::logical_or>{});
    case B::logical_xor: return fn(CompareOp<C, B::logical_xor>{});
    default: throw std::invalid_argument(error_message("[", binary_name(k), "] is not a comparison"));
  }
}

// a is the full output shape; b is contiguous and equal to its trailing dims (a bias add):
// one SIMD row loop per leading index.
template <class T>
bool try_row_broadcast(typename VectorLoopsFor<T>::Binary fn, const Tensor& a, const Tensor& b,
                       const Tensor& o, bool b_is_row) {
  const Tensor& full = b_is_row ? a : b;
  const Tensor& row = b_is_row ? b : a;
  if (!fn || !full.is_contiguous() || !row.is_contiguous() || !o.is_contiguous() ||
      full.shape() != o.shape() || row.ndim() == 0 || row.ndim() > o.ndim())
    return false;
  for (int i = 1; i <= row.ndim(); ++i)
    if (row.dim(row.ndim() - i) != o.dim(o.ndim() - i)) return false;
  const int64_t len = row.size(), rows = o.size() / std::max<int64_t>(len, 1);
  if (len == 0 || rows <= 1) return false;
  const T* pf = full.data<T>();
  const T* pr = row.data<T>();
  T* po = o.data<T>();
  int64_t rows_per_task = std::max<int64_t>(1, kGrain / len);
  parallel_range(rows, rows_per_task, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      if (b_is_row)
        fn(pf + r * len, pr, po + r * len, len, 0);
      else
        fn(pr, pf + r * len, po + r * len, len, 0);
    }
  });
  return true;
}

// One value seen everywhere: a single element, or a broadcast view with zero strides (the
// cotangent of a sum or mean arrives this way) that the fast paths can read as a scalar.
bool is_uniform(const Tensor& t) {
  if (t.size() == 1) return true;
  for (int i = 0; i < t.ndim(); ++i)
    if (t.dim(i) > 1 && t.strides()[i] != 0) return false;
  return true;
}

void binary_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  BinaryKind k = static_cast<const BinaryOp&>(op).binary_kind();
  const Tensor &a = in[0], &b = in[1], &o = out[0];
  visit_dtype(a.dtype(), op.name(), kAll, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_t<T>;
    if (binary_is_comparison(k)) {
      with_compare<C>(k, [&](auto f) {
        map2<T, bool>(a, b, o, [f](T x, T y) { return f(C(x), C(y)); });
      });
      return;
    }
    if (auto* loops = loops_for<T>()) {
      auto fn = loops->binary[int(k)];
      bool a_scalar = is_uniform(a), b_scalar = is_uniform(b);
      bool a_full = a.shape() == o.shape() && a.is_contiguous();
      bool b_full = b.shape() == o.shape() && b.is_contiguous();
      int mode = a_full && b_full ? 0 : (a_full && b_scalar ? 1 : (b_full && a_scalar ? 2 : -1));
      if (fn && mode >= 0 && o.is_contiguous()) {
        const T* pa = a.data<T>();
        const T* pb = b.data<T>();
        T* po = o.data<T>();
        split_contiguous(o.size(), [&](int64_t s, int64_t e) {
          fn(mode == 2 ? pa : pa + s, mode == 1 ? pb : pb + s, po + s, e - s, mode);
        });
        return;
      }
      if (try_row_broadcast<T>(fn, a, b, o, true) || try_row_broadcast<T>(fn, a, b, o, false))
        return;
    }
    if constexpr (std::is_same_v<T, bool>) {
      map2<T, T>(a, b, o, [k](T x, T y) { return T(binary_arith<C>(k, C(x), C(y))); });
    } else {
      with_arith<C>(k, [&](auto f) {
        map2<T, T>(a, b, o, [f](T x, T y) { return T(f(C(x), C(y))); });
      });
    }
  });
}

void where_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const Tensor &c = in[0], &x = in[1], &y = in[2], &o = out[0];
  visit_dtype(x.dtype(), "where", kAll, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const bool* pc = c.data<bool>();
    const T* px = x.data<T>();
    const T* py = y.data<T>();
    T* po = o.data<T>();
    const Shape& shape = o.shape();
    // Common case (relu's gradient, masking): the condition and output contiguous, each of
    // x and y contiguous or one value (a scalar, or the broadcast cotangent of a sum).
    auto full = [&](const Tensor& t) { return t.shape() == shape && t.is_contiguous(); };
    bool x_one = is_uniform(x), y_one = is_uniform(y);
    if (c.shape() == shape && c.is_contiguous() && o.is_contiguous() &&
        (full(x) || x_one) && (full(y) || y_one)) {
      bool x_scalar = x_one && !full(x), y_scalar = y_one && !full(y);
      // Selecting by index, not by a branch: a data-dependent condition (relu's mask on
      // random activations) mispredicts half the time, which made this loop 8x slower.
      split_contiguous(o.size(), [&](int64_t s, int64_t e) {
        if (x_scalar && y_scalar) {
          const T pick[2] = {py[0], px[0]};
          for (int64_t i = s; i < e; ++i) po[i] = pick[pc[i] ? 1 : 0];
        } else if (y_scalar) {
          T yv = py[0];
          for (int64_t i = s; i < e; ++i) {
            const T pick[2] = {yv, px[i]};
            po[i] = pick[pc[i] ? 1 : 0];
          }
        } else if (x_scalar) {
          T xv = px[0];
          for (int64_t i = s; i < e; ++i) {
            const T pick[2] = {py[i], xv};
            po[i] = pick[pc[i] ? 1 : 0];
          }
        } else {
          for (int64_t i = s; i < e; ++i) {
            const T pick[2] = {py[i], px[i]};
            po[i] = pick[pc[i] ? 1 : 0];
          }
        }
      });
      return;
    }
    for_each_row<4>(shape,
                    {broadcast_strides(c, shape), broadcast_strides(x, shape),
                     broadcast_strides(y, shape), o.strides()},
                    [&](const std::array<int64_t, 4>& off, int64_t n, const std::array<int64_t, 4>& st) {
                      for (int64_t i = 0; i < n; ++i)
                        po[off[3] + i * st[3]] =
                            pc[off[0] + i * st[0]] ? px[off[1] + i * st[1]] : py[off[2] + i * st[2]];
                    });
  });
}

template <class From, class To>
To convert(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return compute_t<From>(v) != compute_t<From>(0);
  } else if constexpr (std::is_integral_v<To> && !std::is_integral_v<From>) {
    // Float to int: NaN and out-of-range values are undefined in C++; pin them like XLA does.
    auto f = double(compute_t<From>(v));
    if (f != f) return To(0);
    if (f >= double(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    if (f <= double(std::numeric_limits<To>::min())) return std::numeric_limits<To>::min();
    return To(f);
  } else {
    return To(compute_t<From>(v));
  }
}

void cast_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  visit_dtype(in[0].dtype(), "cast", kAll, [&](auto from_tag) {
    using From = typename decltype(from_tag)::type;
    visit_dtype(out[0].dtype(), "cast", kAll, [&](auto to_tag) {
      using To = typename decltype(to_tag)::type;
      map1<From, To>(in[0], out[0], [](From v) { return convert<From, To>(v); });
    });
  });
}

void copy_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const Tensor &x = in[0], &y = out[0];
  if (x.is_contiguous() && y.is_contiguous() && x.shape() == y.shape()) {
    const char* src = static_cast<const char*>(x.raw_data());
    char* dst = static_cast<char*>(y.raw_data());
    size_t item = itemsize(x.dtype());
    split_contiguous(x.size(), [&](int64_t b, int64_t e) {
      std::memcpy(dst + b * item, src + b * item, (e - b) * item);
    });
    return;
  }
  // Copy by element size: the bytes are moved, not interpreted. A source broadcast from one
  // element (every stride 0: a broadcast scalar) into a contiguous output is a fill.
  bool one_element = std::all_of(x.strides().begin(), x.strides().end(),
                                 [](int64_t s) { return s == 0; });
  auto by_size = [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (one_element && y.is_contiguous() && x.size() > 0) {
      T value;
      std::memcpy(&value, x.raw_data(), sizeof(T));
      T* dst = static_cast<T*>(y.raw_data());
      split_contiguous(y.size(), [&](int64_t b, int64_t e) { std::fill(dst + b, dst + e, value); });
      return;
    }
    map1<T, T>(x, y, [](T v) { return v; });
  };
  switch (itemsize(x.dtype())) {
    case 1: by_size(TypeTag<uint8_t>{}); break;
    case 2: by_size(TypeTag<uint16_t>{}); break;
    case 4: by_size(TypeTag<uint32_t>{}); break;
    default: by_size(TypeTag<uint64_t>{}); break;
  }
}

void full_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& fop = static_cast<const FullOp&>(op);
  double value = fop.value();
  visit_dtype(out[0].dtype(), "full", kAll, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T v = convert<double, T>(value);
    if constexpr (std::is_integral_v<T>)
      if (fop.is_int()) v = std::is_same_v<T, bool> ? T(fop.int_value() != 0) : T(fop.int_value());
    T* p = out[0].data<T>();
    split_contiguous(out[0].size(), [&](int64_t b, int64_t e) { std::fill(p + b, p + e, v); });
  });
}

void arange_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& a = static_cast<const ArangeOp&>(op);
  visit_dtype(out[0].dtype(), "arange", kNumbers, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = out[0].data<T>();
    for (int64_t i = 0; i < out[0].size(); ++i) p[i] = convert<double, T>(a.start() + double(i) * a.step());
  });
}

}  // namespace

void register_elementwise_kernels() {
  register_kernel(OpKind::unary, DeviceKind::cpu, unary_kernel);
  register_kernel(OpKind::binary, DeviceKind::cpu, binary_kernel);
  register_kernel(OpKind::where, DeviceKind::cpu, where_kernel);
  register_kernel(OpKind::cast, DeviceKind::cpu, cast_kernel);
  register_kernel(OpKind::copy, DeviceKind::cpu, copy_kernel);
  register_kernel(OpKind::full, DeviceKind::cpu, full_kernel);
  register_kernel(OpKind::arange, DeviceKind::cpu, arange_kernel);
}

}  // namespace kl::cpu
