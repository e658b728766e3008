// Test support for end-to-end runs of `agent solve` / `agent resume`: a temporary folder with
// a git repository (a copy of an example, or made from files), scripts written as JSONL, and
// readers for the run folder's journal and result.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/fs.h"
#include "common/json.h"
#include "tests/support/process.h"

namespace agent::testing {

class RunFixture : public ::testing::Test {
 protected:
  void SetUp() override;

  // Makes `repo/` a git repository with one commit holding `files` (path -> content).
  void make_repo(const std::vector<std::pair<std::string, std::string>>& files);
  // Copies examples/<name>/repo into `repo/` and commits it.
  void make_repo_from_example(const std::string& name);
  // Writes a script (one JSON object per model turn) and returns its path.
  std::string write_script(const std::vector<Json>& turns, const std::string& name = "script.jsonl");
  std::string write_text(const std::string& name, const std::string& text);

  // agent solve --repo repo --issue <issue> --backend scripted --script <script> --out run
  ProcessResult solve(const std::string& script, std::vector<std::string> extra = {},
                      const std::string& issue_text = "Fix the bug.");
  ProcessResult resume(std::vector<std::string> extra = {});

  std::vector<Json> journal() const;  // every line of run/trajectory.jsonl, parsed
  Json result() const;                // run/result.json
  std::string patch() const;          // run/patch.diff
  std::string repo_file(const std::string& rel) const;

  TempDir tmp_;
  std::filesystem::path root_, repo_, run_;
};

}  // namespace agent::testing
