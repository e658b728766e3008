#include "sandbox/deferred_close.h"

#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace agent {

namespace {

struct Closer {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<int> fds;

  Closer() {
    // Detached: descriptors still queued at exit are closed by the kernel anyway.
    std::thread([this] {
      for (;;) {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [this] { return !fds.empty(); });
        int fd = fds.front();
        fds.pop_front();
        lock.unlock();
        ::close(fd);
      }
    }).detach();
  }
};

}  // namespace

void close_later(int fd) {
  if (fd < 0) return;
  // Leaked on purpose: the detached thread uses it until the process ends.
  static Closer* closer = new Closer();
  {
    std::lock_guard<std::mutex> lock(closer->mu);
    closer->fds.push_back(fd);
  }
  closer->cv.notify_one();
}

}  // namespace agent
