#include "inference/engine/chat/chat_message.h"

#include <algorithm>
#include <array>

namespace agent::engine {

namespace {

constexpr std::array<std::string_view, 6> kTasks = {"action", "query",  "authority",
                                                    "domain", "title", "read_url"};

Result<ChatRole> parse_chat_role(std::string_view name, std::string_view where) {
  if (name == "system") return ChatRole::kSystem;
  if (name == "user") return ChatRole::kUser;
  if (name == "developer") return ChatRole::kDeveloper;
  if (name == "assistant") return ChatRole::kAssistant;
  if (name == "tool") return ChatRole::kTool;
  if (name == "latest_reminder") return ChatRole::kLatestReminder;
  return invalid_argument(std::string(where) + ": unknown role \"" + std::string(name) +
                          "\" (expected system, user, developer, assistant, tool or "
                          "latest_reminder)");
}

Result<std::string> string_field(const OrderedJson& m, std::string_view key, std::string_view where) {
  auto it = m.find(key);
  if (it == m.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    return invalid_argument(std::string(where) + ": \"" + std::string(key) +
                            "\" must be a string, got " + it->type_name());
  }
  return it->get<std::string>();
}

// A tool message's content may be a list of content blocks: text blocks are joined with a
// blank line, others become "[Unsupported TYPE]", as in the official encoder.
Result<std::string> tool_content(const OrderedJson& m, std::string_view where) {
  auto it = m.find("content");
  if (it == m.end() || !it->is_array()) return string_field(m, "content", where);
  std::string out;
  for (size_t i = 0; i < it->size(); ++i) {
    const OrderedJson& b = (*it)[i];
    if (i > 0) out += "\n\n";
    std::string type = b.is_object() && b.contains("type") && b["type"].is_string()
                           ? b["type"].get<std::string>()
                           : "";
    if (type == "text" && b.contains("text") && b["text"].is_string()) {
      out += b["text"].get<std::string>();
    } else {
      out += "[Unsupported " + type + "]";
    }
  }
  return out;
}

Result<ChatToolCall> tool_call_from_json(const OrderedJson& c, std::string_view where) {
  if (!c.is_object() || !c.contains("function") || !c["function"].is_object()) {
    return invalid_argument(std::string(where) + ": a tool call must be {\"function\": {...}}");
  }
  const OrderedJson& f = c["function"];
  ChatToolCall call;
  AGENT_ASSIGN_OR_RETURN(call.id, string_field(c, "id", where));
  if (call.id.empty()) {
    AGENT_ASSIGN_OR_RETURN(call.id, string_field(f, "id", where));
  }
  AGENT_ASSIGN_OR_RETURN(call.name, string_field(f, "name", where));
  auto args = f.find("arguments");
  if (args != f.end() && args->is_object()) {
    call.arguments = args->dump();  // re-read by the encoder; key order is kept
  } else {
    AGENT_ASSIGN_OR_RETURN(call.arguments, string_field(f, "arguments", where));
  }
  return call;
}

Result<ChatMessage> message_from_json(const OrderedJson& m, std::string_view where) {
  if (!m.is_object()) return invalid_argument(std::string(where) + ": a message must be an object");
  ChatMessage msg;
  AGENT_ASSIGN_OR_RETURN(std::string role, string_field(m, "role", where));
  AGENT_ASSIGN_OR_RETURN(msg.role, parse_chat_role(role, where));
  if (msg.role == ChatRole::kTool) {
    AGENT_ASSIGN_OR_RETURN(msg.content, tool_content(m, where));
  } else {
    AGENT_ASSIGN_OR_RETURN(msg.content, string_field(m, "content", where));
  }
  AGENT_ASSIGN_OR_RETURN(msg.reasoning, string_field(m, "reasoning_content", where));
  AGENT_ASSIGN_OR_RETURN(msg.tool_call_id, string_field(m, "tool_call_id", where));
  if (auto it = m.find("tool_calls"); it != m.end() && !it->is_null()) {
    if (!it->is_array()) return invalid_argument(std::string(where) + ": tool_calls must be a list");
    for (size_t i = 0; i < it->size(); ++i) {
      AGENT_ASSIGN_OR_RETURN(ChatToolCall c, tool_call_from_json(
                                                 (*it)[i], std::string(where) + " tool_calls[" +
                                                               std::to_string(i) + "]"));
      msg.tool_calls.push_back(std::move(c));
    }
  }
  if (auto it = m.find("tools"); it != m.end() && !it->is_null()) {
    if (!it->is_array()) return invalid_argument(std::string(where) + ": tools must be a list");
    for (const OrderedJson& t : *it) {
      if (!t.is_object() || !t.contains("function") || !t["function"].is_object()) {
        return invalid_argument(std::string(where) +
                                ": each tool must be {\"type\": \"function\", \"function\": {...}}");
      }
      msg.tools.push_back(t["function"]);
    }
  }
  if (auto it = m.find("response_format"); it != m.end()) msg.response_format = *it;
  if (auto it = m.find("task"); it != m.end() && !it->is_null()) {
    if (!it->is_string() || std::find(kTasks.begin(), kTasks.end(), it->get<std::string>()) ==
                                kTasks.end()) {
      return invalid_argument(std::string(where) + ": task must be one of action, query, "
                                                   "authority, domain, title, read_url");
    }
    msg.task = it->get<std::string>();
  }
  if (auto it = m.find("wo_eos"); it != m.end() && !it->is_null()) {
    if (!it->is_boolean()) return invalid_argument(std::string(where) + ": wo_eos must be a boolean");
    msg.wo_eos = it->get<bool>();
  }
  return msg;
}

}  // namespace

std::string_view chat_role_name(ChatRole role) {
  switch (role) {
    case ChatRole::kSystem: return "system";
    case ChatRole::kUser: return "user";
    case ChatRole::kDeveloper: return "developer";
    case ChatRole::kAssistant: return "assistant";
    case ChatRole::kTool: return "tool";
    case ChatRole::kLatestReminder: return "latest_reminder";
  }
  return "user";
}

Result<std::vector<ChatMessage>> chat_messages_from_json(const OrderedJson& input,
                                                         std::string_view what) {
  const OrderedJson* list = &input;
  const OrderedJson* tools = nullptr;
  if (input.is_object()) {
    if (!input.contains("messages")) {
      return invalid_argument(std::string(what) +
                              ": expected a list of messages or {\"tools\": [...], \"messages\": "
                              "[...]}");
    }
    list = &input["messages"];
    if (input.contains("tools") && !input["tools"].is_null()) tools = &input["tools"];
  }
  if (!list->is_array()) return invalid_argument(std::string(what) + ": messages must be a list");
  std::vector<ChatMessage> out;
  for (size_t i = 0; i < list->size(); ++i) {
    OrderedJson m = (*list)[i];
    if (i == 0 && tools != nullptr && m.is_object()) m["tools"] = *tools;
    AGENT_ASSIGN_OR_RETURN(ChatMessage msg,
                           message_from_json(m, std::string(what) + ": message " + std::to_string(i)));
    out.push_back(std::move(msg));
  }
  return out;
}

std::vector<ChatMessage> chat_messages_from_protocol(const std::vector<Message>& messages,
                                                     const std::vector<ToolSpec>& tools) {
  std::vector<ChatMessage> out;
  for (const Message& m : messages) {
    ChatMessage c;
    c.content = m.content;
    switch (m.role) {
      case Role::kSystem: c.role = ChatRole::kSystem; break;
      case Role::kUser: c.role = ChatRole::kUser; break;
      case Role::kTool:
        c.role = ChatRole::kTool;
        c.tool_call_id = m.tool_call_id;
        break;
      case Role::kAssistant:
        c.role = ChatRole::kAssistant;
        c.reasoning = m.reasoning;
        for (const ToolCall& t : m.tool_calls) c.tool_calls.push_back({t.id, t.name, t.arguments});
        break;
    }
    out.push_back(std::move(c));
  }
  if (!tools.empty()) {
    if (out.empty() || out.front().role != ChatRole::kSystem) {
      ChatMessage system;
      system.role = ChatRole::kSystem;
      out.insert(out.begin(), std::move(system));
    }
    for (const ToolSpec& t : tools) {
      OrderedJson f = OrderedJson::object();
      f["name"] = t.name;
      f["description"] = t.description;
      f["parameters"] = OrderedJson::parse(
          t.parameters.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      out.front().tools.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace agent::engine
