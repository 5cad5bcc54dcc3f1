#pragma once
#include <cstdint>
#include <functional>

namespace kl {

// One persistent pool; the calling thread takes part. Work is split into tasks whose
// boundaries depend only on the problem size, never on the thread count, so results are
// bit-identical for any number of threads.
constexpr int kMaxThreads = 1024;
int num_threads();
// Throws (and keeps the current size) for n outside [1, kMaxThreads] or when threads cannot
// be started.
void set_num_threads(int n);
int default_num_threads();  // usable cores (affinity mask)

// Runs fn(task) for task in [0, num_tasks).
void parallel_for(int64_t num_tasks, const std::function<void(int64_t)>& fn);

// Runs fn(begin, end) over [0, n) in chunks of `grain` elements, in parallel when n is large.
void parallel_range(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

// Sets flush-to-zero / denormals-are-zero for the current thread; restores on destruction.
class DenormalGuard {
 public:
  DenormalGuard();
  ~DenormalGuard();

 private:
  unsigned saved_;
};

}  // namespace kl
