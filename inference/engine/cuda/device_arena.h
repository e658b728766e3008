// ArenaAllocator: hands out byte ranges of one region that was reserved once (device memory
// planned at load). First fit by address with coalescing of freed neighbours, so the same
// sequence of requests always gets the same addresses: a decode step recorded into a CUDA
// graph sees the same pointers at every step, and cudaGraphExecUpdate has little to change.
//
// Knows nothing of CUDA: it manages addresses as integers, which is what lets the host tests
// exercise it without a device.
// Thread-safety: none (the owning CudaOps is used by one thread at a time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

namespace agent::engine::cuda {

class ArenaAllocator {
 public:
  ArenaAllocator() = default;
  // The region [base, base + size); every allocation is aligned to `align` (a power of two)
  // and rounded up to a multiple of it.
  ArenaAllocator(std::string name, uintptr_t base, size_t size, size_t align = 256);

  // The start of a free range of at least `bytes` (0 bytes count as 1), or 0 when none fits.
  uintptr_t allocate(size_t bytes);
  // Returns the range starting at `p` (a live allocation of this arena) to the free list.
  // Returns false for an address this arena did not hand out (nothing changes then).
  bool release(uintptr_t p);
  bool owns(uintptr_t p) const { return p >= base_ && p < base_ + size_; }

  const std::string& name() const { return name_; }
  size_t capacity() const { return size_; }
  size_t used() const { return used_; }
  size_t peak() const { return peak_; }
  size_t largest_free() const;
  size_t live_count() const { return live_.size(); }
  size_t rounded(size_t bytes) const { return (bytes == 0 ? align_ : (bytes + align_ - 1) / align_ * align_); }

 private:
  std::string name_;
  uintptr_t base_ = 0;
  size_t size_ = 0, align_ = 256, used_ = 0, peak_ = 0;
  std::map<uintptr_t, size_t> free_;             // start -> length, never adjacent
  std::unordered_map<uintptr_t, size_t> live_;   // start -> length
};

}  // namespace agent::engine::cuda
