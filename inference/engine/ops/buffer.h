// DeviceArray<T>: an array in a backend's memory, owned (released through the backend that
// allocated it). Moves, never copies.
// Thread-safety: like the Ops it came from.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "inference/engine/ops/ops.h"

namespace agent::engine {

template <typename T>
class DeviceArray {
 public:
  DeviceArray() = default;
  DeviceArray(Ops& ops, size_t n) : ops_(&ops), n_(n) {
    if (n) p_ = static_cast<T*>(ops.alloc(n * sizeof(T)));
  }
  // Allocates and uploads `host`.
  DeviceArray(Ops& ops, const std::vector<T>& host) : DeviceArray(ops, host.size()) {
    if (n_) ops.upload(p_, host.data(), n_ * sizeof(T));
  }
  ~DeviceArray() { reset(); }
  DeviceArray(DeviceArray&& o) noexcept { *this = std::move(o); }
  DeviceArray& operator=(DeviceArray&& o) noexcept {
    if (this != &o) {
      reset();
      ops_ = std::exchange(o.ops_, nullptr);
      p_ = std::exchange(o.p_, nullptr);
      n_ = std::exchange(o.n_, 0);
    }
    return *this;
  }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;

  T* data() { return p_; }
  const T* data() const { return p_; }
  size_t size() const { return n_; }
  size_t bytes() const { return n_ * sizeof(T); }

  std::vector<T> to_host() const {
    std::vector<T> h(n_);
    if (n_) ops_->download(h.data(), p_, n_ * sizeof(T));
    return h;
  }
  void reset() {
    if (p_) ops_->release(p_);
    p_ = nullptr;
    n_ = 0;
  }

 private:
  Ops* ops_ = nullptr;
  T* p_ = nullptr;
  size_t n_ = 0;
};

}  // namespace agent::engine
