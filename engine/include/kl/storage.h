#pragma once
#include <cstddef>
#include <functional>
#include <memory>

#include "kl/device.h"

namespace kl {

// A block of memory on a device. Foreign memory (NumPy, DLPack) carries a deleter that releases
// the producer; engine allocations return to the caching allocator.
class Storage {
 public:
  using Deleter = std::function<void(void*)>;
  Storage(void* ptr, size_t nbytes, Device device, Deleter deleter, bool writable = true)
      : ptr_(ptr), nbytes_(nbytes), device_(device), deleter_(std::move(deleter)),
        writable_(writable) {}
  ~Storage() {
    if (deleter_) deleter_(ptr_);
  }
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return ptr_; }
  size_t nbytes() const { return nbytes_; }
  const Device& device() const { return device_; }
  bool writable() const { return writable_; }

 private:
  void* ptr_;
  size_t nbytes_;
  Device device_;
  Deleter deleter_;
  bool writable_;
};

// Allocates `nbytes` on `device` (64-byte aligned on CPU, cached and reused; no data on meta).
std::shared_ptr<Storage> allocate_storage(size_t nbytes, const Device& device);
// Releases cached CPU blocks back to the system.
void empty_cache();
size_t cached_bytes();

}  // namespace kl
