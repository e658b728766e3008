// Rule files: TOML text -> a policy layer, checked when loaded; layers merged into one
// PolicyConfig. The format is documented in docs/policies.md. Parsing is pure (text in,
// values out); reading the files is the front end's job.
//
// Layers, in order: the built-in default policy (default_policy.h), the user's file
// (~/.config/agent/policy.toml), the project's file (<repo>/.agent/policy.toml). A project
// file comes with the repository, which the user may not have written: it may only tighten
// (deny/ask rules, stricter defaults); an `allow` rule or a looser default in it, or a
// [sandbox] section, is an error naming the line.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "policies/policy.h"

namespace agent::policy {

enum class Layer { kBuiltin, kUser, kProject };

// The [sandbox] section: what the user lets commands see and the limits they run under.
struct SandboxSettings {
  std::vector<std::string> home_visible;   // paths under the home kept visible (read-only)
  std::optional<uint64_t> memory_bytes, max_processes, cpu_seconds, file_size_bytes,
      open_files, tmp_size_bytes;
  std::optional<std::string> shell;        // "persistent" or "oneshot"
};

struct PolicyLayer {
  std::optional<Verdict> command, write, dynamic, opaque, network;
  bool builtin_rules = true;               // user layer: false drops the built-in rules
  std::vector<CommandRule> commands;
  std::vector<PathRule> writes;
  SandboxSettings sandbox;
  std::string source;
};

// Parses and validates one file's text. `source` names it in every error ("path:line").
Result<PolicyLayer> parse_policy_layer(std::string_view toml_text, const std::string& source, Layer layer);

// Builds the effective config: built-in (unless a user layer drops its rules), then each
// layer in order. Later defaults replace earlier ones, except a project's, which only
// tighten.
PolicyConfig merge_layers(const std::vector<std::pair<Layer, PolicyLayer>>& layers);

// Parses a size such as "512M", "8G", "1024" (bytes).
Result<uint64_t> parse_size(std::string_view s);

}  // namespace agent::policy
