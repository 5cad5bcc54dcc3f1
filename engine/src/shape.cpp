#include "kl/shape.h"

#include <algorithm>

#include "kl/error.h"

namespace kl {

int64_t numel(const Shape& shape) {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

void check_shape(const Shape& shape, size_t itemsize, const char* op) {
  KL_CHECK(shape.size() <= size_t(kMaxRank), "[", op, "] tensors have at most ", kMaxRank,
           " dimensions; received a shape with ", shape.size());
  int64_t n = 1;
  bool overflow = false;
  for (auto d : shape) {
    KL_CHECK(d >= 0, "[", op, "] negative dimension in shape ", shape_str(shape));
    overflow = overflow || __builtin_mul_overflow(n, d, &n);
  }
  int64_t bytes = 0;
  overflow = overflow || __builtin_mul_overflow(n, int64_t(itemsize), &bytes);
  KL_CHECK(!overflow, "[", op, "] shape ", shape_str(shape),
           " is too large: its size in bytes does not fit in 64 bits");
}

Strides contiguous_strides(const Shape& shape) {
  Strides s(shape.size());
  int64_t acc = 1;
  for (int i = int(shape.size()) - 1; i >= 0; --i) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

std::string shape_str(const Shape& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  if (a == b) return a;
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    KL_CHECK(da == db || da == 1 || db == 1, "[", op, "] cannot broadcast shapes ", shape_str(a),
             " and ", shape_str(b));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int normalize_axis(int64_t axis, int rank, const char* op) {
  if (axis < -rank || axis >= rank)
    throw std::out_of_range(error_message("[", op, "] axis ", axis, " is out of bounds for a tensor of rank ", rank));
  return int(axis < 0 ? axis + rank : axis);
}

std::vector<int> normalize_axes(const std::vector<int64_t>& axes, int rank, const char* op) {
  std::vector<int> out;
  for (auto a : axes) out.push_back(normalize_axis(a, rank, op));
  std::sort(out.begin(), out.end());
  KL_CHECK(std::adjacent_find(out.begin(), out.end()) == out.end(), "[", op,
           "] repeated axis in ", shape_str(Shape(axes.begin(), axes.end())));
  return out;
}

}  // namespace kl
