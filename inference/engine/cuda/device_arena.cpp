#include "inference/engine/cuda/device_arena.h"

#include <algorithm>

namespace agent::engine::cuda {

ArenaAllocator::ArenaAllocator(std::string name, uintptr_t base, size_t size, size_t align)
    : name_(std::move(name)), base_(base), align_(align) {
  // The usable region starts at the first aligned address and holds whole alignment units.
  const uintptr_t start = (base + align - 1) / align * align;
  const size_t lost = start - base;
  size_ = size > lost ? (size - lost) / align * align : 0;
  base_ = start;
  if (size_ > 0) free_[base_] = size_;
}

uintptr_t ArenaAllocator::allocate(size_t bytes) {
  const size_t need = rounded(bytes);
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    if (it->second < need) continue;
    const uintptr_t p = it->first;
    const size_t rest = it->second - need;
    free_.erase(it);
    if (rest > 0) free_[p + need] = rest;
    live_[p] = need;
    used_ += need;
    peak_ = std::max(peak_, used_);
    return p;
  }
  return 0;
}

bool ArenaAllocator::release(uintptr_t p) {
  auto it = live_.find(p);
  if (it == live_.end()) return false;
  size_t len = it->second;
  live_.erase(it);
  used_ -= len;
  uintptr_t start = p;
  // Merge with the free range after, then with the one before.
  auto next = free_.lower_bound(p);
  if (next != free_.end() && next->first == p + len) {
    len += next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == start) {
      start = prev->first;
      len += prev->second;
      free_.erase(prev);
    }
  }
  free_[start] = len;
  return true;
}

size_t ArenaAllocator::largest_free() const {
  size_t m = 0;
  for (const auto& [p, len] : free_) m = std::max(m, len);
  return m;
}

}  // namespace agent::engine::cuda
