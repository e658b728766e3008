// CancelToken: a one-way "stop now" flag that blocking code can also wait on (fd() becomes
// readable once cancelled, so poll() loops wake up at once).
// Thread-safety: cancel() is async-signal-safe and may be called from any thread or a signal
// handler; the other members may be called from any thread.
#pragma once

#include <atomic>

namespace agent {

class CancelToken {
 public:
  CancelToken();
  ~CancelToken();
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  void cancel() noexcept;
  bool cancelled() const noexcept { return cancelled_.load(std::memory_order_acquire); }

  // Readable (POLLIN) once cancel() was called. -1 if the eventfd could not be created
  // (then only polling cancelled() works).
  int fd() const noexcept { return fd_; }

 private:
  std::atomic<bool> cancelled_{false};
  int fd_ = -1;
};

}  // namespace agent
