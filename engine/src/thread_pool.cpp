#include "kl/thread_pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include <sched.h>
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define KL_X86 1
#endif

#include "kl/error.h"

namespace kl {

DenormalGuard::DenormalGuard() {
#ifdef KL_X86
  saved_ = _mm_getcsr();
  _mm_setcsr(saved_ | 0x8040u);  // FTZ (bit 15) | DAZ (bit 6)
#else
  saved_ = 0;
#endif
}
DenormalGuard::~DenormalGuard() {
#ifdef KL_X86
  _mm_setcsr(saved_);
#endif
}

namespace {

thread_local bool t_in_worker = false;

// Workers spin for a short while after each region before sleeping: back-to-back ops (the
// common case in a training step) then start within a microsecond instead of paying a futex
// wake-up, which costs tens of microseconds on virtual machines.
class ThreadPool {
 public:
  explicit ThreadPool(int n) { resize(n); }
  ~ThreadPool() { stop_workers(); }

  void resize(int n) {
    std::lock_guard<std::mutex> run_lock(run_mutex_);
    stop_workers();
    stop_.store(false);
    for (int i = 0; i < n - 1; ++i) workers_.emplace_back([this] { worker_loop(); });
  }

  void run(int64_t num_tasks, const std::function<void(int64_t)>& fn) {
    if (num_tasks <= 0) return;
    if (num_tasks == 1 || workers_.empty() || t_in_worker) {
      for (int64_t t = 0; t < num_tasks; ++t) fn(t);
      return;
    }
    std::lock_guard<std::mutex> run_lock(run_mutex_);  // one parallel region at a time
    // A worker still leaving the previous region may be between taking a task number and
    // comparing it with the task count: were the count replaced first, it would run a task of
    // this region twice, and its done count could let run() return while a task still runs.
    // So close the task counter, wait until no worker is inside work(), then publish.
    next_.store(kClosed);
    for (int spin = 0; active_.load() != 0; ++spin) {
      if (spin < 1000)
        cpu_relax();
      else
        std::this_thread::yield();
    }
    fn_.store(&fn);
    num_tasks_.store(num_tasks);
    done_.store(0);
    next_.store(0);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1);
    }
    cv_.notify_all();
    t_in_worker = true;
    work();
    t_in_worker = false;
    for (int spin = 0; done_.load(std::memory_order_acquire) < num_tasks; ++spin) {
      if (spin < 200000) {
        cpu_relax();
        continue;
      }
      std::unique_lock<std::mutex> lock(mutex_);
      done_cv_.wait(lock, [&] { return done_.load() >= num_tasks; });
    }
    std::exception_ptr error;
    {
      std::lock_guard<std::mutex> lock(error_mutex_);
      std::swap(error, error_);
    }
    if (error) std::rethrow_exception(error);
  }

 private:
  static void cpu_relax() {
#ifdef KL_X86
    _mm_pause();
#endif
  }

  // A task that throws must not unwind past the region while other threads still run tasks
  // that reference the caller's function: record the first error, finish, rethrow in run().
  void work() {
    active_.fetch_add(1);
    int64_t t;
    while ((t = next_.fetch_add(1)) < num_tasks_.load()) {
      try {
        (*fn_.load())(t);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex_);
        if (!error_) error_ = std::current_exception();
      }
      if (done_.fetch_add(1) + 1 == num_tasks_.load()) {
        std::lock_guard<std::mutex> lock(mutex_);
        done_cv_.notify_all();
      }
    }
    active_.fetch_sub(1);
  }

  bool wait_for_work(uint64_t seen) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
    for (int spin = 0;; ++spin) {
      if (generation_.load(std::memory_order_acquire) != seen || stop_.load()) return true;
      cpu_relax();
      if ((spin & 255) == 255 && std::chrono::steady_clock::now() > deadline) break;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [&] { return stop_.load() || generation_.load() != seen; });
    return true;
  }

  void worker_loop() {
    t_in_worker = true;
    DenormalGuard ftz;  // for the life of the worker
    uint64_t seen = generation_.load();
    for (;;) {
      wait_for_work(seen);
      if (stop_.load()) return;
      seen = generation_.load();
      work();
    }
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_.store(true);
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::mutex run_mutex_, mutex_, error_mutex_;
  std::exception_ptr error_;
  std::condition_variable cv_, done_cv_;
  std::atomic<const std::function<void(int64_t)>*> fn_{nullptr};
  // next_ is parked far above any task count while a region is being set up.
  static constexpr int64_t kClosed = int64_t(1) << 62;
  std::atomic<int64_t> num_tasks_{0}, next_{kClosed}, done_{0};
  std::atomic<int> active_{0};  // threads inside work()
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> stop_{false};
};

ThreadPool& pool() {
  static auto* p = new ThreadPool(default_num_threads());  // leaked: workers outlive statics
  return *p;
}

int g_num_threads = 0;

}  // namespace

int default_num_threads() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

int num_threads() {
  if (g_num_threads == 0) g_num_threads = default_num_threads();
  return g_num_threads;
}

void set_num_threads(int n) {
  KL_CHECK(n >= 1 && n <= kMaxThreads, "Invalid value for argument `num_threads`. Expected an "
           "integer in [1, ", kMaxThreads, "]. Received: num_threads=", n);
  int previous = num_threads();
  try {
    pool().resize(n);
  } catch (const std::system_error& e) {
    pool().resize(previous);  // the threads started so far are stopped again
    throw std::runtime_error(error_message("[set_num_threads] could not start ", n,
                                           " threads (", e.what(), "); keeping ", previous));
  }
  g_num_threads = n;
}

void parallel_for(int64_t num_tasks, const std::function<void(int64_t)>& fn) {
  if (num_threads() == 1) {
    for (int64_t t = 0; t < num_tasks; ++t) fn(t);
    return;
  }
  pool().run(num_tasks, fn);
}

void parallel_range(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  int64_t tasks = (n + grain - 1) / grain;
  if (tasks == 1) {
    fn(0, n);
    return;
  }
  parallel_for(tasks, [&](int64_t t) { fn(t * grain, std::min(n, (t + 1) * grain)); });
}

}  // namespace kl
