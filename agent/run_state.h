// RunState: what a run has done so far — the conversation, counters, usage and cost, and
// which tool calls were started or finished. Built from scratch for a new run, or by
// replaying the journal's events for `agent resume`.
// Thread-safety: plain value, owned by one planner.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/run_settings.h"
#include "common/conversation.h"
#include "common/event.h"

namespace agent {

enum class RunStatus { kFinished, kBudget, kContextFull, kInterrupted, kFailed };
std::string_view run_status_name(RunStatus s);
Result<RunStatus> parse_run_status(std::string_view s);

struct RunState {
  RunSettings settings;
  std::string run_id;
  std::string start_tree;  // snapshot of the repository when the run started
  Conversation conversation;
  int64_t steps = 0;       // model turns
  int64_t tool_calls = 0;  // tool calls answered (run, refused or interrupted)
  Usage usage;
  Usage last_turn_usage;   // the most recent model turn's usage (context estimate)
  std::string last_turn_stop;  // the most recent model turn's stop_reason ("stop", "length", ...)
  double cost_usd = 0;
  double elapsed_s = 0;    // run time of all sessions recorded so far
  int sessions = 0;
  std::set<std::string> started_calls;  // tool_started without tool_finished
  std::optional<RunStatus> finished_status;  // set when the journal ends with run_finished
  std::string stop_reason;
  std::string final_message;
};

// The first event of a journal.
Event make_run_started_event(const RunState& state);

// Rebuilds the state from a journal's events. InvalidArgument/DataLoss naming the event when
// the journal is not a run's (no run_started first) or an event is malformed.
Result<RunState> replay_journal(const std::vector<Event>& events);

}  // namespace agent
