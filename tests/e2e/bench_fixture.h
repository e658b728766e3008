// Test support for `agent bench` end-to-end tests: a temporary folder, the example task set
// (examples/tasks), a scripts folder combining the examples' solving scripts with the test
// data's failing ones, and readers for a batch folder's outputs.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "common/fs.h"
#include "common/json.h"
#include "tests/support/process.h"

namespace agent::testing {

class BenchFixture : public ::testing::Test {
 public:
  static std::filesystem::path examples();  // examples/tasks
  static std::filesystem::path tasks_file() { return examples() / "tasks.jsonl"; }
  static std::vector<Json> example_tasks();  // every line of tasks.jsonl

 protected:
  void SetUp() override;

  // agent bench <args...> with the test environment (see SetUp); a generous time limit.
  ProcessResult bench(std::vector<std::string> args, std::chrono::seconds timeout = std::chrono::seconds(600));
  // The same, started in the background (stdout/stderr under root_/logs); returns the pid.
  pid_t bench_background(std::vector<std::string> args);

  // A tasks file holding the example tasks with these instance ids (in this order), with
  // repo_path made absolute so the file can live anywhere.
  std::filesystem::path subset(const std::vector<std::string>& ids, const std::string& name);

  Json report(const std::filesystem::path& batch) const;             // batch/report.json
  std::vector<Json> results(const std::filesystem::path& batch) const;  // batch/results.jsonl
  // instance_id -> outcome, from results.jsonl.
  std::map<std::string, std::string> outcomes(const std::filesystem::path& batch) const;

  TempDir tmp_;
  std::filesystem::path root_, scripts_;
  std::vector<std::string> env_;  // extra environment for the agent
};

}  // namespace agent::testing
