// Benchmark tasks: SWE-bench compatible JSON lines (product.md "Benchmark tasks") plus our
// fields for running without Docker (repo_path, setup_cmd, test_cmd, test_framework).
//
// Owns: reading a tasks file, checking every field, and reporting a bad line with its number
// and the field at fault. A bad line is skipped (and reported) or stops the load, as the
// caller chooses; it never crashes the reader.
// Thread-safety: pure functions; BenchTask is a plain value.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/json.h"
#include "tasks/bench/test_log.h"

namespace agent::bench {

struct BenchTask {
  std::string instance_id;
  std::string repo;               // "owner/name", informational
  std::string base_commit;        // 40 hex digits
  std::string problem_statement;
  std::string patch;              // gold patch (optional)
  std::string test_patch;         // may be empty when the tests are already in the repository
  std::vector<std::string> fail_to_pass, pass_to_pass;
  std::string repo_path;          // absolute: a git repository or bundle holding base_commit
  std::string setup_cmd;          // optional
  std::string test_cmd;           // for plain: contains {test}
  TestFramework framework = TestFramework::kPlain;
  size_t line = 0;                // 1-based line in the tasks file
};

struct BadLine {
  size_t line = 0;
  std::string message;      // "field FAIL_TO_PASS: ..." etc.
  std::string instance_id;  // when the line is a JSON object with a string instance_id; else ""
};

struct TaskFile {
  std::filesystem::path path;       // canonical
  std::vector<BenchTask> tasks;     // the good lines, in file order
  std::vector<BadLine> bad_lines;
  std::string digest;               // of the file's bytes, to recognise it on --resume/merge
};

enum class OnBadLine { kSkip, kFail };

// Parses one line's JSON object. Relative repo_path values are taken relative to `base_dir`
// (the tasks file's folder). Errors are InvalidArgument naming the field.
Result<BenchTask> parse_task(const Json& j, const std::filesystem::path& base_dir);

// Reads a tasks file. With kFail the first bad line is an InvalidArgument
// "FILE:LINE: message"; with kSkip bad lines are returned in bad_lines. Duplicate instance
// ids and a repo_path that does not exist are bad lines. A file with no good task is an error
// in both modes.
Result<TaskFile> load_tasks(const std::filesystem::path& file, OnBadLine mode);

// SWE-bench stores FAIL_TO_PASS/PASS_TO_PASS as JSON lists or as strings holding a JSON list.
Result<std::vector<std::string>> read_test_list(const Json& obj, std::string_view key, bool required);

// FNV-1a 64 of `data` as 16 hex digits: enough to notice that a file changed.
std::string content_digest(std::string_view data);

// Whether an instance id can name a folder (no '/', no "..", printable, not empty).
bool is_safe_instance_id(std::string_view id);

// `s` in double quotes for a message: quotes and backslashes escaped, control bytes (NUL
// included, which would cut a C string) written as \xNN, and cut after 200 bytes.
std::string quoted_for_message(std::string_view s);

}  // namespace agent::bench
