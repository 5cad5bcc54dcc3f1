#pragma once
#include <cstdint>
#include <string>

#include "kl/error.h"
#include "kl/half.h"

namespace kl {

enum class DType : uint8_t {
  bool_, int8, int16, int32, int64, uint8, float16, bfloat16, float32, float64, uint16, uint32
};
constexpr int kNumDTypes = 12;

size_t itemsize(DType dt);
const char* dtype_name(DType dt);  // Keras names: "float32", "bool", ...
DType dtype_from_name(const std::string& name);
bool is_floating(DType dt);
bool is_integer(DType dt);  // excludes bool
bool is_signed(DType dt);
// The smallest and largest value of an integer dtype (bool: 0 and 1).
int64_t int_min(DType dt);
int64_t int_max(DType dt);

// JAX/Keras promotion lattice (no int -> float32 silent widening beyond the lattice).
DType promote_types(DType a, DType b);
// promote_types with JAX weak-type rules: a weak operand (a Python scalar) takes the other's
// dtype when its kind (bool < int < float) is not higher.
DType result_dtype(DType a, bool a_weak, DType b, bool b_weak);

template <class T>
struct TypeTag {
  using type = T;
};

// Subsets for visit_dtype: which dtypes a kernel accepts.
enum DTypeSet : unsigned {
  kBool = 1u << int(DType::bool_),
  kInts = (1u << int(DType::int8)) | (1u << int(DType::int16)) | (1u << int(DType::int32)) |
          (1u << int(DType::int64)) | (1u << int(DType::uint8)) | (1u << int(DType::uint16)) |
          (1u << int(DType::uint32)),
  kFloats = (1u << int(DType::float16)) | (1u << int(DType::bfloat16)) |
            (1u << int(DType::float32)) | (1u << int(DType::float64)),
  kNumbers = kInts | kFloats,
  kAll = kNumbers | kBool,
};

// The one switch on dtype in the engine. fn receives TypeTag<T>; dtypes outside `allowed`
// raise "[op] dtype X is not supported".
template <class Fn>
decltype(auto) visit_dtype(DType dt, const char* op, unsigned allowed, Fn&& fn) {
  KL_CHECK(allowed & (1u << int(dt)), "[", op, "] dtype ", dtype_name(dt), " is not supported");
  switch (dt) {
    case DType::bool_: return fn(TypeTag<bool>{});
    case DType::int8: return fn(TypeTag<int8_t>{});
    case DType::int16: return fn(TypeTag<int16_t>{});
    case DType::int32: return fn(TypeTag<int32_t>{});
    case DType::int64: return fn(TypeTag<int64_t>{});
    case DType::uint8: return fn(TypeTag<uint8_t>{});
    case DType::float16: return fn(TypeTag<float16>{});
    case DType::bfloat16: return fn(TypeTag<bfloat16>{});
    case DType::float32: return fn(TypeTag<float>{});
    case DType::float64: return fn(TypeTag<double>{});
    case DType::uint16: return fn(TypeTag<uint16_t>{});
    case DType::uint32: return fn(TypeTag<uint32_t>{});
  }
  throw std::invalid_argument(error_message("[", op, "] unknown dtype"));
}

// Type used for arithmetic on T: half types compute in float.
template <class T> struct compute_type { using type = T; };
template <> struct compute_type<float16> { using type = float; };
template <> struct compute_type<bfloat16> { using type = float; };
template <class T> using compute_t = typename compute_type<T>::type;

}  // namespace kl
