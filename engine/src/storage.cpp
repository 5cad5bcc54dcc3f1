#include "kl/storage.h"

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "kl/error.h"

namespace kl {
namespace {

// Reusing freed blocks avoids page faults on fresh allocations, which dominate large
// element-wise ops. Sizes are rounded so that similar requests share a bucket.
class CpuCachingAllocator {
 public:
  static constexpr size_t kAlignment = 64;
  // A modest bound: what is freed beyond it goes back to the system at once, and blocks too
  // large to be worth keeping are never cached (empty_cache() returns the rest).
  static constexpr size_t kMaxCachedBytes = size_t(256) << 20;
  static constexpr size_t kMaxCachedBlock = size_t(64) << 20;

  void* allocate(size_t nbytes) {
    size_t bucket = round_size(nbytes);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_.find(bucket);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        cached_ -= bucket;
        return p;
      }
    }
    void* p = std::aligned_alloc(kAlignment, bucket);
    if (!p) {
      empty();
      p = std::aligned_alloc(kAlignment, bucket);
    }
    if (!p) throw std::bad_alloc();
    return p;
  }

  void release(void* p, size_t nbytes) {
    size_t bucket = round_size(nbytes);
    std::lock_guard<std::mutex> lock(mutex_);
    if (bucket > kMaxCachedBlock || cached_ + bucket > kMaxCachedBytes) {
      std::free(p);
      return;
    }
    free_[bucket].push_back(p);
    cached_ += bucket;
  }

  void empty() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& kv : free_)
      for (void* p : kv.second) std::free(p);
    free_.clear();
    cached_ = 0;
  }

  size_t cached() {
    std::lock_guard<std::mutex> lock(mutex_);
    return cached_;
  }

 private:
  static size_t round_size(size_t n) {
    // No machine has 2^56 bytes; refusing here also keeps the power-of-two loop from wrapping.
    if (n > (size_t(1) << 56)) throw std::bad_alloc();
    if (n <= 4096) return (n + kAlignment - 1) / kAlignment * kAlignment + (n == 0 ? kAlignment : 0);
    // Above 4 KiB: round to 1/8 of the next power of two (at most 12.5% waste).
    size_t p = 1;
    while (p < n) p <<= 1;
    size_t step = p / 8;
    return (n + step - 1) / step * step;
  }

  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<void*>> free_;
  size_t cached_ = 0;
};

CpuCachingAllocator& cpu_allocator() {
  static auto* alloc = new CpuCachingAllocator();  // never destroyed: storages may outlive exit
  return *alloc;
}

}  // namespace

std::shared_ptr<Storage> allocate_storage(size_t nbytes, const Device& device) {
  switch (device.kind) {
    case DeviceKind::meta:
      return std::make_shared<Storage>(nullptr, nbytes, device, nullptr);
    case DeviceKind::cpu: {
      void* p = cpu_allocator().allocate(nbytes);
      return std::make_shared<Storage>(p, nbytes, device,
                                       [nbytes](void* q) { cpu_allocator().release(q, nbytes); });
    }
    case DeviceKind::cuda:
      break;
  }
  throw std::invalid_argument(error_message("[allocate] no allocator for device ", device_name(device)));
}

void empty_cache() { cpu_allocator().empty(); }
size_t cached_bytes() { return cpu_allocator().cached(); }

}  // namespace kl
