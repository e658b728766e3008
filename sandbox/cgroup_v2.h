// cgroup v2 limits for commands: memory.max (no swap) and pids.max per command, where the
// machine delegates the memory and pids controllers to the agent's cgroup. Detection says
// why not otherwise (cgroup v1 hierarchy, controllers not enabled, not writable, shared
// with other processes), so `agent doctor` and the tests can report the skip.
//
// Layout once set up, with P the agent's cgroup: the agent moves itself to P/agent-<pid>
// (a cgroup with processes cannot enable controllers for its children), enables
// +memory +pids in P, and each command gets P/agent-<pid>-<n>, killed (cgroup.kill) and
// removed when the command ends.
// Must not know: policies. Thread-safety: CgroupLimiter is internally synchronised.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>

#include "common/status.h"
#include "sandbox/sandbox_config.h"

namespace agent {

struct CgroupSupport {
  bool usable = false;
  std::string reason;              // why not usable (empty when usable)
  std::filesystem::path self_dir;  // the agent's cgroup directory
  bool needs_move = true;          // controllers must still be enabled below self_dir
};

// Reads `proc`/self/mountinfo and `proc`/self/cgroup; `root_override`, when set, replaces
// the cgroup2 mount point (tests point both at a fake tree).
CgroupSupport detect_cgroup_v2(const std::filesystem::path& proc = "/proc",
                               const std::filesystem::path& root_override = {});

class CommandCgroup {
 public:
  CommandCgroup() = default;
  CommandCgroup(std::filesystem::path dir, int procs_fd) : dir_(std::move(dir)), procs_fd_(procs_fd) {}
  CommandCgroup(CommandCgroup&& o) noexcept;
  CommandCgroup& operator=(CommandCgroup&& o) noexcept;
  CommandCgroup(const CommandCgroup&) = delete;
  CommandCgroup& operator=(const CommandCgroup&) = delete;
  // Kills whatever is left in the cgroup and removes it.
  ~CommandCgroup();

  int procs_fd() const { return procs_fd_; }  // the child writes "0" to join
  const std::filesystem::path& dir() const { return dir_; }
  void kill_all() const;

 private:
  std::filesystem::path dir_;
  int procs_fd_ = -1;
};

class CgroupLimiter {
 public:
  // Moves the agent into its leaf and enables the controllers (once per process).
  static Result<CgroupLimiter> create(const CgroupSupport& support, const ResourceLimits& limits);

  Result<CommandCgroup> make_command_cgroup() const;

 private:
  std::filesystem::path parent_;
  std::string prefix_;
  ResourceLimits limits_;
  static std::atomic<uint64_t> counter_;
};

}  // namespace agent
