#pragma once
// One name table per enum, shared by op names, error messages and the Python bindings, so a
// new enum value cannot get out of step with its name.
#include <cstddef>
#include <stdexcept>
#include <string>

#include "kl/optim.h"
#include "kl/primitives.h"

namespace kl {

inline constexpr const char* kReduceKindNames[] = {"sum", "prod", "max", "min", "any", "all"};
inline constexpr const char* kCumulativeKindNames[] = {"sum", "prod", "max", "min"};
inline constexpr const char* kRandomKindNames[] = {"uniform", "normal", "bits"};
inline constexpr const char* kScatterModeNames[] = {"add", "update", "max", "min"};
inline constexpr const char* kOptimizerKindNames[] = {"sgd",   "adam", "rmsprop", "adagrad",
                                                      "adamax", "lion", "nadam",   "adadelta"};
inline constexpr const char* kRecurrentActivationNames[] = {"linear", "tanh", "sigmoid", "relu"};
static_assert(std::size(kOptimizerKindNames) == size_t(OptimizerKind::count_), "optimizer names");

// The enum value named `name`; throws "[what] unknown name 'x' (expected a, b, ...)".
template <class Enum, size_t N>
Enum enum_from_name(const std::string& name, const char* const (&names)[N], const char* what) {
  std::string expected;
  for (size_t i = 0; i < N; ++i) {
    if (name == names[i]) return Enum(i);
    expected += (i ? ", " : "") + std::string(names[i]);
  }
  throw std::invalid_argument("[" + std::string(what) + "] unknown name '" + name +
                              "' (expected one of " + expected + ")");
}

}  // namespace kl
