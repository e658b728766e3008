// DeadlineCancel: a CancelToken for one bounded operation (a model request) that is cancelled
// when its parent is, or when a deadline passes, whichever comes first. A watcher thread waits
// on the parent's fd with the deadline as timeout; it is stopped and joined by the destructor.
// Thread-safety: token() may be used from any thread; construct and destroy on one.
#pragma once

#include <chrono>
#include <thread>

#include "common/cancel.h"

namespace agent {

class DeadlineCancel {
 public:
  using Clock = std::chrono::steady_clock;
  // Clock::time_point::max() means no deadline: token() is the parent itself, no thread.
  DeadlineCancel(const CancelToken& parent, Clock::time_point deadline);
  ~DeadlineCancel();
  DeadlineCancel(const DeadlineCancel&) = delete;
  DeadlineCancel& operator=(const DeadlineCancel&) = delete;

  const CancelToken& token() const { return *effective_; }
  // True when the deadline, not the parent, cancelled the token.
  bool deadline_passed() const { return expired_.load(std::memory_order_acquire); }

 private:
  void watch(Clock::time_point deadline);

  const CancelToken& parent_;
  CancelToken token_;
  const CancelToken* effective_ = &token_;
  CancelToken done_;  // tells the watcher to stop
  std::atomic<bool> expired_{false};
  std::thread watcher_;
};

}  // namespace agent
