// A/B comparison of two result sets (batch folders) on the tasks they share and both finished
// (a result for every run, none an infrastructure failure; the others are listed as left
// out, never counted as unresolved): resolve rates
// with Wilson intervals, an exact paired test (McNemar; with repeated runs, the sign test on
// each task's fraction of resolved runs), a paired bootstrap interval for the difference,
// cost per resolved task, and the tasks whose outcome flipped.
// Thread-safety: reentrant.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/json.h"
#include "tasks/bench/manifest.h"
#include "tasks/bench/results.h"
#include "tasks/bench/stats.h"

namespace agent::bench {

struct ResultSet {
  std::filesystem::path dir;
  BatchManifest manifest;
  std::vector<TaskResult> results;  // latest per (instance, run)
};

// Reads DIR/batch.json and DIR/results.jsonl. Errors name the folder.
Result<ResultSet> load_result_set(const std::filesystem::path& dir);

struct CompareSide {
  std::string name;       // model_name_or_path (folder name when empty)
  int runs = 1;
  int64_t resolved_runs = 0, trials = 0;  // summed over the shared tasks and runs
  double rate = 0;        // mean over the shared tasks of their fraction of resolved runs
  Interval ci;            // Wilson, on resolved_runs / trials
  double cost_usd = 0;
  double cost_per_resolved = -1;  // -1: nothing resolved
  int64_t tokens = 0;
  std::vector<double> per_task;   // fraction of resolved runs, in `tasks` order
};

struct Flip {
  std::string instance_id;
  double a = 0, b = 0;  // fraction of runs resolved
};

struct CompareReport {
  CompareSide a, b;
  std::vector<std::string> tasks, only_in_a, only_in_b;
  // In both folders but without a result for every run on one side or both (an interrupted
  // batch, an infrastructure failure): not compared.
  std::vector<std::string> left_out;
  std::string test;        // "exact McNemar" or "exact sign test (per-task resolve fractions)"
  int64_t a_better = 0, b_better = 0;  // discordant tasks
  double p_value = 1;
  double diff = 0;         // b.rate - a.rate
  Interval diff_ci;        // paired bootstrap over tasks
  std::vector<Flip> lost;  // A did better than B on these
  std::vector<Flip> gained;
  double alpha = 0.05;
  bool b_significantly_worse = false;
};

CompareReport compare_results(const ResultSet& a, const ResultSet& b, double alpha = 0.05);
std::string format_compare(const CompareReport& r);
Json to_json(const CompareReport& r);

}  // namespace agent::bench
