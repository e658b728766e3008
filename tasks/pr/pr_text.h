// What the PR bot writes on the forge: the pull request's title and body (the agent's summary,
// the tests it ran, tokens and cost, a link back to the issue) and its comments on the issue.
// Everything comes from the run folder (result.json and the journal); every text ends with
// the bot's hidden marker so that the bot never reacts to its own words.
// Thread-safety: pure functions (read_run_report reads files).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"
#include "tasks/pr/pr_event.h"

namespace agent::pr {

struct TestRun {
  std::string command;
  int exit_code = -1;  // -1: killed or timed out
};

struct RunReport {
  std::string status, stop_reason, final_message, run_id, model;
  int64_t steps = 0, tool_calls = 0;
  int64_t prompt_tokens = 0, cached_tokens = 0, completion_tokens = 0, reasoning_tokens = 0;
  double cost_usd = 0, wall_s = 0;
  std::vector<std::string> files_changed;
  std::vector<TestRun> tests;  // shell commands that look like test runs, in order
};

// Reads result.json and the journal's shell calls. DataLoss naming the file when result.json
// is missing or malformed.
Result<RunReport> read_run_report(const std::filesystem::path& run_dir);

// Whether a shell command looks like it runs tests (make test, ctest, pytest, go test, ...).
bool looks_like_test_command(const std::string& command);

std::string pull_title(const IssueRequest& issue);
std::string pull_body(const IssueRequest& issue, const RunReport& run);
std::string commit_message(const IssueRequest& issue, const RunReport& run);

// Comments on the issue.
std::string comment_pull_done(const std::string& noun, int64_t number, const std::string& url, bool updated,
                              const std::string& commit);
std::string comment_not_finished(const RunReport& run, const std::string& noun);
std::string comment_no_changes(const RunReport& run, const std::string& noun);
std::string comment_branch_taken(const std::string& branch, const std::string& detail);
std::string comment_push_failed(const std::string& branch, const std::string& error, const std::string& noun);
// The run was asked for but its configuration (flags, config files, policy, prices) stopped it
// before the agent started. `why` is the error as the job's log shows it.
std::string comment_could_not_start(const std::string& why);

}  // namespace agent::pr
