// Settings from the places users put them: config files (TOML, via toml++), the environment
// and command-line flags, each read into a ConfigLayer of the keys it set.
//
// Owns: the schema of config.toml (see docs/api-backends.md), its validation (errors name the
// file, the key and the line), and what a repository's own .agent/config.toml may say. A
// repository's config is untrusted input: it may choose the model and reasoning mode and
// tighten budgets and the sandbox, but it cannot change where credentials are sent (backend,
// api.*), what prices count, or the policies; such keys are dropped with a warning.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace agent::cli {

enum class Trust { kUser, kRepository };

struct ConfigLayer {
  std::string source;  // "/home/u/.config/agent/config.toml", "environment", "flags"
  std::map<std::string, int64_t> lines;  // file layers: "api.base_url" -> its line, for errors
  std::optional<std::string> model, reasoning, backend;
  // [api]: where requests go and how they are retried.
  std::optional<std::string> api, base_url, key_env, server, ca_file;
  std::optional<double> connect_timeout_s, first_byte_timeout_s, idle_timeout_s;
  std::optional<int64_t> max_attempts;
  std::optional<double> retry_base_delay_s, retry_max_delay_s, retry_budget_s;
  // [budget]
  std::optional<int64_t> max_steps, max_output_tokens, context_tokens, cost_reserve_tokens;
  std::optional<double> max_cost_usd, timeout_s;
  // [sandbox]
  std::optional<std::string> sandbox, network;
  // [prices]
  std::optional<std::string> prices_file;
};

// Parses config.toml text. Unknown keys and keys a repository may not set become warnings
// ("<source>: ..."); wrong types and values are errors.
Result<ConfigLayer> parse_config(std::string_view toml_text, std::string_view source, Trust trust,
                                 std::vector<std::string>& warnings);

// Reads and parses a config file; nullopt when it does not exist.
Result<std::optional<ConfigLayer>> load_config_file(const std::string& path, Trust trust,
                                                    std::vector<std::string>& warnings);

// A value lookup in the environment (injected so tests need not change the real one).
using Getenv = std::function<std::optional<std::string>(const char* name)>;
Getenv process_env();

// AGENT_MODEL, AGENT_REASONING, AGENT_BACKEND, AGENT_API, AGENT_BASE_URL, AGENT_API_KEY_ENV,
// AGENT_API_SERVER, AGENT_MAX_COST, AGENT_MAX_STEPS. Errors name the variable.
Result<ConfigLayer> env_layer(const Getenv& env);

// Checks the values a layer holds (shared by files, environment and flags): errors say
// "<source>: <key> ...".
Status validate_layer(const ConfigLayer& layer);

}  // namespace agent::cli
