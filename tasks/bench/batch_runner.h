// Running a batch: every (task, run) of this shard that results.jsonl does not hold yet, on
// `workers` threads, each in its own folder tasks/<instance_id>/run-<k>; one results line
// appended and flushed to disk per finished task; the outputs rebuilt at the end.
//
// Resuming: a task is recorded only when it finished, so a batch killed at any point (even
// SIGKILL) continues with --resume; a task that was half done, or whose model backend failed
// (infra_failure), is redone from a clean folder.
// Interrupted (SIGINT/SIGTERM through the cancel token): running tasks stop, nothing
// half-done is recorded, the reports show what finished, and the exit status is 130.
// Thread-safety: run_batch is called once, from the main thread.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "agent/run_settings.h"
#include "common/cancel.h"
#include "tasks/bench/evaluate.h"
#include "tasks/bench/manifest.h"
#include "tasks/bench/task.h"

namespace agent::bench {

struct Prediction {
  std::string model;
  std::string patch;
};

struct BatchPlan {
  BatchManifest manifest;           // kind, tasks, shard, runs, settings
  std::vector<BenchTask> tasks;     // this batch's tasks, in file order
  std::filesystem::path out;
  int workers = 1;
  bool resume = false;
  // kind "run": the agent's settings (repo/out_dir filled per task) and scripts folder.
  RunSettings agent;
  std::string script_dir;
  bool yes = false;                 // --yes: approve `ask` decisions
  // kind "eval": the predictions by instance id.
  std::map<std::string, Prediction> preds;
  EvalOptions eval;                 // sandboxes, environment, timeouts (cancel set here)
  bool progress_tty = false;
};

// Returns the exit status: 0 the batch ran, 2 the folder cannot hold this batch (not empty
// without --resume, or --resume with other settings), 3 infrastructure failure (results or
// reports cannot be written, or a task stopped on a model backend failure: recorded as
// infra_failure, redone by --resume), 130 interrupted. Messages go to stderr.
int run_batch(BatchPlan& plan, CancelToken& cancel);

}  // namespace agent::bench
