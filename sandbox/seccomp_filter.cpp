#include "sandbox/seccomp_filter.h"

#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

namespace agent {

namespace {

const char* const kDenied[] = {
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen",
    "fsconfig", "fsmount", "fspick", "mount_setattr", "open_tree_attr",
    "kexec_load", "kexec_file_load", "reboot", "bpf", "keyctl", "add_key", "request_key",
    "perf_event_open", "init_module", "finit_module", "delete_module", "swapon", "swapoff",
    "acct", "quotactl", "quotactl_fd", "syslog", "userfaultfd", "lookup_dcookie",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "unshare", "setns",
    "iopl", "ioperm", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
    "open_by_handle_at", "vhangup", "uselib", "nfsservctl", "fanotify_init",
};

constexpr unsigned long kNamespaceFlags[] = {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID,
                                             CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS,
                                             CLONE_NEWCGROUP};

struct CtxDeleter {
  void operator()(void* c) const { seccomp_release(c); }
};

Status rule_error(int rc, const std::string& what) {
  return internal_error("seccomp rule for " + what + ": " + std::string(strerror(-rc)));
}

Status add_rules(scmp_filter_ctx ctx, NetworkMode network) {
  for (const char* name : kDenied) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) continue;  // not a syscall on this architecture
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
    if (rc < 0) return rule_error(rc, name);
  }
  // clone: allowed unless it asks for a namespace (one rule per flag: libseccomp ORs them).
  for (unsigned long flag : kNamespaceFlags) {
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag));
    if (rc < 0) return rule_error(rc, "clone");
  }
  int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
  if (rc < 0) return rule_error(rc, "clone3");
  for (unsigned long req : {static_cast<unsigned long>(TIOCSTI), static_cast<unsigned long>(TIOCLINUX)}) {
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                          SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, req));
    if (rc < 0) return rule_error(rc, "ioctl");
  }
  if (network == NetworkMode::kOff) {
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
                          SCMP_A0(SCMP_CMP_NE, AF_UNIX));
    if (rc < 0) return rule_error(rc, "socket");
  }
  return ok_status();
}

}  // namespace

SeccompProgram::SeccompProgram(SeccompProgram&& o) noexcept : filter_(std::move(o.filter_)) {
  point_at_filter();
  o.point_at_filter();
}

SeccompProgram& SeccompProgram::operator=(SeccompProgram&& o) noexcept {
  filter_ = std::move(o.filter_);
  point_at_filter();
  o.point_at_filter();
  return *this;
}

void SeccompProgram::point_at_filter() {
  prog_.len = static_cast<unsigned short>(filter_.size());
  prog_.filter = filter_.empty() ? nullptr : filter_.data();
}

std::vector<std::string> SeccompProgram::denied_syscalls() {
  std::vector<std::string> v(std::begin(kDenied), std::end(kDenied));
  v.push_back("clone(CLONE_NEW*)");
  v.push_back("clone3 (ENOSYS)");
  v.push_back("ioctl(TIOCSTI, TIOCLINUX)");
  return v;
}

Result<SeccompProgram> SeccompProgram::build(NetworkMode network) {
  std::unique_ptr<void, CtxDeleter> ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (!ctx) return internal_error("seccomp_init failed");
  // A syscall made through another ABI's table would not be checked by these rules.
  if (seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0) {
    return internal_error("seccomp: cannot set the bad-architecture action");
  }
  AGENT_RETURN_IF_ERROR(add_rules(ctx.get(), network));
  // libseccomp 2.5 exports only to a file descriptor: an anonymous memory file.
  int fd = ::memfd_create("agent-seccomp", MFD_CLOEXEC);
  if (fd < 0) return errno_status(errno, "memfd_create");
  int rc = seccomp_export_bpf(ctx.get(), fd);
  if (rc < 0) {
    ::close(fd);
    return internal_error("seccomp_export_bpf: " + std::string(strerror(-rc)));
  }
  off_t size = ::lseek(fd, 0, SEEK_END);
  SeccompProgram p;
  p.filter_.resize(static_cast<size_t>(size) / sizeof(sock_filter));
  ssize_t n = ::pread(fd, p.filter_.data(), p.filter_.size() * sizeof(sock_filter), 0);
  ::close(fd);
  if (size <= 0 || n != static_cast<ssize_t>(p.filter_.size() * sizeof(sock_filter))) {
    return internal_error("seccomp: could not read the exported filter back");
  }
  p.point_at_filter();
  return p;
}

}  // namespace agent
