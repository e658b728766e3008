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

}  // namespace agent::cli
