// Protocol values shared by every layer: messages, tool calls and results, tool specs, usage.
//
// Owns: the shape of a conversation as the runtime sees it, and its JSON form (used by the
// journal and by --json events). Knows nothing of any provider's wire format: backends convert.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace agent {

enum class Role { kSystem, kUser, kAssistant, kTool };
std::string_view role_name(Role role);
Result<Role> parse_role(std::string_view name);

// A call the model asked for. `arguments` is the raw text the model produced: usually a JSON
// object, but possibly broken; it is parsed (and rejected as a tool error) only at dispatch,
// and always replayed to the model byte for byte.
struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;

  bool operator==(const ToolCall&) const = default;
};

struct Message {
  Role role = Role::kUser;
  std::string content;
  std::string reasoning;             // assistant: the model's reasoning text
  // assistant: the provider's signature of that reasoning (Anthropic format), replayed with it
  std::string reasoning_signature;
  std::vector<ToolCall> tool_calls;  // assistant
  std::string tool_call_id;          // tool: which call this answers
  std::string tool_name;             // tool: the called tool's name
  bool is_error = false;             // tool: the result is an error the model should fix

  bool operator==(const Message&) const = default;

  static Message system(std::string text);
  static Message user(std::string text);
  static Message tool(std::string call_id, std::string name, std::string content, bool is_error);
};

// What a tool looks like to the model.
struct ToolSpec {
  std::string name;
  std::string description;
  Json parameters;        // JSON schema of the arguments object
  bool mutating = false;  // changes files or state (used by policies and approvals)
};

struct ToolResult {
  std::string call_id;
  std::string content;
  bool is_error = false;
};

// Token counts of one model request, or a sum of them.
struct Usage {
  int64_t prompt_tokens = 0;      // all prompt tokens, cached included
  int64_t cached_tokens = 0;      // prompt tokens served from the provider's prefix cache
  int64_t completion_tokens = 0;  // all output tokens, reasoning included
  int64_t reasoning_tokens = 0;   // output tokens spent on reasoning

  Usage& operator+=(const Usage& o);
  bool operator==(const Usage&) const = default;
};

// Why a model turn ended.
enum class StopReason { kStop, kToolCalls, kLength, kContentFilter, kCancelled };
std::string_view stop_reason_name(StopReason r);

// JSON forms (journal, events, scripts). Parsing names `where` in errors.
Json to_json(const ToolCall& c);
Json to_json(const Message& m);
Json to_json(const Usage& u);
Json to_json(const ToolSpec& s);
Result<ToolCall> tool_call_from_json(const Json& j, std::string_view where);
Result<Message> message_from_json(const Json& j, std::string_view where);
Result<Usage> usage_from_json(const Json& j, std::string_view where);

}  // namespace agent
