// Runs or continues one agent run whose state and journal are ready (shared by `agent solve`
// and `agent resume`): sets up the sandbox, tools and observers, runs the planner, then
// writes the run's outputs (patch.diff, result.json) and returns the exit code.
#pragma once

#include <memory>
#include <string>

#include "agent/journal.h"
#include "agent/planner.h"
#include "agent/run_state.h"
#include "inference/model_backend.h"

namespace agent::cli {

struct DriveOptions {
  bool json = false;   // events as JSON lines on stdout instead of the terminal view
  bool yes = false;    // approve `ask` decisions without prompting
  bool quiet = false;  // no terminal view, no final answer on stdout (batch runners)
  // Stop the run when this fires. Unset: SIGINT/SIGTERM stop it (handlers installed here).
  const CancelToken* cancel = nullptr;
  // Author of the model's git_commit commits ("" = the tools' default, agent <agent@localhost>).
  std::string git_author_name, git_author_email;
};

int drive_run(RunState& state, Journal& journal, ModelBackend& backend, const DriveOptions& opts);

// patch.diff (from the run's start snapshot to the working tree now) and result.json.
// Returns the files changed.
Result<std::vector<std::string>> write_patch(const RunState& state);
Status write_result_json(const RunState& state, const std::vector<std::string>& files_changed);

// Exit status for a run's outcome (product.md).
int exit_code_for(RunStatus status, const Status& error);

}  // namespace agent::cli
