#include "agent/run_settings.h"

namespace agent {

Json to_json(const RunSettings& s) {
  return Json{{"repo", s.repo},
              {"out_dir", s.out_dir},
              {"backend", s.backend},
              {"api", s.api},
              {"base_url", s.base_url},
              {"script", s.script},
              {"weights", s.weights},
              {"device", s.device},
              {"model", s.model},
              {"reasoning", reasoning_mode_name(s.reasoning)},
              {"max_steps", s.max_steps},
              {"max_cost_usd", s.max_cost_usd},
              {"timeout_s", s.timeout_s},
              {"context_tokens", s.context_tokens},
              {"max_output_tokens", s.max_output_tokens},
              {"sandbox", s.sandbox},
              {"network", s.network},
              {"branch", s.branch},
              {"commit", s.commit},
              {"tool_output_max_bytes", s.tool_output_max_bytes},
              {"tool_output_max_lines", s.tool_output_max_lines}};
}

Result<RunSettings> run_settings_from_json(const Json& j) {
  const char* where = "run settings";
  if (!j.is_object()) return invalid_argument("run settings must be an object");
  RunSettings s;
  AGENT_ASSIGN_OR_RETURN(s.repo, get_string(j, "repo", where));
  AGENT_ASSIGN_OR_RETURN(s.out_dir, get_string_or(j, "out_dir", "", where));
  AGENT_ASSIGN_OR_RETURN(s.backend, get_string(j, "backend", where));
  AGENT_ASSIGN_OR_RETURN(s.api, get_string_or(j, "api", "", where));
  AGENT_ASSIGN_OR_RETURN(s.base_url, get_string_or(j, "base_url", "", where));
  AGENT_ASSIGN_OR_RETURN(s.script, get_string_or(j, "script", "", where));
  AGENT_ASSIGN_OR_RETURN(s.weights, get_string_or(j, "weights", "", where));
  AGENT_ASSIGN_OR_RETURN(s.device, get_string_or(j, "device", "cpu", where));
  AGENT_ASSIGN_OR_RETURN(s.model, get_string(j, "model", where));
  AGENT_ASSIGN_OR_RETURN(std::string reasoning, get_string_or(j, "reasoning", "high", where));
  AGENT_ASSIGN_OR_RETURN(s.reasoning, parse_reasoning_mode(reasoning));
  AGENT_ASSIGN_OR_RETURN(s.max_steps, get_int_or(j, "max_steps", 0, where));
  if (auto it = j.find("max_cost_usd"); it != j.end() && it->is_number()) s.max_cost_usd = it->get<double>();
  if (auto it = j.find("timeout_s"); it != j.end() && it->is_number()) s.timeout_s = it->get<double>();
  AGENT_ASSIGN_OR_RETURN(s.context_tokens, get_int_or(j, "context_tokens", s.context_tokens, where));
  AGENT_ASSIGN_OR_RETURN(s.max_output_tokens, get_int_or(j, "max_output_tokens", s.max_output_tokens, where));
  AGENT_ASSIGN_OR_RETURN(s.sandbox, get_string_or(j, "sandbox", "auto", where));
  AGENT_ASSIGN_OR_RETURN(s.network, get_string_or(j, "network", "off", where));
  AGENT_ASSIGN_OR_RETURN(s.branch, get_string_or(j, "branch", "", where));
  AGENT_ASSIGN_OR_RETURN(s.commit, get_bool_or(j, "commit", false, where));
  AGENT_ASSIGN_OR_RETURN(s.tool_output_max_bytes,
                         get_int_or(j, "tool_output_max_bytes", s.tool_output_max_bytes, where));
  AGENT_ASSIGN_OR_RETURN(s.tool_output_max_lines,
                         get_int_or(j, "tool_output_max_lines", s.tool_output_max_lines, where));
  return s;
}

}  // namespace agent
