// Event: one thing that happened in a run. Events are written to the journal
// (trajectory.jsonl) and, with --json, to stdout, one JSON object per line whose first key
// is "type". The types and their fields are documented in docs/events.md.
// Thread-safety: plain values.
#pragma once

#include <string>
#include <string_view>

#include "common/json.h"

namespace agent {

namespace event_type {
inline constexpr std::string_view kRunStarted = "run_started";
inline constexpr std::string_view kRunResumed = "run_resumed";
inline constexpr std::string_view kModelTurn = "model_turn";
inline constexpr std::string_view kToolStarted = "tool_started";
inline constexpr std::string_view kToolFinished = "tool_finished";
inline constexpr std::string_view kBudget = "budget";
inline constexpr std::string_view kWarning = "warning";
inline constexpr std::string_view kSandbox = "sandbox";
inline constexpr std::string_view kRunFinished = "run_finished";
}  // namespace event_type

struct Event {
  std::string type;
  Json data = Json::object();  // the other fields; never holds "type"

  Event() = default;
  Event(std::string_view t, Json d) : type(t), data(std::move(d)) {}

  // One line of JSON, "type" first, no trailing newline.
  std::string to_line() const;
};

Result<Event> event_from_line(std::string_view line, std::string_view where);

}  // namespace agent
