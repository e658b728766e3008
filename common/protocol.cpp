#include "common/protocol.h"

namespace agent {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kSystem: return "system";
    case Role::kUser: return "user";
    case Role::kAssistant: return "assistant";
    case Role::kTool: return "tool";
  }
  return "user";
}

Result<Role> parse_role(std::string_view name) {
  if (name == "system") return Role::kSystem;
  if (name == "user") return Role::kUser;
  if (name == "assistant") return Role::kAssistant;
  if (name == "tool") return Role::kTool;
  return invalid_argument("unknown role \"" + std::string(name) + "\"");
}

Message Message::system(std::string text) {
  Message m;
  m.role = Role::kSystem;
  m.content = std::move(text);
  return m;
}

Message Message::user(std::string text) {
  Message m;
  m.role = Role::kUser;
  m.content = std::move(text);
  return m;
}

Message Message::tool(std::string call_id, std::string name, std::string content, bool is_error) {
  Message m;
  m.role = Role::kTool;
  m.tool_call_id = std::move(call_id);
  m.tool_name = std::move(name);
  m.content = std::move(content);
  m.is_error = is_error;
  return m;
}

Usage& Usage::operator+=(const Usage& o) {
  prompt_tokens += o.prompt_tokens;
  cached_tokens += o.cached_tokens;
  completion_tokens += o.completion_tokens;
  reasoning_tokens += o.reasoning_tokens;
  return *this;
}

std::string_view stop_reason_name(StopReason r) {
  switch (r) {
    case StopReason::kStop: return "stop";
    case StopReason::kToolCalls: return "tool_calls";
    case StopReason::kLength: return "length";
    case StopReason::kContentFilter: return "content_filter";
    case StopReason::kCancelled: return "cancelled";
  }
  return "stop";
}

Json to_json(const ToolCall& c) {
  return Json{{"id", c.id}, {"name", c.name}, {"arguments", c.arguments}};
}

Json to_json(const Message& m) {
  Json j = Json::object();
  j["role"] = role_name(m.role);
  if (!m.reasoning.empty()) j["reasoning"] = m.reasoning;
  if (!m.reasoning_signature.empty()) j["reasoning_signature"] = m.reasoning_signature;
  j["content"] = m.content;
  if (!m.tool_calls.empty()) {
    Json calls = Json::array();
    for (const auto& c : m.tool_calls) calls.push_back(to_json(c));
    j["tool_calls"] = std::move(calls);
  }
  if (m.role == Role::kTool) {
    j["tool_call_id"] = m.tool_call_id;
    j["tool_name"] = m.tool_name;
    j["is_error"] = m.is_error;
  }
  return j;
}

Json to_json(const Usage& u) {
  return Json{{"prompt_tokens", u.prompt_tokens},
              {"cached_tokens", u.cached_tokens},
              {"completion_tokens", u.completion_tokens},
              {"reasoning_tokens", u.reasoning_tokens}};
}

Json to_json(const ToolSpec& s) {
  return Json{{"name", s.name}, {"description", s.description}, {"parameters", s.parameters}};
}

Result<ToolCall> tool_call_from_json(const Json& j, std::string_view where) {
  if (!j.is_object()) return invalid_argument(std::string(where) + ": tool call must be an object");
  ToolCall c;
  AGENT_ASSIGN_OR_RETURN(c.id, get_string_or(j, "id", "", where));
  AGENT_ASSIGN_OR_RETURN(c.name, get_string(j, "name", where));
  auto it = j.find("arguments");
  if (it == j.end() || it->is_null()) {
    c.arguments = "{}";
  } else if (it->is_string()) {
    c.arguments = it->get<std::string>();
  } else if (it->is_object()) {
    c.arguments = dump_json(*it);
  } else {
    return invalid_argument(std::string(where) +
                            ": field \"arguments\" must be an object or a string, got " +
                            it->type_name());
  }
  return c;
}

Result<Message> message_from_json(const Json& j, std::string_view where) {
  if (!j.is_object()) return invalid_argument(std::string(where) + ": message must be an object");
  Message m;
  AGENT_ASSIGN_OR_RETURN(std::string role, get_string(j, "role", where));
  AGENT_ASSIGN_OR_RETURN(m.role, parse_role(role));
  AGENT_ASSIGN_OR_RETURN(m.content, get_string_or(j, "content", "", where));
  AGENT_ASSIGN_OR_RETURN(m.reasoning, get_string_or(j, "reasoning", "", where));
  AGENT_ASSIGN_OR_RETURN(m.reasoning_signature, get_string_or(j, "reasoning_signature", "", where));
  if (auto it = j.find("tool_calls"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return invalid_argument(std::string(where) + ": tool_calls must be a list");
    for (size_t i = 0; i < it->size(); ++i) {
      AGENT_ASSIGN_OR_RETURN(ToolCall c, tool_call_from_json((*it)[i], where));
      m.tool_calls.push_back(std::move(c));
    }
  }
  AGENT_ASSIGN_OR_RETURN(m.tool_call_id, get_string_or(j, "tool_call_id", "", where));
  AGENT_ASSIGN_OR_RETURN(m.tool_name, get_string_or(j, "tool_name", "", where));
  AGENT_ASSIGN_OR_RETURN(m.is_error, get_bool_or(j, "is_error", false, where));
  return m;
}

Result<Usage> usage_from_json(const Json& j, std::string_view where) {
  if (!j.is_object()) return invalid_argument(std::string(where) + ": usage must be an object");
  Usage u;
  AGENT_ASSIGN_OR_RETURN(u.prompt_tokens, get_int_or(j, "prompt_tokens", 0, where));
  AGENT_ASSIGN_OR_RETURN(u.cached_tokens, get_int_or(j, "cached_tokens", 0, where));
  AGENT_ASSIGN_OR_RETURN(u.completion_tokens, get_int_or(j, "completion_tokens", 0, where));
  AGENT_ASSIGN_OR_RETURN(u.reasoning_tokens, get_int_or(j, "reasoning_tokens", 0, where));
  if (u.prompt_tokens < 0 || u.cached_tokens < 0 || u.completion_tokens < 0 ||
      u.reasoning_tokens < 0) {
    return invalid_argument(std::string(where) + ": usage counts must not be negative");
  }
  return u;
}

}  // namespace agent
