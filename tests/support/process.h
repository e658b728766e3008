// Test support: run a program (usually the built `agent`) and capture what it printed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace agent::testing {

struct ProcessResult {
  int exit_code = -1;   // -1 when killed by a signal
  int signal = 0;
  std::string out;      // stdout
  std::string err;      // stderr
};

struct ProcessOptions {
  std::filesystem::path cwd;             // default: current folder
  std::vector<std::string> extra_env;    // "K=V" added to the current environment
  std::string stdin_text;
  std::chrono::seconds timeout{120};
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& opts = {});

// Starts a program in the background (stdout/stderr to files under `log_dir`); returns its pid.
pid_t start_process(const std::vector<std::string>& argv, const std::filesystem::path& log_dir,
                    const ProcessOptions& opts = {});

// The built agent binary ($AGENT_BINARY_DIR/tasks/agent) and the source tree.
std::filesystem::path agent_binary();
std::filesystem::path source_dir();

// Runs a shell command line with /bin/sh; returns its exit status.
int sh(const std::string& command);

}  // namespace agent::testing
