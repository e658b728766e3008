#include "common/deadline_cancel.h"

#include <poll.h>

#include <algorithm>

namespace agent {

DeadlineCancel::DeadlineCancel(const CancelToken& parent, Clock::time_point deadline) : parent_(parent) {
  if (parent_.cancelled()) {
    token_.cancel();
    return;
  }
  if (deadline == Clock::time_point::max()) {
    effective_ = &parent_;
    return;
  }
  watcher_ = std::thread([this, deadline] { watch(deadline); });
}

DeadlineCancel::~DeadlineCancel() {
  done_.cancel();
  if (watcher_.joinable()) watcher_.join();
}

void DeadlineCancel::watch(Clock::time_point deadline) {
  for (;;) {
    if (done_.cancelled()) return;
    if (parent_.cancelled()) {
      token_.cancel();
      return;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      expired_.store(true, std::memory_order_release);
      token_.cancel();
      return;
    }
    // At most a second: also re-checks the flags where an eventfd could not be made.
    const int timeout_ms = static_cast<int>(std::min<int64_t>(left, 1000));
    pollfd fds[2] = {{parent_.fd(), POLLIN, 0}, {done_.fd(), POLLIN, 0}};
    ::poll(fds, 2, timeout_ms);  // fd -1 entries are ignored by poll
  }
}

}  // namespace agent
