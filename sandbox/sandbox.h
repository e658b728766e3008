// Sandbox: runs one shell command under a given isolation and returns what it printed.
//
// Owns: starting the command (/bin/bash -c, never a login shell), its environment, its time
// limit (the whole process tree is killed at the deadline), its output cap, and cancellation.
// Must not know: policies (whether the command may run is decided before), models, tools.
// Thread-safety: implementations may be used from one thread at a time per object.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/cancel.h"
#include "common/status.h"

namespace agent {

struct CommandSpec {
  std::string command;                // a bash command line
  std::filesystem::path cwd;          // where it starts
  std::vector<std::string> env;       // the complete environment, "KEY=VALUE"
  std::chrono::milliseconds timeout{120000};
  size_t output_limit = 8u << 20;     // bytes kept in memory (head and tail halves)
  const CancelToken* cancel = nullptr;
};

struct CommandResult {
  int exit_code = -1;        // exit status, or -1 when killed by a signal
  int term_signal = 0;       // the signal that ended it, 0 if it exited
  bool timed_out = false;    // killed at the deadline
  bool cancelled = false;    // killed because the cancel token fired
  std::string output;        // stdout and stderr interleaved; head + marker + tail when cut
  uint64_t output_bytes = 0; // everything it printed, counted even when not kept
  bool output_truncated = false;
  double wall_s = 0;
};

// A long-lived process under the sandbox (the persistent shell).
struct StartSpec {
  std::vector<std::string> argv;      // argv[0] is the program's path
  std::filesystem::path cwd;
  std::vector<std::string> env;       // as CommandSpec::env; the sandbox adds its own
  std::vector<int> fds;               // the process's fd i is fds[i] (-1: /dev/null)
};

struct StartedProcess {
  pid_t pid = -1;                     // in the agent's pid namespace
  int pidfd = -1;                     // owned by the caller; -1 when unavailable
  // The process is the init of its own pid namespace: every process it starts lives in that
  // namespace and dies with it. Otherwise they share its session.
  bool own_pid_namespace = false;
  std::shared_ptr<void> resources;    // kept alive as long as the process (e.g. its cgroup)
};

class Sandbox {
 public:
  virtual ~Sandbox() = default;
  // Short name of the isolation in effect, for events and `agent doctor`.
  virtual std::string_view name() const = 0;
  // Fails only when the command could not be started; a failing command is a result.
  virtual Result<CommandResult> run(const CommandSpec& spec) = 0;
  // Starts `spec.argv` under the same isolation and returns at once.
  virtual Result<StartedProcess> start(const StartSpec& spec) = 0;
};

}  // namespace agent
