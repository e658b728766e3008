// Starting a run: given complete settings (repository, run folder, backend, budgets) and the
// issue text, snapshot the repository, build the first two messages (system prompt with the
// repository's AGENTS.md, the issue) and write the journal's run_started event. Shared by
// `agent solve`, the PR bot and the benchmark harness.
#pragma once

#include <string>

#include "agent/journal.h"
#include "agent/run_state.h"

namespace agent::cli {

struct NewRun {
  RunState state;
  Journal journal;
};

// settings.repo and settings.out_dir must exist (the run folder empty). Errors: the
// repository cannot be snapshot (NotFound when not a git repository) or the journal cannot
// be written.
Result<NewRun> create_run(RunSettings settings, const std::string& issue_text);

}  // namespace agent::cli
