#include "kl/dtype.h"

#include <algorithm>
#include <limits>

namespace kl {
namespace {
struct DTypeInfo {
  const char* name;
  size_t size;
};
constexpr DTypeInfo kInfo[kNumDTypes] = {
    {"bool", 1},    {"int8", 1},     {"int16", 2},     {"int32", 4},   {"int64", 8},
    {"uint8", 1},   {"float16", 2},  {"bfloat16", 2},  {"float32", 4}, {"float64", 8},
    {"uint16", 2},  {"uint32", 4},
};
int kind_rank(DType dt) { return dt == DType::bool_ ? 0 : is_integer(dt) ? 1 : 2; }
}  // namespace

size_t itemsize(DType dt) { return kInfo[int(dt)].size; }
const char* dtype_name(DType dt) { return kInfo[int(dt)].name; }

DType dtype_from_name(const std::string& name) {
  for (int i = 0; i < kNumDTypes; ++i)
    if (name == kInfo[i].name) return DType(i);
  if (name == "bool_") return DType::bool_;
  throw std::invalid_argument(error_message("Unsupported dtype: '", name,
                                            "'. Expected one of bool, int8, int16, int32, int64, "
                                            "uint8, uint16, uint32, float16, bfloat16, float32, "
                                            "float64"));
}

bool is_floating(DType dt) { return (kFloats >> int(dt)) & 1u; }
bool is_integer(DType dt) { return (kInts >> int(dt)) & 1u; }
bool is_signed(DType dt) {
  return dt != DType::bool_ && dt != DType::uint8 && dt != DType::uint16 && dt != DType::uint32;
}

int64_t int_min(DType dt) {
  if (!is_signed(dt)) return 0;
  return -(int64_t(1) << (itemsize(dt) * 8 - 1));
}

int64_t int_max(DType dt) {
  if (dt == DType::bool_) return 1;
  if (itemsize(dt) == 8) return std::numeric_limits<int64_t>::max();
  return is_signed(dt) ? (int64_t(1) << (itemsize(dt) * 8 - 1)) - 1
                       : (int64_t(1) << (itemsize(dt) * 8)) - 1;
}

DType promote_types(DType a, DType b) {
  if (a == b) return a;
  if (a == DType::bool_) return b;
  if (b == DType::bool_) return a;
  if (is_floating(a) && is_floating(b)) {
    bool half_pair = itemsize(a) == 2 && itemsize(b) == 2;  // float16 with bfloat16
    if (half_pair) return DType::float32;
    return itemsize(a) >= itemsize(b) ? a : b;
  }
  if (is_floating(a)) return a;
  if (is_floating(b)) return b;
  // Both integers (JAX's lattice): the wider of two of the same signedness; a signed and an
  // unsigned type meet at the narrowest signed type that holds both (int64 at the top).
  if (is_signed(a) == is_signed(b)) return itemsize(a) >= itemsize(b) ? a : b;
  DType s = is_signed(a) ? a : b, u = is_signed(a) ? b : a;
  if (itemsize(s) > itemsize(u)) return s;
  switch (itemsize(u)) {
    case 1: return DType::int16;
    case 2: return DType::int32;
    default: return DType::int64;
  }
}

DType result_dtype(DType a, bool a_weak, DType b, bool b_weak) {
  if (a_weak == b_weak) return promote_types(a, b);
  DType strong = a_weak ? b : a, weak = a_weak ? a : b;
  if (kind_rank(weak) <= kind_rank(strong)) return strong;
  return is_floating(weak) ? DType::float32 : DType::int32;
}

}  // namespace kl
