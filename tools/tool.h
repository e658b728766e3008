// Tool: something the model can call. Each tool is a spec (name, description, JSON schema of
// its arguments, whether it mutates) and run(arguments, context).
//
// Tools never decide permission (policies do, before run() is called) and never throw: a
// mistake the model can fix (bad path, failing command, a patch that does not apply) is a
// ToolOutput with is_error set, sent back to the model. Arguments reach run() already parsed
// and checked against the schema (required fields present, types right, no unknown fields).
// Thread-safety: a tool object may be shared; run() must be reentrant.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/json.h"
#include "common/protocol.h"
#include "sandbox/persistent_shell.h"
#include "sandbox/sandbox.h"

namespace agent {

struct ToolLimits {
  size_t read_default_lines = 2000;          // read_file without a limit
  size_t read_max_bytes = 256u << 10;        // bytes one read_file returns at most
  uint64_t read_max_file_bytes = 64ull << 20;// larger files: read by line range only
  uint64_t write_max_bytes = 16ull << 20;    // write_file / edit results
  size_t search_max_matches = 500;
  size_t list_max_entries = 2000;
  std::chrono::seconds shell_default_timeout{120};
  std::chrono::seconds shell_max_timeout{1800};
  size_t shell_output_limit = 8u << 20;      // bytes of a command's output kept (head + tail)
};

// What the git tools may do in this run.
struct GitToolConfig {
  std::string run_branch;  // the run's own branch; empty: git_commit is refused
  std::string author_name = "agent";
  std::string author_email = "agent@localhost";
};

struct ToolContext {
  std::filesystem::path workspace;  // canonical absolute path of the repository root
  std::filesystem::path run_dir;    // canonical run folder; read_file may read it
  Sandbox* sandbox = nullptr;
  // The run's persistent shell (in `sandbox`); null: each command gets a fresh shell.
  PersistentShell* shell = nullptr;
  std::vector<std::string> command_env;  // environment for commands (already scrubbed)
  const CancelToken* cancel = nullptr;
  // Commands never run past the run's deadline.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  ToolLimits limits;
  GitToolConfig git;
};

struct ToolOutput {
  std::string content;
  bool is_error = false;
  // Printed by a program: escape sequences and progress bars are removed before the model
  // reads it.
  bool terminal_output = false;
  Json details = Json::object();  // structured facts for the journal (exit code, files, ...)

  static ToolOutput ok(std::string text) { return {std::move(text), false, false, Json::object()}; }
  static ToolOutput error(std::string text) { return {std::move(text), true, false, Json::object()}; }
};

class Tool {
 public:
  virtual ~Tool() = default;
  virtual const ToolSpec& spec() const = 0;
  virtual ToolOutput run(const Json& args, ToolContext& ctx) = 0;
};

}  // namespace agent
