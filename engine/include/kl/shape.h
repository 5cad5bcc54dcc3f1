#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace kl {

using Shape = std::vector<int64_t>;
using Strides = std::vector<int64_t>;

// NumPy's limit on the number of dimensions.
constexpr int kMaxRank = 64;

int64_t numel(const Shape& shape);
// Validates a shape an op is about to create: at most kMaxRank dimensions, none negative, and
// an element and byte count that fit in int64. Throws "[op] ..." naming the shape.
void check_shape(const Shape& shape, size_t itemsize, const char* op);
Strides contiguous_strides(const Shape& shape);
std::string shape_str(const Shape& shape);  // "(3, 4)"
// NumPy broadcasting; throws "[op] cannot broadcast shapes (..) and (..)".
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);
// Normalises a possibly negative axis; throws "[op] axis 3 is out of bounds for rank 2".
int normalize_axis(int64_t axis, int rank, const char* op);
std::vector<int> normalize_axes(const std::vector<int64_t>& axes, int rank, const char* op);

}  // namespace kl
