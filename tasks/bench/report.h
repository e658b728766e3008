// A batch's outputs, always rebuilt from results.jsonl and batch.json (so a resumed or merged
// batch gets exactly the files an uninterrupted one would): preds.jsonl in the official
// format, report.json in the official report's shape, report.md and report.html.
//
// report.json holds no timing, so that the same outcomes always give the same file (resume and
// merge tests rely on it); times are in report.md/html and results.jsonl.
// Thread-safety: reentrant.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/json.h"
#include "tasks/bench/manifest.h"
#include "tasks/bench/results.h"

namespace agent::bench {

// One run's numbers over a batch's instances (official categories, sorted id lists).
struct RunAggregate {
  int run = 1;
  std::vector<std::string> total, submitted, completed, resolved, unresolved, empty_patch, error, incomplete;
  // The model backend failed (not submitted; --resume redoes them). Our grader has no
  // ambiguous outcome (a test missing from the log fails), so the official
  // ambiguous_failure_instances is always 0.
  std::vector<std::string> infra_failure;
  std::vector<std::string> agent_error_ids, tests_timed_out_ids;
  Usage usage;
  double cost_usd = 0;
  int64_t steps = 0;
  double wall_s = 0, agent_wall_s = 0, eval_wall_s = 0;
  std::map<std::string, int> agent_status_counts;  // "finished", "budget", ..., "not started"
};

RunAggregate aggregate_run(const std::vector<std::string>& instance_ids, const std::vector<TaskResult>& results,
                           int run);

// The latest result for each (instance, run), in instance order then run order. Results for
// instances outside `instance_ids` are dropped.
std::vector<TaskResult> latest_results(const std::vector<std::string>& instance_ids,
                                       const std::vector<TaskResult>& results);

// The official summary fields (schema_version 2) for one run.
Json official_report(const RunAggregate& a);

// report.json: run 1's official fields plus, for every run, its counts, and our additions
// (resolve rate with its Wilson interval, tokens, cost, cost per resolved task, agent errors).
Json make_report_json(const BatchManifest& m, const std::vector<TaskResult>& results);
std::string make_report_md(const BatchManifest& m, const std::vector<TaskResult>& results);
std::string make_report_html(const BatchManifest& m, const std::vector<TaskResult>& results);

// Writes preds.jsonl (run 1; preds.run-K.jsonl for later runs; infrastructure failures have
// no prediction), report.json, report.md and report.html into `dir`.
Status write_outputs(const std::filesystem::path& dir, const BatchManifest& m, const std::vector<TaskResult>& results);

// "12.3k", "1.2M" for token counts; "$0.0123" style for costs; "1:02:03" for durations.
std::string human_count(double n);
std::string human_usd(double usd);
std::string human_duration(double seconds);

}  // namespace agent::bench
