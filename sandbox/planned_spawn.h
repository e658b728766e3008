// Running a command or starting a long-lived process from a prepared ChildPlan: the pieces
// every Sandbox implementation shares (argv/env marshalling, the output pipe, spawning,
// supervision). The plan's isolation fields are the caller's; the per-call fields (argv,
// envp, fds, cwd) are filled in here.
// Thread-safety: reentrant (each call works on its own copy of the plan).
#pragma once

#include <string>
#include <vector>

#include "sandbox/child_plan.h"
#include "sandbox/sandbox.h"

namespace agent {

// `extra_env` entries override same-named entries of spec.env.
std::vector<std::string> merge_env(const std::vector<std::string>& base,
                                   const std::vector<std::string>& extra_env);

// Runs `bash -c spec.command` under `plan` (stdin /dev/null, stdout+stderr to one pipe) and
// supervises it to the end. `cgroup_procs_fd` (or -1) is joined by the child.
Result<CommandResult> run_planned(ChildPlan plan, const CommandSpec& spec,
                                  const std::vector<std::string>& env, int cgroup_procs_fd = -1);

// Starts spec.argv under `plan` and returns at once.
Result<StartedProcess> start_planned(ChildPlan plan, const StartSpec& spec,
                                     const std::vector<std::string>& env, int cgroup_procs_fd = -1);

}  // namespace agent
