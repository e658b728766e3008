// The messages the DeepSeek V4 chat encoder renders, and their two sources: the official JSON
// form (encoding/tests of the release, `agent encode`) and the runtime's protocol types
// (Message, ToolCall, ToolSpec), which the engine backend uses.
//
// The fields mirror what the official encoder reads from each message dict. Thread-safety: values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/protocol.h"
#include "common/status.h"

namespace agent::engine {

// latest_reminder and developer exist only in the official format (DeepSeek's own apps).
enum class ChatRole { kSystem, kUser, kDeveloper, kAssistant, kTool, kLatestReminder };
std::string_view chat_role_name(ChatRole role);

struct ChatToolCall {
  std::string id;         // matches the tool message's tool_call_id (orders results)
  std::string name;
  std::string arguments;  // JSON object text as the model produced it (maybe broken)
};

struct ChatMessage {
  ChatRole role = ChatRole::kUser;
  std::string content;                   // JSON null reads as ""
  std::string reasoning;                 // assistant "reasoning_content"
  std::vector<ChatToolCall> tool_calls;  // assistant
  std::string tool_call_id;              // tool
  std::vector<OrderedJson> tools;        // function objects {"name","description","parameters"}
  OrderedJson response_format;           // null when absent
  std::optional<std::string> task;       // quick task: action, query, authority, domain, ...
  bool wo_eos = false;                   // assistant: no end-of-sentence (a prefilled answer)
};

// The official input: a list of messages, or {"tools": [...], "messages": [...]} whose tools are
// attached to the first message (as the official tests do). Tools and tool calls are in the
// OpenAI shape ({"type": "function", "function": {...}}). `what` names the input in errors.
Result<std::vector<ChatMessage>> chat_messages_from_json(const OrderedJson& input,
                                                         std::string_view what);

// The runtime's conversation. `tools` go on the first message when it is a system message;
// otherwise an empty system message is put first to carry them (the official encoder drops
// tools given on a user message). Tool results keep their call ids so they follow call order.
std::vector<ChatMessage> chat_messages_from_protocol(const std::vector<Message>& messages,
                                                     const std::vector<ToolSpec>& tools);

}  // namespace agent::engine
