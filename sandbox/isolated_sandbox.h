// IsolatedSandbox: runs each command in fresh namespaces (user, mount, pid, net, ipc, uts)
// with the file-system view of mount_plan.h, then Landlock, rlimits, no_new_privs, dropped
// capabilities and the seccomp filter, and cgroup v2 limits where delegated. Which of these
// apply is given by SandboxLayers (host_probe.h chooses them); without namespaces it still
// applies Landlock, seccomp and the limits to a plain child.
//
// A command's process tree lives in its own pid namespace whose init is the command's shell:
// when it exits or is killed at the deadline, the kernel kills everything left in the
// namespace (including anything that detached with setsid), so no process outlives the call
// and nothing is left to reap.
// Spawning costs one clone(CLONE_VM | CLONE_VFORK | namespaces), no helper binary: see
// docs/sandbox.md for the measured latency.
// Must not know: policies, models. Thread-safety: run()/start() may be called concurrently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/cgroup_v2.h"
#include "sandbox/mount_plan.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_config.h"
#include "sandbox/seccomp_filter.h"

namespace agent {

class IsolatedSandbox : public Sandbox {
 public:
  // Builds everything a spawn needs once: the mount steps, Landlock rules, the compiled
  // seccomp program, the limits. `config.workspace` must be a canonical folder.
  static Result<std::unique_ptr<IsolatedSandbox>> create(SandboxConfig config, SandboxLayers layers);

  std::string_view name() const override { return name_; }
  Result<CommandResult> run(const CommandSpec& spec) override;
  Result<StartedProcess> start(const StartSpec& spec) override;

  const SandboxLayers& layers() const { return layers_; }
  const SandboxConfig& config() const { return config_; }
  const MountPlan& mount_plan() const { return mounts_; }
  // Things that did not work out while building (e.g. cgroup setup failed): warnings.
  const std::vector<std::string>& notes() const { return notes_; }
  // The environment entries the sandbox sets for every command (HOME, caches, ...).
  const std::vector<std::string>& env() const { return env_; }

 private:
  IsolatedSandbox() = default;
  ChildPlan base_plan() const;
  void compute_limits();

  SandboxConfig config_;
  SandboxLayers layers_;
  MountPlan mounts_;
  SeccompProgram seccomp_;
  std::vector<ChildRlimit> rlimits_;
  std::string uid_map_, gid_map_, pid_max_, name_;
  std::vector<std::string> env_;
  std::vector<std::string> notes_;
  std::optional<CgroupLimiter> cgroup_;
  bool drop_caps_ = false;
};

}  // namespace agent
