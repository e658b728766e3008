#include "inference/model_backend.h"

namespace agent {

std::string_view reasoning_mode_name(ReasoningMode m) {
  switch (m) {
    case ReasoningMode::kOff: return "off";
    case ReasoningMode::kHigh: return "high";
    case ReasoningMode::kMax: return "max";
  }
  return "high";
}

Result<ReasoningMode> parse_reasoning_mode(std::string_view s) {
  if (s == "off") return ReasoningMode::kOff;
  if (s == "high") return ReasoningMode::kHigh;
  if (s == "max") return ReasoningMode::kMax;
  return invalid_argument("reasoning mode must be off, high or max, got \"" + std::string(s) + "\"");
}

}  // namespace agent
