// The child side of a sandboxed spawn (see child_plan.h for why it runs on the parent's
// memory). Every call here is a raw system call through syscall(2): no allocation, no locks,
// no stdio, no C++ objects; glibc's cancellation-aware wrappers are avoided on purpose.
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/landlock.h>
#include <linux/securebits.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "sandbox/child_plan.h"
#include "sandbox/landlock_abi.h"

namespace agent {

namespace {

constexpr int kChildFailed = 127;

size_t cstr_len(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

[[noreturn]] void fail(ChildPlan& p, const char* step, const char* path) {
  p.failed_step = step;
  p.failed_path = path;
  p.failed_errno = errno;
  ::syscall(SYS_exit_group, kChildFailed);
  __builtin_unreachable();
}

int sys_open(const char* path, int flags, unsigned mode = 0) {
  return static_cast<int>(::syscall(SYS_openat, AT_FDCWD, path, flags | O_CLOEXEC, mode));
}
void sys_close(int fd) { ::syscall(SYS_close, fd); }

// Writes a short text to a /proc or cgroup file in one write(2), as those files require.
bool write_text(const char* path, const char* text) {
  int fd = sys_open(path, O_WRONLY);
  if (fd < 0) return false;
  long n = ::syscall(SYS_write, fd, text, cstr_len(text));
  int e = errno;
  sys_close(fd);
  errno = e;
  return n == static_cast<long>(cstr_len(text));
}

// "/proc/self/fd/<fd>" without snprintf.
void fd_path(char (&buf)[32], int fd) {
  static const char kPrefix[] = "/proc/self/fd/";
  std::memcpy(buf, kPrefix, sizeof kPrefix - 1);
  char digits[12];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + fd % 10);
    fd /= 10;
  } while (fd > 0);
  size_t at = sizeof kPrefix - 1;
  while (n > 0) buf[at++] = digits[--n];
  buf[at] = '\0';
}

int set_mount_attr(const char* path, unsigned flags, uint64_t set, uint64_t clr, uint64_t prop) {
  struct mount_attr attr {};
  attr.attr_set = set;
  attr.attr_clr = clr;
  attr.propagation = prop;
  return static_cast<int>(::syscall(SYS_mount_setattr, AT_FDCWD, path, flags, &attr, sizeof attr));
}

// One mount step; returns false with errno set on failure.
bool mount_step(ChildPlan& p, const ChildMount& m) {
  using Op = ChildMount::Op;
  switch (m.op) {
    case Op::kOpenSource: {
      // O_PATH opened in the child: a bind source must belong to the child's own mount
      // namespace (the kernel refuses binds from another namespace's mounts).
      int fd = sys_open(m.source, O_PATH);
      if (fd < 0) return false;
      p.fd_slots[m.slot] = fd;
      return true;
    }
    case Op::kRootReadOnly:
      // One call makes the whole inherited tree read-only and nosuid, and private so that
      // nothing mounted here propagates back to the host. Not nodev: /dev binds come from it.
      return set_mount_attr("/", AT_RECURSIVE, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, 0,
                            MS_PRIVATE) == 0;
    case Op::kTmpfs:
      return ::syscall(SYS_mount, "tmpfs", m.path, "tmpfs", MS_NOSUID | MS_NODEV, m.source) == 0;
    case Op::kBind: {
      int fd = p.fd_slots[m.slot];
      if (fd < 0) {
        errno = EBADF;
        return false;
      }
      char src[32];
      fd_path(src, fd);
      return ::syscall(SYS_mount, src, m.path, nullptr, MS_BIND, nullptr) == 0;
    }
    case Op::kBindSelf:
      return ::syscall(SYS_mount, m.path, m.path, nullptr, MS_BIND, nullptr) == 0;
    case Op::kSetReadOnly:
      return set_mount_attr(m.path, AT_SYMLINK_NOFOLLOW, MOUNT_ATTR_RDONLY, 0, 0) == 0;
    case Op::kClearReadOnly:
      return set_mount_attr(m.path, AT_SYMLINK_NOFOLLOW, 0, MOUNT_ATTR_RDONLY, 0) == 0;
    case Op::kMkdir:
      return ::syscall(SYS_mkdirat, AT_FDCWD, m.path, m.mode) == 0 || errno == EEXIST;
    case Op::kMkfile: {
      int fd = sys_open(m.path, O_WRONLY | O_CREAT | O_NOFOLLOW, 0644);
      if (fd < 0) return errno == EEXIST;
      sys_close(fd);
      return true;
    }
    case Op::kSymlink:
      return ::syscall(SYS_symlinkat, m.source, AT_FDCWD, m.path) == 0 || errno == EEXIST;
    case Op::kProc:
      return ::syscall(SYS_mount, "proc", m.path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                       nullptr) == 0;
    case Op::kDevpts:
      return ::syscall(SYS_mount, "devpts", m.path, "devpts", MS_NOSUID | MS_NOEXEC, m.source) == 0;
  }
  errno = EINVAL;
  return false;
}

void setup_identity(ChildPlan& p) {
  // The child maps its own uid and gid (one line each, its ids outside = inside): allowed
  // without privilege, so no round trip with the parent is needed. setgroups must be denied
  // first for an unprivileged gid_map.
  if (p.uid_map == nullptr) return;
  if (!write_text("/proc/self/setgroups", "deny")) fail(p, "deny setgroups", nullptr);
  if (!write_text("/proc/self/gid_map", p.gid_map)) fail(p, "write gid_map", nullptr);
  if (!write_text("/proc/self/uid_map", p.uid_map)) fail(p, "write uid_map", nullptr);
}

void setup_mounts(ChildPlan& p) {
  for (size_t i = 0; i < p.n_mounts; ++i) {
    const ChildMount& m = p.mounts[i];
    if (!mount_step(p, m) && !m.optional) {
      static const char* kNames[] = {"open",      "make / read-only", "mount tmpfs",
                                     "bind",      "bind",             "make read-only",
                                     "make writable", "mkdir",        "create mount point",
                                     "symlink",   "mount proc",       "mount devpts"};
      fail(p, kNames[static_cast<int>(m.op)], m.op == ChildMount::Op::kOpenSource ? m.source : m.path);
    }
  }
  for (size_t i = 0; i < p.n_slots; ++i) {
    if (p.fd_slots[i] >= 0) sys_close(p.fd_slots[i]);
    p.fd_slots[i] = -1;
  }
}

void apply_landlock(ChildPlan& p) {
  if (p.landlock_abi <= 0) return;
  LandlockRulesetAttr attr{p.landlock_fs, p.landlock_net, p.landlock_scoped};
  int rs = static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr,
                                      landlock_attr_size(p.landlock_abi), 0));
  if (rs < 0) fail(p, "landlock_create_ruleset", nullptr);
  for (size_t i = 0; i < p.n_landlock_rules; ++i) {
    const ChildLandlockRule& r = p.landlock_rules[i];
    int fd = sys_open(r.path, O_PATH);
    if (fd < 0) {
      if (errno == ENOENT) continue;  // e.g. no /dev/tty on this host: nothing to allow
      fail(p, "landlock open", r.path);
    }
    struct stat st {};
    ::syscall(SYS_fstat, fd, &st);
    landlock_path_beneath_attr pb{};
    // Rights on a file (a device node) can only be file rights.
    pb.allowed_access = S_ISDIR(st.st_mode) ? r.access : (r.access & kLandlockFileRights);
    pb.parent_fd = fd;
    long rc = ::syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
    int e = errno;
    sys_close(fd);
    errno = e;
    if (rc != 0) fail(p, "landlock_add_rule", r.path);
  }
  if (::syscall(SYS_landlock_restrict_self, rs, 0) != 0) fail(p, "landlock_restrict_self", nullptr);
  sys_close(rs);
}

void drop_capabilities(ChildPlan& p) {
  if (!p.drop_caps) return;
  // uid 0 inside (the agent runs as root) would regain every capability at execve: the
  // locked NOROOT bits stop that, then the bounding, ambient and current sets are emptied.
  const unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                             SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
                             SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
  if (::syscall(SYS_prctl, PR_SET_SECUREBITS, bits, 0, 0, 0) != 0) fail(p, "set securebits", nullptr);
  for (int cap = 0; cap < 64; ++cap) {
    if (::syscall(SYS_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      if (errno == EINVAL) break;  // past the last capability this kernel knows
      fail(p, "drop bounding capability", nullptr);
    }
  }
  ::syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capset, &hdr, data) != 0) fail(p, "capset", nullptr);
}

void setup_fds(ChildPlan& p) {
  // First move every source above the targets (so a source that is itself a low number is
  // not overwritten), then dup2 into place; dup2 clears close-on-exec on the target only.
  int high[8];
  for (size_t i = 0; i < p.n_fds && i < 8; ++i) {
    int src = p.fds[i];
    bool opened = false;
    if (src < 0) {
      src = sys_open("/dev/null", O_RDWR);
      if (src < 0) fail(p, "open /dev/null", nullptr);
      opened = true;
    }
    high[i] = static_cast<int>(::syscall(SYS_fcntl, src, F_DUPFD_CLOEXEC, 64));
    if (high[i] < 0) fail(p, "dup", nullptr);
    if (opened) sys_close(src);
  }
  for (size_t i = 0; i < p.n_fds && i < 8; ++i) {
    if (::syscall(SYS_dup2, high[i], static_cast<int>(i)) < 0) fail(p, "dup2", nullptr);
  }
  // Whatever else the agent has open (journal, sockets of the model client) must not reach
  // the command, even if some library forgot O_CLOEXEC.
  ::syscall(SYS_close_range, static_cast<unsigned>(p.n_fds), ~0U, CLOSE_RANGE_CLOEXEC);
}

void reset_signals() {
  // Handlers installed by the agent must never run in this child (it shares the agent's
  // memory); ignored signals would stay ignored across execve. Everything back to default.
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s) {
    if (s == SIGKILL || s == SIGSTOP) continue;
    ::syscall(SYS_rt_sigaction, s, &sa, nullptr, NSIG / 8);
  }
}

int child_main(void* arg) {
  ChildPlan& p = *static_cast<ChildPlan*>(arg);
  reset_signals();
  // The sandbox dies with the agent, whatever way the agent dies.
  ::syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (p.new_session && ::syscall(SYS_setsid) < 0) fail(p, "setsid", nullptr);
  setup_identity(p);
  mode_t old_umask = static_cast<mode_t>(::syscall(SYS_umask, 0));  // mount points keep their modes
  setup_mounts(p);
  ::syscall(SYS_umask, old_umask);
  if (p.pid_max != nullptr && !write_text("/proc/sys/kernel/pid_max", p.pid_max)) {
    fail(p, "limit pids", "/proc/sys/kernel/pid_max");
  }
  if (p.hostname != nullptr) ::syscall(SYS_sethostname, p.hostname, cstr_len(p.hostname));
  if (p.cgroup_procs_fd >= 0 && ::syscall(SYS_write, p.cgroup_procs_fd, "0", 1) != 1) {
    fail(p, "join cgroup", nullptr);
  }
  if (p.cwd != nullptr && ::syscall(SYS_chdir, p.cwd) != 0) fail(p, "chdir", p.cwd);
  for (size_t i = 0; i < p.n_rlimits; ++i) {
    struct rlimit rl {p.rlimits[i].value, p.rlimits[i].value};
    if (::syscall(SYS_prlimit64, 0, p.rlimits[i].resource, &rl, nullptr) != 0) fail(p, "setrlimit", nullptr);
  }
  if (p.no_new_privs && ::syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    fail(p, "no_new_privs", nullptr);
  }
  apply_landlock(p);
  drop_capabilities(p);
  // seccomp last: it forbids mount and friends, which the steps above need.
  if (p.seccomp != nullptr &&
      ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, p.seccomp) != 0) {
    fail(p, "seccomp", nullptr);
  }
  if (p.probe_only) ::syscall(SYS_exit_group, 0);
  setup_fds(p);
  sigset_t none;
  sigemptyset(&none);
  ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, NSIG / 8);
  ::syscall(SYS_execve, p.exec_path, p.argv, p.envp);
  fail(p, "exec", p.exec_path);
}

}  // namespace

Result<SpawnResult> spawn_child(ChildPlan& plan) {
  // The child's stack; the parent is suspended (CLONE_VFORK) until the child execs or exits,
  // so the mapping can go as soon as clone returns.
  constexpr size_t kStack = 256u << 10;
  void* stack = ::mmap(nullptr, kStack, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) return errno_status(errno, "mmap child stack");
  // All signals blocked while the child shares our memory: a handler must not run in it
  // before it has reset them.
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  plan.failed_step = nullptr;
  plan.failed_path = nullptr;
  plan.failed_errno = 0;
  int pidfd = -1;
  int flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD | plan.ns_flags;
  pid_t pid = ::clone(child_main, static_cast<char*>(stack) + kStack, flags, &plan, &pidfd);
  int err = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::munmap(stack, kStack);
  if (pid < 0) return errno_status(err, "clone");
  if (plan.failed_step != nullptr) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (pidfd >= 0) ::close(pidfd);
    std::string what = plan.failed_step;
    if (plan.failed_path != nullptr) what += std::string(" ") + plan.failed_path;
    return errno_status(plan.failed_errno, what);
  }
  SpawnResult out{pid, pidfd, -1};
  if (plan.ns_flags & CLONE_NEWNS) {
    // The child has exec'd and is alive (a shell needs a millisecond to start): taking a
    // reference now lets the caller decide where the namespace's teardown happens. If the
    // child already exited, there is nothing to hold and nothing is lost.
    std::string ns = "/proc/" + std::to_string(pid) + "/ns/mnt";
    out.mnt_ns_fd = ::open(ns.c_str(), O_RDONLY | O_CLOEXEC);
  }
  return out;
}

}  // namespace agent
