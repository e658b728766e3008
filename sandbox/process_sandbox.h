// ProcessSandbox: the basic isolation every platform has — the command runs in its own
// session and process group with a scrubbed environment, stdin from /dev/null, no login
// shell; at the deadline or on cancel the whole group is killed (SIGTERM, then SIGKILL) and
// every process of it reaped. It does not restrict the file system or the network: the
// namespace/Landlock/seccomp sandbox adds those.
// Thread-safety: run() may be called concurrently from several threads.
#pragma once

#include "sandbox/sandbox.h"

namespace agent {

class ProcessSandbox : public Sandbox {
 public:
  std::string_view name() const override { return "process"; }
  Result<CommandResult> run(const CommandSpec& spec) override;
  Result<StartedProcess> start(const StartSpec& spec) override;
};

// Makes this process a child subreaper so that orphaned grandchildren of commands are
// re-parented here and reaped instead of lingering as zombies. Call once at start-up.
void become_subreaper();

}  // namespace agent
