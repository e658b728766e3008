// The seccomp filter every sandboxed command runs under, compiled once with libseccomp into a
// BPF program the spawn child loads with one system call (compiling per spawn would cost
// more than the rest of the spawn).
//
// Denied with EPERM: ptrace and cross-process memory access, every mount-related call,
// kexec, bpf, keyrings, perf_event_open, module loading, reboot, swap, accounting, quota,
// syslog, userfaultfd, io_uring (its operations would bypass the socket rule below),
// namespace creation and entry (unshare, setns, clone with CLONE_NEW*), clock setting, iopl,
// and the terminal-injection ioctls TIOCSTI/TIOCLINUX. clone3 answers ENOSYS (its flags sit
// behind a pointer the filter cannot read), so libc falls back to clone, which is checked.
// With the network off, socket() for any family but AF_UNIX answers EAFNOSUPPORT.
// Syscalls from a foreign ABI (i386, x32) kill the process: they would bypass the table.
// Thread-safety: an immutable value once built.
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

#include "common/status.h"
#include "sandbox/sandbox_config.h"

namespace agent {

class SeccompProgram {
 public:
  static Result<SeccompProgram> build(NetworkMode network);

  SeccompProgram() = default;
  SeccompProgram(SeccompProgram&& o) noexcept;
  SeccompProgram& operator=(SeccompProgram&& o) noexcept;
  SeccompProgram(const SeccompProgram&) = delete;
  SeccompProgram& operator=(const SeccompProgram&) = delete;

  const sock_fprog* prog() const { return filter_.empty() ? nullptr : &prog_; }
  size_t instructions() const { return filter_.size(); }
  // The syscalls the filter names (for docs/doctor).
  static std::vector<std::string> denied_syscalls();

 private:
  void point_at_filter();
  std::vector<sock_filter> filter_;
  sock_fprog prog_{};
};

}  // namespace agent
