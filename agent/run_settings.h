// RunSettings: everything that defines a run, recorded in the journal's first event so that
// `agent resume` continues with exactly the same model, budgets and system prompt.
// Thread-safety: plain value.
#pragma once

#include <cstdint>
#include <string>

#include "common/json.h"
#include "inference/model_backend.h"

namespace agent {

struct RunSettings {
  std::string repo;        // absolute path of the repository root
  std::string out_dir;     // absolute path of the run folder
  std::string backend;     // "scripted", "api", "engine"
  std::string api;         // "openai" or "anthropic" (api backend)
  std::string base_url;    // api backend
  std::string script;      // scripted backend: absolute path of the script
  std::string weights;     // engine backend
  std::string device = "cpu";  // engine backend: cpu or cuda[:N]
  std::string model = "deepseek-v4-pro";
  ReasoningMode reasoning = ReasoningMode::kHigh;
  int64_t max_steps = 100;          // model turns; 0 = unlimited
  double max_cost_usd = 0;          // 0 = unlimited
  double timeout_s = 0;             // wall time of the run across sessions; 0 = unlimited
  int64_t context_tokens = 1048576; // the model's context window
  int64_t max_output_tokens = 65536;// per model turn, reasoning included
  std::string sandbox = "auto";
  std::string network = "off";
  std::string branch;
  bool commit = false;
  // Tool output shown to the model: longer output is cut in the middle (full text on disk).
  int64_t tool_output_max_bytes = 24576;
  int64_t tool_output_max_lines = 400;
};

Json to_json(const RunSettings& s);
Result<RunSettings> run_settings_from_json(const Json& j);

}  // namespace agent
