#include "tasks/config/api_setup.h"

#include <chrono>

namespace agent::cli {

namespace {

std::string first_set(const Getenv& env, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    auto v = env(n);
    if (v && !v->empty()) return *v;
  }
  return "";
}

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000.0 + 0.5));
}

std::string base_url_of(const RunSettings& s, const std::string& format) {
  return s.base_url.empty() ? api::default_base_url(format) : s.base_url;
}

}  // namespace

Result<api::ApiBackendOptions> api_backend_options(const RunSettings& s, const RunConfig& c, const Getenv& env) {
  api::ApiBackendOptions o;
  o.format = s.api.empty() ? c.api : s.api;
  if (o.format != "openai" && o.format != "anthropic") {
    return invalid_argument("--api must be openai or anthropic, got \"" + o.format + "\"");
  }
  o.base_url = base_url_of(s, o.format);
  AGENT_ASSIGN_OR_RETURN(api::Url url, api::parse_url(o.base_url, "--base-url"));
  AGENT_RETURN_IF_ERROR(api::check_model_name(s.model, url));
  o.key_source = c.key_env;
  o.api_key = first_set(env, {c.key_env.c_str()});
  if (o.api_key.empty() && api::is_deepseek_host(url.host)) {
    std::string where = user_config_path(env);
    return invalid_argument("the api backend needs an API key for " + url.host + ": set " + c.key_env + " (export " +
                            c.key_env + "=sk-...), or name another variable with key_env under [api] in " +
                            (where.empty() ? std::string("~/.config/agent/config.toml") : where));
  }
  if (c.server != "auto") {
    AGENT_ASSIGN_OR_RETURN(o.server, api::parse_server_kind(c.server));
  }
  o.retry = api::RetryPolicy{static_cast<int>(c.max_attempts), c.retry_base_delay_s, c.retry_max_delay_s, c.retry_budget_s};
  o.http.timeouts = {ms(c.connect_timeout_s), ms(c.first_byte_timeout_s), ms(c.idle_timeout_s)};
  o.http.ca_file = c.ca_file;
  o.http.proxy.https_proxy = first_set(env, {"https_proxy", "HTTPS_PROXY"});
  o.http.proxy.http_proxy = first_set(env, {"http_proxy", "HTTP_PROXY"});
  o.http.proxy.no_proxy = first_set(env, {"no_proxy", "NO_PROXY"});
  return o;
}

Result<std::unique_ptr<ModelBackend>> make_api_backend(const RunSettings& s, const RunConfig& c, const Getenv& env) {
  AGENT_ASSIGN_OR_RETURN(api::ApiBackendOptions o, api_backend_options(s, c, env));
  AGENT_ASSIGN_OR_RETURN(std::unique_ptr<api::ApiBackend> b, api::ApiBackend::create(std::move(o)));
  return std::unique_ptr<ModelBackend>(std::move(b));
}

std::vector<std::string> secret_env_names(const Getenv& env) {
  std::vector<std::string> names{RunConfig{}.key_env};
  auto config = load_user_config(env);
  if (config.ok() && config->key_env != names[0]) names.push_back(config->key_env);
  // A config that does not load still must not let a named variable through.
  if (auto named = env("AGENT_API_KEY_ENV"); named && !named->empty() && *named != names.back()) {
    names.push_back(*named);
  }
  return names;
}

const ModelPrice* CostModel::price_of(const std::string& model) const {
  if (!priced) return nullptr;
  const ModelPrice* p = prices.find(model);
  // DeepSeek's own prices say nothing about a self-hosted server that serves the same model.
  if (p != nullptr && p->shipped && !deepseek) return nullptr;
  return p;
}

Result<CostModel> cost_model_for(const RunSettings& s, const Getenv& env) {
  AGENT_ASSIGN_OR_RETURN(RunConfig c, load_user_config(env));
  CostModel m;
  AGENT_ASSIGN_OR_RETURN(m.prices, load_prices(c, env));
  m.reserve_tokens = c.cost_reserve_tokens;
  m.priced = s.backend == "api";
  if (m.priced) {
    auto url = api::parse_url(base_url_of(s, s.api.empty() ? c.api : s.api), "--base-url");
    m.deepseek = url.ok() && api::is_deepseek_host(url->host);
  }
  return m;
}

void install_cost_hooks(PlannerHooks& hooks, std::shared_ptr<const CostModel> model) {
  hooks.cost = [model](const Usage& u, const std::string& name) {
    const ModelPrice* p = model->price_of(name);
    if (p == nullptr) return 0.0;
    return model->prices.cost(u, name, std::chrono::system_clock::now()).value_or(0.0);
  };
  // What is in the provider's cache (the last request's cached prefix) is likely a hit again;
  // everything else is priced as a miss, and the reserve as output.
  hooks.next_request_cost = [model](int64_t prompt, const Usage& last, const std::string& name) {
    if (model->price_of(name) == nullptr) return 0.0;
    Usage next;
    next.prompt_tokens = prompt;
    next.cached_tokens = std::min(prompt, last.cached_tokens);
    next.completion_tokens = model->reserve_tokens;
    return model->prices.cost(next, name, std::chrono::system_clock::now()).value_or(0.0);
  };
}

Status check_cost_budget(const RunSettings& s, const CostModel& m) {
  if (s.max_cost_usd <= 0 || !m.priced || m.price_of(s.model) != nullptr) return ok_status();
  return invalid_argument("--max-cost: no price is known for model " + s.model +
                          " on this server, so spending could not be counted; add it under [models] in " +
                          std::string("~/.config/agent/prices.toml (see docs/api-backends.md)"));
}

Status validate_costs(const RunSettings& settings, const Getenv& env) {
  AGENT_ASSIGN_OR_RETURN(CostModel m, cost_model_for(settings, env));
  return check_cost_budget(settings, m);
}

}  // namespace agent::cli
