#include "tasks/config/run_config.h"

#include <CLI/CLI.hpp>

#include "common/fs.h"

namespace agent::cli {

namespace {

template <typename T>
void take(T& into, const std::optional<T>& v) {
  if (v) into = *v;
}

void apply(RunConfig& c, const ConfigLayer& l) {
  take(c.model, l.model);
  take(c.reasoning, l.reasoning);
  take(c.backend, l.backend);
  take(c.api, l.api);
  take(c.base_url, l.base_url);
  take(c.key_env, l.key_env);
  take(c.server, l.server);
  take(c.ca_file, l.ca_file);
  take(c.connect_timeout_s, l.connect_timeout_s);
  take(c.first_byte_timeout_s, l.first_byte_timeout_s);
  take(c.idle_timeout_s, l.idle_timeout_s);
  take(c.max_attempts, l.max_attempts);
  take(c.retry_base_delay_s, l.retry_base_delay_s);
  take(c.retry_max_delay_s, l.retry_max_delay_s);
  take(c.retry_budget_s, l.retry_budget_s);
  take(c.max_steps, l.max_steps);
  take(c.max_output_tokens, l.max_output_tokens);
  take(c.context_tokens, l.context_tokens);
  take(c.cost_reserve_tokens, l.cost_reserve_tokens);
  take(c.max_cost_usd, l.max_cost_usd);
  take(c.timeout_s, l.timeout_s);
  take(c.sandbox, l.sandbox);
  take(c.network, l.network);
  take(c.prices_file, l.prices_file);
}

// A limit where 0 means "none": `v` is stricter when it sets a limit and is not above ours.
template <typename T>
bool tighter_limit(T v, T current) {
  return v > 0 && (current == 0 || v <= current);
}

int sandbox_rank(const std::string& s) { return s == "strict" ? 2 : (s == "auto" ? 1 : 0); }

// Keeps the repository's values that tighten `c`, warns about the others.
void apply_repository(RunConfig& c, ConfigLayer l) {
  auto refuse = [&](const char* key, const std::string& value) {
    c.warnings.push_back(l.source + ": " + key + " = " + value +
                         " is ignored: a repository's config may only tighten budgets and the sandbox");
  };
  auto limit = [&](auto& field, auto& value, const char* key) {
    if (value && !tighter_limit(*value, field)) {
      refuse(key, std::to_string(*value));
      value.reset();
    }
  };
  limit(c.max_steps, l.max_steps, "budget.max_steps");
  limit(c.max_cost_usd, l.max_cost_usd, "budget.max_cost_usd");
  limit(c.timeout_s, l.timeout_s, "budget.timeout_s");
  limit(c.max_output_tokens, l.max_output_tokens, "budget.max_output_tokens");
  limit(c.context_tokens, l.context_tokens, "budget.context_tokens");
  if (l.cost_reserve_tokens && *l.cost_reserve_tokens < c.cost_reserve_tokens) {
    refuse("budget.cost_reserve_tokens", std::to_string(*l.cost_reserve_tokens));
    l.cost_reserve_tokens.reset();
  }
  if (l.sandbox && sandbox_rank(*l.sandbox) < sandbox_rank(c.sandbox)) {
    refuse("sandbox.mode", "\"" + *l.sandbox + "\"");
    l.sandbox.reset();
  }
  if (l.network && *l.network == "on" && c.network != "on") {
    refuse("sandbox.network", "\"on\"");
    l.network.reset();
  }
  apply(c, l);
}

std::string config_home(const Getenv& env) {
  auto xdg = env ? env("XDG_CONFIG_HOME") : std::nullopt;
  if (xdg && !xdg->empty() && (*xdg)[0] == '/') return *xdg + "/agent";
  auto home = env ? env("HOME") : std::nullopt;
  if (home && !home->empty()) return *home + "/.config/agent";
  return "";
}

}  // namespace

std::string user_config_path(const Getenv& env) {
  std::string dir = config_home(env);
  return dir.empty() ? "" : dir + "/config.toml";
}

std::string user_prices_path(const Getenv& env) {
  std::string dir = config_home(env);
  return dir.empty() ? "" : dir + "/prices.toml";
}

std::string repo_config_path(const std::string& repo_root) { return repo_root + "/.agent/config.toml"; }

Result<RunConfig> resolve_config(const ConfigSources& src) {
  RunConfig c;
  for (auto [path, trust] : {std::pair{src.user_file, Trust::kUser}, std::pair{src.repo_file, Trust::kRepository}}) {
    if (path.empty()) continue;
    AGENT_ASSIGN_OR_RETURN(std::optional<ConfigLayer> layer, load_config_file(path, trust, c.warnings));
    if (!layer) continue;
    c.files.push_back(path);
    if (trust == Trust::kRepository) {
      apply_repository(c, std::move(*layer));
    } else {
      apply(c, *layer);
    }
  }
  if (src.env) {
    AGENT_ASSIGN_OR_RETURN(ConfigLayer env, env_layer(src.env));
    apply(c, env);
  }
  if (src.flags) {
    AGENT_RETURN_IF_ERROR(validate_layer(*src.flags));
    apply(c, *src.flags);
  }
  return c;
}

ConfigLayer flags_layer(const CLI::App& app) {
  ConfigLayer l;
  l.source = "flags";
  auto str = [&](const char* name, std::optional<std::string>& into) {
    const CLI::Option* o = app.get_option_no_throw(name);
    if (o != nullptr && o->count() > 0) into = o->as<std::string>();
  };
  auto num = [&](const char* name, auto& into) {
    const CLI::Option* o = app.get_option_no_throw(name);
    using T = typename std::remove_reference_t<decltype(into)>::value_type;
    if (o != nullptr && o->count() > 0) into = o->as<T>();
  };
  str("--model", l.model);
  str("--reasoning", l.reasoning);
  str("--backend", l.backend);
  str("--api", l.api);
  str("--base-url", l.base_url);
  str("--sandbox", l.sandbox);
  str("--network", l.network);
  num("--max-steps", l.max_steps);
  num("--max-cost", l.max_cost_usd);
  num("--timeout", l.timeout_s);
  num("--max-output-tokens", l.max_output_tokens);
  num("--context-tokens", l.context_tokens);
  return l;
}

Result<PriceTable> load_prices(const RunConfig& config, const Getenv& env) {
  PriceTable table = PriceTable::shipped();
  std::string path = config.prices_file;
  std::error_code ec;
  if (path.empty()) {
    path = user_prices_path(env);
    if (path.empty() || !fs::exists(path, ec)) return table;
  }
  auto text = read_file(path, 1 << 20);
  if (!text.ok()) return text.status().with_context("price table");
  AGENT_ASSIGN_OR_RETURN(PriceTable over, PriceTable::parse(*text, path));
  table.merge(over);
  return table;
}

Result<RunConfig> load_command_config(const CLI::App& app, const std::string& repo_root, const Getenv& env) {
  return resolve_config(ConfigSources{user_config_path(env), repo_config_path(repo_root), env, flags_layer(app)});
}

Result<RunConfig> load_user_config(const Getenv& env) {
  ConfigSources s;
  s.user_file = user_config_path(env);
  s.env = env;
  return resolve_config(s);
}

Result<std::string> resolve_backend_name(const std::string& backend, bool have_weights, const Getenv& env,
                                         const std::string& key_env, const std::string& script_hint) {
  if (backend == "scripted" || backend == "api" || backend == "engine") return backend;
  if (backend != "auto") {
    return invalid_argument("--backend must be auto, api, engine or scripted, got \"" + backend + "\"");
  }
  if (have_weights) return std::string("engine");
  if (auto key = env(key_env.c_str()); key && !key->empty()) return std::string("api");
  return invalid_argument("no model is configured: set " + key_env +
                          " to use the DeepSeek API, pass --weights DIR for the embedded engine, or "
                          "--backend scripted " + script_hint);
}

}  // namespace agent::cli
