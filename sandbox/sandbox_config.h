// What a sandbox is asked to do (SandboxConfig) and which isolation layers are in effect
// (SandboxLayers). Plain values shared by the probe, the namespace sandbox, `agent doctor`
// and the run's events.
//
// Must not know: policies (what may run), models, tools.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace agent {

enum class SandboxMode { kAuto, kStrict, kOff };
enum class NetworkMode { kOff, kOn };

Result<SandboxMode> parse_sandbox_mode(std::string_view s);   // "auto", "strict", "off"
Result<NetworkMode> parse_network_mode(std::string_view s);   // "off", "on"

// Limits for every process a command starts. 0 means "the default" where noted.
struct ResourceLimits {
  uint64_t cpu_seconds = 4 * 3600;        // RLIMIT_CPU, per process
  uint64_t memory_bytes = 0;              // RLIMIT_DATA per process (0 = 3/4 of the RAM);
                                          // memory.max per command with cgroup v2
  uint64_t max_processes = 1024;          // RLIMIT_NPROC, the pid namespace's pid_max, pids.max
  uint64_t file_size_bytes = 16ull << 30; // RLIMIT_FSIZE
  uint64_t open_files = 65536;            // RLIMIT_NOFILE (never above the current hard limit)
  uint64_t tmp_size_bytes = 2ull << 30;   // the private /tmp (tmpfs, counts as memory)
};

struct SandboxConfig {
  std::filesystem::path workspace;     // canonical absolute path; the only writable tree
  NetworkMode network = NetworkMode::kOff;
  std::filesystem::path home;          // the user's home, hidden (default: $HOME)
  // Host folder mounted as the command's HOME (writable, kept between commands of a run).
  // Empty: a fresh tmpfs per command (namespaces) or no private HOME (without namespaces).
  std::filesystem::path private_home;
  // Paths under `home` that stay visible, read-only: toolchains and what the config allows.
  // Absolute, or relative to `home`.
  std::vector<std::filesystem::path> home_visible;
  // PATH entries; those under `home` become visible read-only (see docs/sandbox.md).
  std::vector<std::filesystem::path> path_dirs;
  // More paths inside the workspace kept read-only (besides .git hooks/config and .agent).
  std::vector<std::filesystem::path> read_only;
  ResourceLimits limits;
};

// The layers a sandbox applies to every command.
struct SandboxLayers {
  bool user_ns = false, mount_ns = false, pid_ns = false, net_ns = false, ipc_ns = false,
       uts_ns = false;
  int landlock_abi = 0;          // 0: no Landlock
  bool landlock_net = false;     // TCP bind/connect denied by Landlock (ABI >= 4, network off)
  bool landlock_scope = false;   // signals and abstract sockets scoped (ABI >= 6)
  bool seccomp = false;
  bool no_new_privs = false;
  bool rlimits = false;
  bool pid_limit = false;        // pid_max of the command's pid namespace (Linux >= 6.14)
  bool cgroup = false;           // cgroup v2 memory.max / pids.max per command

  bool namespaces() const { return user_ns && mount_ns && pid_ns; }
  // Short names of the active layers, strongest first: "user-ns", "mount-ns", ...
  std::vector<std::string> names() const;
  Json to_json() const;
};

// A private, writable HOME's cache variables (GOCACHE, CARGO_HOME, ...), "KEY=VALUE".
std::vector<std::string> private_home_env(const std::filesystem::path& home);

}  // namespace agent
