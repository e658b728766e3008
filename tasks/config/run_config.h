// RunConfig: the effective settings of a run once every source has had its say, in the
// documented order: flags > environment > repository config > user config > defaults.
//
// A repository's config (<repo>/.agent/config.toml) is applied with care: its budget and
// sandbox values only count when they are stricter than what the user's settings below it
// say (a lower limit, a stricter sandbox, the network off); looser ones are dropped with a
// warning. Keys it may never set were already dropped by parse_config.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tasks/config/config_file.h"
#include "tasks/config/price_table.h"

namespace CLI {
class App;
}

namespace agent::cli {

struct RunConfig {
  std::string model = "deepseek-v4-pro", reasoning = "high", backend = "auto";
  std::string api = "openai", base_url;  // empty base_url: DeepSeek's for the format
  std::string key_env = "DEEPSEEK_API_KEY", server = "auto", ca_file;
  double connect_timeout_s = 15, first_byte_timeout_s = 300, idle_timeout_s = 120;
  int64_t max_attempts = 6;
  double retry_base_delay_s = 1, retry_max_delay_s = 60, retry_budget_s = 600;
  int64_t max_steps = 100, max_output_tokens = 65536, context_tokens = 1048576;
  int64_t cost_reserve_tokens = 8192;  // output tokens assumed when checking --max-cost before a request
  double max_cost_usd = 0, timeout_s = 0;
  std::string sandbox = "auto", network = "off";
  std::string prices_file;  // the user's price table ("" = none)

  std::vector<std::string> files;     // config files that were read, in order
  std::vector<std::string> warnings;  // to print before the run starts
};

struct ConfigSources {
  std::string user_file;  // "" = none
  std::string repo_file;  // "" = none
  Getenv env;             // unset = no environment layer
  std::optional<ConfigLayer> flags;
};

// $XDG_CONFIG_HOME/agent/config.toml, else ~/.config/agent/config.toml ("" without HOME).
std::string user_config_path(const Getenv& env);
// $XDG_CONFIG_HOME/agent/prices.toml, else ~/.config/agent/prices.toml.
std::string user_prices_path(const Getenv& env);
// <repository root>/.agent/config.toml.
std::string repo_config_path(const std::string& repo_root);

Result<RunConfig> resolve_config(const ConfigSources& sources);

// The flags a subcommand was given explicitly (CLI11 counts), as a layer.
ConfigLayer flags_layer(const CLI::App& app);

// The shipped prices with the user's table (RunConfig::prices_file, or user_prices_path when
// that file exists) merged over them.
Result<PriceTable> load_prices(const RunConfig& config, const Getenv& env);

// What a subcommand run in `repo_root` sees: user config, the repository's config, the
// environment and the flags it was given.
Result<RunConfig> load_command_config(const CLI::App& app, const std::string& repo_root, const Getenv& env);

// User config + environment (no repository, no flags): what `agent resume`, the benchmark
// runner and the backend factory use for settings the journal does not record.
Result<RunConfig> load_user_config(const Getenv& env);

// Copies the merged model and budget settings into a command's flags (agent solve, agent pr,
// agent bench run: their flag structs share these field names).
template <typename Flags>
void apply_run_config(Flags& f, const RunConfig& c) {
  f.model = c.model;
  f.reasoning = c.reasoning;
  f.backend = c.backend;
  f.api = c.api;
  f.base_url = c.base_url;
  f.key_env = c.key_env;
  f.sandbox = c.sandbox;
  f.network = c.network;
  f.max_steps = c.max_steps;
  f.max_cost = c.max_cost_usd;
  f.timeout = c.timeout_s;
  f.context_tokens = c.context_tokens;
  f.max_output_tokens = c.max_output_tokens;
}

// `--backend auto|api|engine|scripted` to the backend a run uses: auto is the engine when
// weights are given, else the API when the key variable is set, else an error saying how to
// configure either (`script_hint`: "--script FILE" or "--script DIR").
Result<std::string> resolve_backend_name(const std::string& backend, bool have_weights, const Getenv& env,
                                         const std::string& key_env, const std::string& script_hint);

}  // namespace agent::cli
