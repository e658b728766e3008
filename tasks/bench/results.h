// One line of results.jsonl: what happened to one task in one run of a batch (the agent's run
// and the grading), and reading a results file back (for --resume, merge, compare, reports).
//
// Outcomes follow the official report: "empty_patch" (nothing to grade), "error" (grading could
// not finish: setup failed, the patch or test_patch did not apply, tests timed out),
// "resolved" or "unresolved"; and "infra_failure" (the model backend failed: nothing was
// graded, --resume redoes the task).
// Thread-safety: plain values and reentrant functions.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/protocol.h"
#include "tasks/bench/grading.h"

namespace agent::bench {

struct TaskResult {
  std::string instance_id;
  int run = 1;                 // 1..K with --runs K
  std::string model;           // model_name_or_path
  std::string outcome;         // resolved, unresolved, empty_patch, error, infra_failure
  std::string model_patch;
  bool patch_applied = false;
  std::string apply_method;
  std::optional<TestsReport> tests_before, tests_after;
  bool tests_timed_out = false;
  std::string error;           // why grading could not finish
  // The agent's run (absent for `bench eval`).
  bool has_agent = false;
  std::string agent_status;    // finished, budget, context_full, failed, or "" when it never started
  std::string stop_reason;
  std::string agent_error;     // the agent crashed or could not start
  int64_t steps = 0, tool_calls = 0;
  Usage usage;
  double cost_usd = 0;
  double agent_wall_s = 0, eval_wall_s = 0, wall_s = 0;

  bool resolved() const { return outcome == "resolved"; }
  bool infra_failure() const { return outcome == kInfraFailure; }
  static constexpr const char* kInfraFailure = "infra_failure";
};

Json to_json(const TaskResult& r);
Result<TaskResult> task_result_from_json(const Json& j, std::string_view where);

struct ResultsFile {
  std::vector<TaskResult> results;
  bool truncated_tail = false;  // a last line cut short by a crash was dropped
};

// Reads results.jsonl. A missing file is empty. A bad line other than the last is DataLoss
// naming the file and line; a bad last line is a write the crash cut short and is dropped.
Result<ResultsFile> read_results(const std::filesystem::path& path);

// Cuts a truncated last line off so that appends start on a fresh line.
Status repair_results_tail(const std::filesystem::path& path);

}  // namespace agent::bench
