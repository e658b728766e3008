// Where a run's folder goes: --out DIR, else a new folder under $XDG_STATE_HOME/agent/runs/
// (else ~/.local/state/agent/runs/). Never inside the repository; an existing non-empty
// folder is refused.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"

namespace agent::cli {

// Creates the run folder and returns its canonical path.
Result<std::filesystem::path> prepare_run_folder(const std::string& out_flag,
                                                 const std::filesystem::path& repo);

}  // namespace agent::cli
