// Sandboxes for the commands the harness itself runs in a task's checkout: setup_cmd with the
// network on (it may fetch dependencies), the tests with it off. The isolation is the one
// --sandbox asks for, chosen for this machine as for the agent's own commands (host_probe.h):
// with namespaces, only the checkout and a private HOME (the task folder's grading-home/,
// shared by a task's setup and test commands) are writable.
// Thread-safety: make() may be called from any thread.
#pragma once

#include <filesystem>
#include <memory>

#include "sandbox/sandbox.h"
#include "sandbox/sandbox_config.h"

namespace agent::bench {

class GradingSandboxes {
 public:
  // FailedPrecondition when `strict` cannot be honoured on this machine (the message says why).
  static Result<GradingSandboxes> create(SandboxMode mode);

  Result<std::unique_ptr<Sandbox>> make(const std::filesystem::path& workspace,
                                        const std::filesystem::path& private_home, NetworkMode network) const;

  SandboxMode mode() const { return mode_; }

 private:
  SandboxMode mode_ = SandboxMode::kAuto;
};

}  // namespace agent::bench
