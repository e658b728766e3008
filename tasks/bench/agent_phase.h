// The agent's part of a benchmark task: a checkout of the task at base_commit (setup_cmd run
// in it), then one agent run on the problem statement — created with create_run and driven
// quietly with the batch's cancel token, exactly as `agent solve` would run it — and the patch
// it leaves.
// Thread-safety: reentrant; several tasks may run at once on different threads.
#pragma once

#include <filesystem>
#include <string>

#include "agent/run_settings.h"
#include "tasks/bench/evaluate.h"
#include "tasks/bench/task.h"

namespace agent::bench {

struct AgentOutcome {
  bool cancelled = false;     // the batch was interrupted: the task is to be redone
  std::string infra_error;    // the checkout or setup_cmd failed: the agent never ran
  std::string status;         // finished, budget, context_full, failed; "" = never started
  std::string stop_reason;
  std::string agent_error;    // the agent crashed or could not start (backend, script)
  // The model backend failed (drive_run's exit 3: unreachable, overloaded, out of retries) with
  // a backend that has infrastructure (api, engine): not the model's failure, the task is an
  // infrastructure failure to redo. The scripted backend's failures (a script that runs out)
  // are the test data's and count as a crash.
  bool backend_failed = false;
  int64_t steps = 0, tool_calls = 0;
  Usage usage;
  double cost_usd = 0;
  double wall_s = 0;
  std::string patch;          // the run's patch.diff ("" when it changed nothing)
};

// `settings` holds the model, backend and budgets; repo, out_dir and (scripted) script are
// filled in here: the checkout is task_dir/repo, the run folder task_dir/agent, the script
// `script_dir`/<instance_id>.jsonl.
// `yes` approves what policies mark `ask` (--yes); otherwise, with no one to ask, they are
// refused and the model is told.
AgentOutcome run_agent(const BenchTask& task, RunSettings settings, const std::string& script_dir,
                       const std::filesystem::path& objects, const std::filesystem::path& task_dir,
                       const EvalOptions& opts, bool yes);

}  // namespace agent::bench
