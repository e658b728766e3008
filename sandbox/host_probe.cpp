#include "sandbox/host_probe.h"

#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "sandbox/child_plan.h"

namespace agent {

namespace {

constexpr int kAllNamespaces =
    CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET;

// Runs a child that creates every namespace and does the mounts a real command needs, then
// exits before exec. `pid_max` also tries the per-namespace pid limit.
Status probe_namespaces(bool pid_max) {
  std::string uid_map = std::to_string(::geteuid()) + " " + std::to_string(::geteuid()) + " 1";
  std::string gid_map = std::to_string(::getegid()) + " " + std::to_string(::getegid()) + " 1";
  ChildMount mounts[] = {{ChildMount::Op::kRootReadOnly, "/"},
                         {ChildMount::Op::kTmpfs, "/tmp", "size=1m"},
                         {ChildMount::Op::kProc, "/proc"}};
  ChildPlan p;
  p.ns_flags = kAllNamespaces;
  p.uid_map = uid_map.c_str();
  p.gid_map = gid_map.c_str();
  p.mounts = mounts;
  p.n_mounts = std::size(mounts);
  p.pid_max = pid_max ? "1024" : nullptr;
  p.probe_only = true;
  auto r = spawn_child(p);
  if (!r.ok()) return r.status();
  int status = 0;
  while (::waitpid(r->pid, &status, 0) < 0 && errno == EINTR) {}
  if (r->pidfd >= 0) ::close(r->pidfd);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return internal_error("probe child failed");
  return ok_status();
}

int probe_landlock(std::string* error) {
  long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, 1u /* VERSION */);
  if (abi < 0) {
    *error = errno == ENOSYS ? "the kernel has no Landlock"
             : errno == EOPNOTSUPP ? "Landlock is built in but disabled (boot with lsm=...,landlock)"
                                   : std::string(strerror(errno));
    return 0;
  }
  return static_cast<int>(abi);
}

bool probe_seccomp() {
  // Asking whether the ERRNO action exists fails with EINVAL/ENOSYS without filter support.
  uint32_t action = SECCOMP_RET_ERRNO;
  return ::syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

}  // namespace

HostCapabilities probe_host_capabilities() {
  HostCapabilities c;
  struct utsname u {};
  if (::uname(&u) == 0) c.kernel = std::string(u.sysname) + " " + u.release;
  c.root = ::geteuid() == 0;
  Status ns = probe_namespaces(false);
  c.namespaces = ns.ok();
  if (!ns.ok()) c.namespaces_error = ns.message();
  c.pid_max_ns = c.namespaces && probe_namespaces(true).ok();
  c.landlock_abi = probe_landlock(&c.landlock_error);
  c.seccomp = probe_seccomp();
  c.cgroup = detect_cgroup_v2();
  return c;
}

const HostCapabilities& host_capabilities() {
  static std::once_flag once;
  static HostCapabilities caps;
  std::call_once(once, [] { caps = probe_host_capabilities(); });
  return caps;
}

Result<LayerChoice> choose_layers(SandboxMode mode, NetworkMode network, const HostCapabilities& caps) {
  LayerChoice out;
  if (mode == SandboxMode::kOff) {
    out.warnings.push_back("--sandbox off: commands run with your full access to this machine "
                           "(files, network, processes)");
    return out;
  }
  SandboxLayers& l = out.layers;
  const bool net_off = network == NetworkMode::kOff;
  l.user_ns = l.mount_ns = l.pid_ns = l.ipc_ns = l.uts_ns = caps.namespaces;
  l.net_ns = caps.namespaces && net_off;
  l.landlock_abi = caps.landlock_abi;
  l.landlock_net = caps.landlock_abi >= 4 && net_off;
  l.landlock_scope = caps.landlock_abi >= 6;
  l.seccomp = caps.seccomp;
  l.no_new_privs = true;
  l.rlimits = true;
  l.pid_limit = caps.namespaces && caps.pid_max_ns;
  l.cgroup = caps.cgroup.usable;
  if (!caps.cgroup.usable) out.skipped.push_back("cgroup v2 limits: " + caps.cgroup.reason);
  if (caps.namespaces && !caps.pid_max_ns) {
    out.skipped.push_back("per-namespace pid_max: needs Linux 6.14 or later");
  }
  std::vector<std::string> missing;
  if (!caps.namespaces) {
    missing.push_back("namespaces (" + caps.namespaces_error +
                      "): no private file-system view (the home folder is NOT hidden, .git hooks "
                      "are NOT protected), no pid, network, ipc or uts isolation");
  }
  if (caps.landlock_abi == 0) missing.push_back("Landlock (" + caps.landlock_error + ")");
  if (!caps.seccomp) missing.push_back("seccomp filters (not supported by this kernel)");
  if (!l.pid_limit && !l.cgroup && caps.root) {
    missing.push_back("a process-count limit (running as root, RLIMIT_NPROC does not bind; "
                      "needs per-namespace pid_max or cgroup v2 pids)");
  }
  if (mode == SandboxMode::kStrict && !missing.empty()) {
    std::string msg = "--sandbox strict: this machine lacks";
    for (const auto& m : missing) msg += "\n  - " + m;
    return failed_precondition(msg + "\n(use --sandbox auto to run with the layers available)");
  }
  for (const auto& m : missing) out.warnings.push_back("sandbox layer unavailable: " + m);
  return out;
}

std::vector<std::string> describe_capabilities(const HostCapabilities& c) {
  auto yn = [](bool b) { return b ? std::string("yes") : std::string("no"); };
  std::vector<std::string> lines;
  lines.push_back("kernel: " + c.kernel + (c.root ? " (running as root)" : ""));
  lines.push_back("namespaces (user, mount, pid, net, ipc, uts): " +
                  (c.namespaces ? std::string("yes") : "no: " + c.namespaces_error));
  lines.push_back("per-namespace pid_max: " + yn(c.pid_max_ns));
  lines.push_back("landlock: " + (c.landlock_abi > 0 ? "ABI " + std::to_string(c.landlock_abi)
                                                     : "no: " + c.landlock_error));
  lines.push_back("seccomp filters: " + yn(c.seccomp));
  lines.push_back("cgroup v2 memory/pids limits: " +
                  (c.cgroup.usable ? "yes (" + c.cgroup.self_dir.string() + ")" : "no: " + c.cgroup.reason));
  return lines;
}

}  // namespace agent
