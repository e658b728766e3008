// PersistentShell: one bash per run, started under the run's Sandbox, that runs the model's
// commands one after another, so `cd` and exported variables carry over between calls (as
// DeepSeek's own harness and SWE-agent do).
//
// Protocol: bash runs a small loop reading NUL-terminated commands from fd 4 and `eval`s
// each with stdin from /dev/null and fds 3/4 closed; stdout and stderr go to the output
// pipe; after each command the loop writes its exit status to fd 3. Commands cannot contain
// NUL (tools pass text), so no output parsing or sentinel strings are needed.
//
// Per-command deadline or cancel: every other process of the shell's pid namespace (or
// session) is SIGKILLed, which ends the command and keeps the shell with its state. If the
// shell itself is what hangs (a busy loop in a builtin), it is killed and restarted and the
// result says that the working directory and variables were reset. A command that ends the
// shell (`exit`, `exec`, a fatal signal) is reported the same way; the next call starts a
// fresh shell in the workspace.
// Thread-safety: one command at a time (calls are serialised by a mutex).
#pragma once

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "sandbox/sandbox.h"

namespace agent {

struct ShellRunResult {
  CommandResult result;
  // Set when the shell's state was lost during or before this command (for the model).
  std::string notice;
};

class PersistentShell {
 public:
  // `cwd` is where a (re)started shell begins; `env` is its environment.
  PersistentShell(Sandbox& sandbox, std::filesystem::path cwd, std::vector<std::string> env);
  ~PersistentShell();
  PersistentShell(const PersistentShell&) = delete;
  PersistentShell& operator=(const PersistentShell&) = delete;

  // Runs spec.command (spec.cwd and spec.env are ignored: the shell's own state applies).
  // Fails only when no shell could be started.
  Result<ShellRunResult> run(const CommandSpec& spec);

  // Ends the shell and everything it started.
  void close();
  bool alive() const { return proc_.pid > 0; }
  pid_t pid() const { return proc_.pid; }
  int restarts() const { return restarts_; }

 private:
  Status start();
  int kill_shell();  // returns the shell's wait status
  void drain_stale(std::string* into);

  Sandbox& sandbox_;
  std::filesystem::path cwd_;
  std::vector<std::string> env_;
  std::mutex mu_;
  StartedProcess proc_;
  int cmd_fd_ = -1;     // we write commands here (the shell's fd 4)
  int status_fd_ = -1;  // the shell writes exit statuses here (its fd 3)
  int out_fd_ = -1;     // the shell's stdout and stderr
  int restarts_ = 0;
  bool started_once_ = false;
  std::string pending_notice_;
};

}  // namespace agent
