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

// An allocation that failed, with the op, shape and byte count in the message (MemoryError).
class OutOfMemory : public std::bad_alloc {
 public:
  explicit OutOfMemory(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

// A singular or non-converging matrix (numpy.linalg.LinAlgError, a ValueError, in Python).
class LinAlgError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

}  // namespace kl

// Throws std::invalid_argument (ValueError in Python) when the condition fails.
#define KL_CHECK(cond, ...)                                          \
  do {                                                               \
    if (!(cond)) throw std::invalid_argument(::kl::error_message(__VA_ARGS__)); \
  } while (0)
