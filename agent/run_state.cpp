#include "agent/run_state.h"

namespace agent {

std::string_view run_status_name(RunStatus s) {
  switch (s) {
    case RunStatus::kFinished: return "finished";
    case RunStatus::kBudget: return "budget";
    case RunStatus::kContextFull: return "context_full";
    case RunStatus::kInterrupted: return "interrupted";
    case RunStatus::kFailed: return "failed";
  }
  return "failed";
}

Result<RunStatus> parse_run_status(std::string_view s) {
  for (RunStatus r : {RunStatus::kFinished, RunStatus::kBudget, RunStatus::kContextFull,
                      RunStatus::kInterrupted, RunStatus::kFailed}) {
    if (run_status_name(r) == s) return r;
  }
  return invalid_argument("unknown run status \"" + std::string(s) + "\"");
}

Event make_run_started_event(const RunState& state) {
  Json messages = Json::array();
  for (const auto& m : state.conversation.messages()) messages.push_back(to_json(m));
  return Event(event_type::kRunStarted, Json{{"v", 1},
                                             {"run_id", state.run_id},
                                             {"settings", to_json(state.settings)},
                                             {"start_tree", state.start_tree},
                                             {"messages", std::move(messages)},
                                             {"t", 0.0}});
}

namespace {

double event_time(const Event& e) {
  auto it = e.data.find("t");
  return it != e.data.end() && it->is_number() ? it->get<double>() : 0.0;
}

Status apply_event(RunState& st, const Event& e, const std::string& where) {
  const Json& d = e.data;
  if (e.type == event_type::kModelTurn) {
    auto msg = d.find("message");
    if (msg == d.end()) return data_loss(where + ": model_turn without a message");
    AGENT_ASSIGN_OR_RETURN(Message m, message_from_json(*msg, where));
    m.role = Role::kAssistant;
    st.conversation.append(std::move(m));
    ++st.steps;
    if (auto u = d.find("usage"); u != d.end()) {
      AGENT_ASSIGN_OR_RETURN(Usage usage, usage_from_json(*u, where));
      st.usage += usage;
      st.last_turn_usage = usage;
    }
    if (auto c = d.find("cost_usd"); c != d.end() && c->is_number()) st.cost_usd += c->get<double>();
    AGENT_ASSIGN_OR_RETURN(st.last_turn_stop, get_string_or(d, "stop_reason", "", where));
  } else if (e.type == event_type::kToolStarted) {
    AGENT_ASSIGN_OR_RETURN(std::string id, get_string(d, "call_id", where));
    st.started_calls.insert(id);
  } else if (e.type == event_type::kToolFinished) {
    AGENT_ASSIGN_OR_RETURN(std::string id, get_string(d, "call_id", where));
    AGENT_ASSIGN_OR_RETURN(std::string name, get_string_or(d, "name", "", where));
    AGENT_ASSIGN_OR_RETURN(std::string content, get_string_or(d, "content", "", where));
    AGENT_ASSIGN_OR_RETURN(bool is_error, get_bool_or(d, "is_error", false, where));
    st.started_calls.erase(id);
    st.conversation.append(Message::tool(id, name, content, is_error));
    ++st.tool_calls;
  } else if (e.type == event_type::kRunResumed) {
    st.finished_status.reset();
    ++st.sessions;
  } else if (e.type == event_type::kRunFinished) {
    AGENT_ASSIGN_OR_RETURN(std::string status, get_string(d, "status", where));
    AGENT_ASSIGN_OR_RETURN(st.finished_status, parse_run_status(status));
    AGENT_ASSIGN_OR_RETURN(st.stop_reason, get_string_or(d, "stop_reason", "", where));
    AGENT_ASSIGN_OR_RETURN(st.final_message, get_string_or(d, "final_message", "", where));
  }
  // budget and warning events carry no state.
  return ok_status();
}

}  // namespace

Result<RunState> replay_journal(const std::vector<Event>& events) {
  if (events.empty() || events[0].type != event_type::kRunStarted) {
    return invalid_argument("the journal does not start with a run_started event");
  }
  RunState st;
  const Json& h = events[0].data;
  auto settings = h.find("settings");
  if (settings == h.end()) return data_loss("run_started has no settings");
  AGENT_ASSIGN_OR_RETURN(st.settings, run_settings_from_json(*settings));
  AGENT_ASSIGN_OR_RETURN(st.run_id, get_string_or(h, "run_id", "", "run_started"));
  AGENT_ASSIGN_OR_RETURN(st.start_tree, get_string_or(h, "start_tree", "", "run_started"));
  auto messages = h.find("messages");
  if (messages == h.end() || !messages->is_array()) return data_loss("run_started has no messages");
  for (size_t i = 0; i < messages->size(); ++i) {
    AGENT_ASSIGN_OR_RETURN(Message m, message_from_json((*messages)[i], "run_started message"));
    st.conversation.append(std::move(m));
  }
  st.sessions = 1;
  for (size_t i = 1; i < events.size(); ++i) {
    std::string where = "journal event " + std::to_string(i + 1) + " (" + events[i].type + ")";
    AGENT_RETURN_IF_ERROR(apply_event(st, events[i], where));
    st.elapsed_s = std::max(st.elapsed_s, event_time(events[i]));
  }
  return st;
}

}  // namespace agent
