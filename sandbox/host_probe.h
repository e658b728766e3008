// What this machine lets a sandbox do, probed once per process by actually trying it (a
// throw-away child creates the namespaces and mounts, then exits), and the choice of layers
// for a mode: `auto` takes everything available and says what it had to leave out; `strict`
// refuses unless every isolation layer is there; `off` takes nothing.
//
// strict requires: user, mount, pid, ipc and uts namespaces (and net with the network off),
// Landlock, seccomp, no_new_privs, rlimits, and a process-count limit that binds (the pid
// namespace's pid_max, cgroup pids.max, or RLIMIT_NPROC when not running as root). cgroup v2
// memory limits are used where delegated and reported otherwise, in every mode: they limit
// resources, not what a command can reach.
// Thread-safety: host_capabilities() is safe from any thread (probed once).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "sandbox/cgroup_v2.h"
#include "sandbox/sandbox_config.h"

namespace agent {

struct HostCapabilities {
  bool namespaces = false;         // user+mount+pid+ipc+uts+net, read-only remount, proc
  std::string namespaces_error;    // the step that failed
  bool pid_max_ns = false;         // per-pid-namespace pid_max (Linux >= 6.14)
  int landlock_abi = 0;
  std::string landlock_error;
  bool seccomp = false;
  bool root = false;               // euid 0: RLIMIT_NPROC does not bind
  CgroupSupport cgroup;
  std::string kernel;
};

HostCapabilities probe_host_capabilities();
const HostCapabilities& host_capabilities();  // probed on first use, then cached

struct LayerChoice {
  SandboxLayers layers;
  std::vector<std::string> warnings;  // layers `auto` had to leave out, and why
  std::vector<std::string> skipped;   // optional extras not in effect (cgroup v2), and why
};

// FailedPrecondition for `strict` when a required layer is missing (the message lists them).
Result<LayerChoice> choose_layers(SandboxMode mode, NetworkMode network, const HostCapabilities& caps);

// Human-readable lines for `agent doctor`.
std::vector<std::string> describe_capabilities(const HostCapabilities& caps);

}  // namespace agent
