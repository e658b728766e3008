// Evaluating a patch on a task, as the official harness does but without Docker: a fresh
// checkout at base_commit, setup_cmd, the model's patch (git apply, then a fuzzier apply),
// the test files put back to base_commit and test_patch applied, the tests run under the
// sandbox with a time limit, and the log graded.
//
// Owns: the order of those steps, the per-task log files and the per-instance report.json
// (official shape). Must not know: agents, batches, resuming.
// Thread-safety: reentrant; each call works in its own task folder.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "sandbox/sandbox.h"
#include "tasks/bench/grading.h"
#include "tasks/bench/grading_sandbox.h"
#include "tasks/bench/task.h"

namespace agent::bench {

struct EvalOptions {
  // Sandboxes for setup_cmd (network on) and the tests (network off), made per checkout.
  const GradingSandboxes* sandboxes = nullptr;
  std::vector<std::string> env;      // the complete environment of setup and test commands
  std::chrono::milliseconds setup_timeout{1800 * 1000};
  std::chrono::milliseconds test_timeout{1800 * 1000};
  const CancelToken* cancel = nullptr;
  bool tests_before = false;   // also run the tests before the patch (with test_patch only)
  bool keep_checkout = false;  // leave the evaluation checkout in place
};

struct EvalResult {
  bool patch_applied = false;
  std::string apply_method;            // "git apply" or "fuzzy"
  std::optional<TestsReport> before;   // tests with test_patch only (tests_before)
  std::optional<TestsReport> after;    // tests with the patch and test_patch
  bool resolved = false;
  bool tests_timed_out = false;
  std::string error;    // why grading could not finish (counts as an error instance)
  bool cancelled = false;
  double wall_s = 0;
};

// Creates `dest` as a checkout of the task at base_commit and runs setup_cmd there (output
// to `setup_log`; HOME is `home`). Errors say which step failed.
Status prepare_checkout(const BenchTask& task, const std::filesystem::path& objects,
                        const std::filesystem::path& dest, const std::filesystem::path& setup_log,
                        const std::filesystem::path& home, const EvalOptions& opts);

// Grades `model_patch` (not empty) in `task_dir`/eval. Writes task_dir/{patch.diff,
// test_output.txt, test_output_before.txt, setup_eval.log, report.json}.
EvalResult evaluate_patch(const BenchTask& task, const std::string& model_patch,
                          const std::filesystem::path& objects, const std::filesystem::path& task_dir,
                          const EvalOptions& opts);

// Applies a patch with the official harness's fallbacks in spirit: exactly (git apply), and
// when that fails, from a clean state again with tolerant context matching. Returns the
// method that worked; nothing is left half-applied. A patch naming a path outside the
// checkout (absolute, "..", .git, through a symbolic link) is refused before anything is
// touched: FailedPrecondition, graded as "Patch Apply Failed".
Result<std::string> apply_with_fallbacks(const std::filesystem::path& workdir, const std::string& patch);

// Single-quotes `s` for bash.
std::string shell_quote(std::string_view s);

// "20 s", "0.5 s": a time limit for messages.
std::string seconds_text(std::chrono::milliseconds d);

}  // namespace agent::bench
