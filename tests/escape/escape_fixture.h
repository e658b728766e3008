// The escape suite's world: a workspace (a git repository with a nested one) under /var/tmp
// so that its siblings stay visible (read-only) inside the sandbox, a folder outside it, a fake
// home with an SSH key, a host process carrying a secret in its environment, a TCP listener
// on 127.0.0.1, and the strictest sandbox this machine allows with small limits. Commands run
// one-shot, or through the run's persistent shell (what the model's `shell` tool uses), which
// is closed after the command, as when the run ends, before the attempt is judged.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "common/fs.h"
#include "sandbox/isolated_sandbox.h"
#include "sandbox/persistent_shell.h"
#include "sandbox/sandbox_test_util.h"

namespace agent::testing {

struct ChildRun {
  int exit_code = -1;
  std::string output;
};

class EscapeFixture : public ::testing::Test {
 public:
  fs::path root_, ws_, outside_, home_;
  std::string env_marker_ = "parent-env-secret-7f3a";
  std::string ssh_marker_ = "BEGIN-FAKE-SSH-KEY-91c2";
  NetworkMode network_ = NetworkMode::kOff;
  bool persistent_ = false;

  bool host_process_alive() const;
  bool host_can_fork() const;
  int listener_accepts();  // connections accepted since setup
  std::string read(const fs::path& p) const;

 protected:
  void setup(NetworkMode network, bool persistent_shell = false);
  void TearDown() override;
  static void TearDownTestSuite();

  CommandResult run(const std::string& command_template, int timeout_ms);
  void record(const std::string& attempt, const std::string& outcome);

 private:
  std::string substitute(std::string s) const;

  std::unique_ptr<IsolatedSandbox> sandbox_;
  std::unique_ptr<PersistentShell> shell_;
  std::string layers_;
  fs::path probe_;
  pid_t host_pid_ = -1;
  int listen_fd_ = -1;
  int port_ = 0;
};

// Runs this test binary again as `uid` (from a root run) with a gtest filter; returns its
// exit status and output.
ChildRun rerun_as_user(uid_t uid, const std::string& filter);

}  // namespace agent::testing
