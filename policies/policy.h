// Policy decisions on tool calls: pure functions (request, config) -> Decision{allow | ask |
// deny, reason}. No I/O: the rule files are read by policy_file.h, prompting is the front
// end's job.
//
// Commands: every simple command a shell call would run (shell_parse.h finds them through
// chains, substitutions, `bash -c`, wrappers, absolute paths) is matched against the command
// rules' prefixes; the strictest decision of all matching rules over all sub-commands wins;
// a sub-command no rule matches gets `defaults.command`. A program name known only at run
// time gets `defaults.dynamic`; code hidden in a script file or interpreter gets
// `defaults.opaque` (on top of what its own rules say); shell code only known at run time
// (`curl x | sh`, `eval "$X"`) gets at least `ask` when the policy restricts any command.
// Writes: the paths write_file, edit_file and apply_patch would change are matched against
// the write rules' globs (relative to the workspace); strictest wins; else `defaults.write`.
// Network: whether a run may have the network on.
// Thread-safety: pure functions over immutable values.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace agent::policy {

enum class Verdict { kAllow = 0, kAsk = 1, kDeny = 2 };  // ordered: stricter is larger

std::string_view verdict_name(Verdict v);
Result<Verdict> parse_verdict(std::string_view s);

struct Decision {
  Verdict verdict = Verdict::kAllow;
  std::string reason;        // for the user and the model
  // For `ask`: what an "always" answer approves for the rest of the run (e.g. "git push"):
  // one key per sub-command or path that asked.
  std::vector<std::string> ask_keys;
};

// A token of a command prefix: alternatives, each a glob (*, ?, [..]) on one word.
using PrefixToken = std::vector<std::string>;

struct CommandRule {
  std::vector<PrefixToken> prefix;
  Verdict decision = Verdict::kAsk;
  std::string reason;
  std::string source;                  // "file:line" or "built-in"
  std::vector<std::string> match;      // command lines that must match (checked at load)
  std::vector<std::string> not_match;  // command lines that must not
};

struct PathRule {
  std::string glob;                    // relative to the workspace; ** spans folders
  Verdict decision = Verdict::kAsk;
  std::string reason;
  std::string source;
  std::vector<std::string> match, not_match;
};

struct Defaults {
  Verdict command = Verdict::kAllow;
  Verdict write = Verdict::kAllow;
  Verdict dynamic = Verdict::kAsk;
  Verdict opaque = Verdict::kAllow;
  Verdict network = Verdict::kAllow;   // may a run use --network on
};

struct PolicyConfig {
  Defaults defaults;
  std::vector<CommandRule> commands;
  std::vector<PathRule> writes;
  std::vector<std::string> sources;    // files the config was read from, in order
};

// A tool call as policies see it.
struct ToolRequest {
  std::string tool;          // "shell", "write_file", ...
  Json args = Json::object();
  std::string workspace;     // absolute path of the repository root
};

Decision decide(const ToolRequest& req, const PolicyConfig& cfg);

// The pieces, for tests and for `agent doctor`.
Decision decide_command(const std::string& command_line, const PolicyConfig& cfg);
Decision decide_write(const std::vector<std::string>& paths, const std::string& workspace,
                      const PolicyConfig& cfg);
Decision decide_network(bool wants_network, const PolicyConfig& cfg);

// True when `rule`'s prefix matches some sub-command of `command_line`.
bool rule_matches(const CommandRule& rule, const std::string& command_line);
bool path_rule_matches(const PathRule& rule, const std::string& relative_path);

// Glob on a relative path: `*` and `?` stay within a folder name, `**` spans folders.
bool path_glob_match(std::string_view glob, std::string_view path);

// The files an apply_patch argument would add, change, delete or move to (both the
// "*** Begin Patch" envelope and unified diffs).
std::vector<std::string> patch_paths(std::string_view patch);

}  // namespace agent::policy
