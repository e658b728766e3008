// Test helpers for the sandbox tests: an IsolatedSandbox with every layer this machine has,
// over a temporary workspace, and a look through /proc for leftover processes.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "common/fs.h"
#include "sandbox/command_env.h"
#include "sandbox/host_probe.h"
#include "sandbox/isolated_sandbox.h"

namespace agent::testing {

// The layers `auto` picks here; skips the test when namespaces are unavailable.
inline SandboxLayers auto_layers_or_skip(NetworkMode net = NetworkMode::kOff) {
  auto c = choose_layers(SandboxMode::kAuto, net, host_capabilities());
  return c.ok() ? c->layers : SandboxLayers{};
}

// Number of host processes whose command line contains `needle`.
int count_processes_with(const std::string& needle);

class IsolatedSandboxTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // (Re)builds the sandbox; `tweak` edits the config first.
  void make(const std::function<void(SandboxConfig&)>& tweak = {},
            NetworkMode net = NetworkMode::kOff);
  CommandResult run(const std::string& command, int timeout_ms = 20000);

  TempDir root_;
  fs::path ws_;
  SandboxConfig config_;
  std::unique_ptr<IsolatedSandbox> sandbox_;
};

}  // namespace agent::testing
