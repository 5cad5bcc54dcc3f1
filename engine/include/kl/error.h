#pragma once
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace kl {

namespace detail {
inline void append_all(std::ostringstream&) {}
template <class T, class... Rest>
void append_all(std::ostringstream& os, const T& first, const Rest&... rest) {
  os << first;
  append_all(os, rest...);
}
}  // namespace detail

// Builds a message from any streamable pieces: error_message("[add] shapes ", a, " and ", b).
template <class... Parts>
std::string error_message(const Parts&... parts) {
  std::ostringstream os;
  detail::append_all(os, parts...);
  return os.str();
}

}  // namespace kl

// Throws std::invalid_argument (ValueError in Python) when the condition fails.
#define KL_CHECK(cond, ...)                                          \
  do {                                                               \
    if (!(cond)) throw std::invalid_argument(::kl::error_message(__VA_ARGS__)); \
  } while (0)
