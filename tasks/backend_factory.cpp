#include "tasks/backend_factory.h"

#include "inference/engine_backend/engine_backend.h"
#include "inference/scripted/scripted_backend.h"
#include "tasks/config/api_setup.h"

namespace agent::cli {

Result<std::unique_ptr<ModelBackend>> make_backend(const RunSettings& settings) {
  if (settings.backend == "scripted") {
    if (settings.script.empty()) {
      return invalid_argument("--backend scripted needs --script FILE (one model turn per line)");
    }
    auto b = ScriptedBackend::load(settings.script);
    if (!b.ok()) return b.status();
    return std::unique_ptr<ModelBackend>(std::make_unique<ScriptedBackend>(std::move(*b)));
  }
  if (settings.backend == "engine") {
    if (settings.weights.empty()) {
      return invalid_argument("--backend engine needs --weights DIR (a checkpoint folder with tokenizer.json)");
    }
    EngineBackendOptions o;
    o.weights = settings.weights;
    AGENT_ASSIGN_OR_RETURN(o.device, parse_engine_device(settings.device));
    o.max_context = settings.context_tokens;
    AGENT_ASSIGN_OR_RETURN(auto b, EngineBackend::open(o));
    return std::unique_ptr<ModelBackend>(std::move(b));
  }
  if (settings.backend == "api") {
    // How to reach the server (key variable, timeouts, retries, proxies) is the user's config
    // and environment; which server, format and model are the run's settings.
    Getenv env = process_env();
    AGENT_ASSIGN_OR_RETURN(RunConfig config, load_user_config(env));
    return make_api_backend(settings, config, env);
  }
  return invalid_argument("backend \"" + settings.backend +
                          "\" is not available in this build; use --backend scripted --script FILE");
}

}  // namespace agent::cli
