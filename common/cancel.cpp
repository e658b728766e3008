#include "common/cancel.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace agent {

CancelToken::CancelToken() { fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

CancelToken::~CancelToken() {
  if (fd_ >= 0) ::close(fd_);
}

void CancelToken::cancel() noexcept {
  if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
  if (fd_ >= 0) {
    uint64_t one = 1;
    ssize_t n = ::write(fd_, &one, sizeof one);
    (void)n;
  }
}

}  // namespace agent
