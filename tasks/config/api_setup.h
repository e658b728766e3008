// Builds the `--backend api` model backend of a run and prices its turns.
//
// The run's settings (journaled, so `agent resume` reuses them) say which server, wire format
// and model; the user's config and the environment say how: which variable holds the API key,
// the server kind for reasoning fields, timeouts, retries, proxies. tasks/ is the only layer
// that reads the environment, so the key and the proxy variables are read here.
// Thread-safety: functions are reentrant; CostHooks' functions may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agent/planner.h"
#include "agent/run_settings.h"
#include "inference/api/api_backend.h"
#include "tasks/config/run_config.h"

namespace agent::cli {

// The options ApiBackend needs. InvalidArgument (a usage error) for a retired or foreign
// model name, a bad base URL, or a missing API key for DeepSeek's servers (saying how to set it).
Result<api::ApiBackendOptions> api_backend_options(const RunSettings& settings, const RunConfig& config,
                                                   const Getenv& env);
Result<std::unique_ptr<ModelBackend>> make_api_backend(const RunSettings& settings, const RunConfig& config,
                                                       const Getenv& env);

// The variables a run reads secrets from — the API key's (`api.key_env`, whatever it is
// called) — which the commands the model runs must never see (passed to build_command_env).
std::vector<std::string> secret_env_names(const Getenv& env);

// How a run's model turns are priced.
struct CostModel {
  PriceTable prices;
  int64_t reserve_tokens = 8192;  // output assumed for a request not yet made
  bool priced = false;            // api backend: turns cost money
  bool deepseek = false;          // DeepSeek's servers: the shipped prices apply
  // The price of `model` under these rules, or null when it has none.
  const ModelPrice* price_of(const std::string& model) const;
};

// From the user's config and price table; `settings` says backend, server and model.
Result<CostModel> cost_model_for(const RunSettings& settings, const Getenv& env);

// cost and next_request_cost for the planner, priced at the time they are called.
void install_cost_hooks(PlannerHooks& hooks, std::shared_ptr<const CostModel> model);

// With a cost budget, the model must have a price (else the budget could never stop the run).
Status check_cost_budget(const RunSettings& settings, const CostModel& model);
// cost_model_for + check_cost_budget: what `agent solve` checks before a run starts.
Status validate_costs(const RunSettings& settings, const Getenv& env);

}  // namespace agent::cli
