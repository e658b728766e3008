#include "inference/engine/chat/chat_encoder.h"

#include <algorithm>
#include <map>
#include <optional>

#include "inference/engine/chat/python_json.h"

namespace agent::engine {

namespace {

constexpr std::string_view kMaxEffortPrefix =
    "Reasoning Effort: Absolute maximum with no shortcuts permitted.\n"
    "You MUST be very thorough in your thinking and comprehensively decompose the problem to "
    "resolve the root cause, rigorously stress-testing your logic against all potential paths, "
    "edge cases, and adversarial scenarios.\n"
    "Explicitly write out your entire deliberation process, documenting every intermediate step, "
    "considered alternative, and rejected hypothesis to ensure absolutely no assumption is left "
    "unchecked.\n\n";

// The official TOOLS_TEMPLATE with its tokens filled in; the schemas go between the halves.
constexpr std::string_view kToolsHead =
    "## Tools\n\n"
    "You have access to a set of tools to help answer the user's question. You can invoke tools "
    "by writing a \"<｜DSML｜tool_calls>\" block like the following:\n\n"
    "<｜DSML｜tool_calls>\n"
    "<｜DSML｜invoke name=\"$TOOL_NAME\">\n"
    "<｜DSML｜parameter name=\"$PARAMETER_NAME\" string=\"true|false\">$PARAMETER_VALUE"
    "</｜DSML｜parameter>\n"
    "...\n"
    "</｜DSML｜invoke>\n"
    "<｜DSML｜invoke name=\"$TOOL_NAME2\">\n"
    "...\n"
    "</｜DSML｜invoke>\n"
    "</｜DSML｜tool_calls>\n\n"
    "String parameters should be specified as is and set `string=\"true\"`. For all other types "
    "(numbers, booleans, arrays, objects), pass the value in JSON format and set "
    "`string=\"false\"`.\n\n"
    "If thinking_mode is enabled (triggered by <think>), you MUST output your complete reasoning "
    "inside <think>...</think> BEFORE any tool calls or final response.\n\n"
    "Otherwise, output directly after </think> with tool calls or final response.\n\n"
    "### Available Tool Schemas\n\n";
constexpr std::string_view kToolsTail =
    "\n\nYou MUST strictly follow the above defined tool name and parameter schemas to invoke "
    "tool calls.\n";
constexpr std::string_view kResponseFormatHead =
    "## Response Format:\n\nYou MUST strictly adhere to the following schema to reply:\n";

// A user turn is made of blocks: its own text, and tool results merged into it.
struct Block {
  bool tool_result;
  std::string_view text;
  std::string_view tool_use_id;
};

// One message after merging tool results into user turns (the official merge_tool_messages).
struct Turn {
  ChatRole role;
  const ChatMessage* msg;  // nullptr for a user turn opened by a tool result
  std::vector<Block> blocks;
  const std::optional<std::string>& task() const {
    static const std::optional<std::string> kNone;
    return msg != nullptr ? msg->task : kNone;
  }
};

std::vector<Turn> merge_tool_messages(const std::vector<ChatMessage>& messages) {
  std::vector<Turn> turns;
  for (const ChatMessage& m : messages) {
    bool into_last = !turns.empty() && turns.back().role == ChatRole::kUser;
    if (m.role == ChatRole::kTool) {
      Block b{true, m.content, m.tool_call_id};
      if (into_last) turns.back().blocks.push_back(b);
      else turns.push_back(Turn{ChatRole::kUser, nullptr, {b}});
    } else if (m.role == ChatRole::kUser) {
      Block b{false, m.content, {}};
      // A user message joins the user turn before it, unless that one carries a task.
      if (into_last && !turns.back().task()) turns.back().blocks.push_back(b);
      else turns.push_back(Turn{ChatRole::kUser, &m, {b}});
    } else {
      turns.push_back(Turn{m.role, &m, {}});
    }
  }
  return turns;
}

// Tool results follow the order of the calls of the last assistant turn that made calls
// (stable; results whose id is unknown sort as the first call, as in the official encoder).
void sort_tool_results(std::vector<Turn>* turns) {
  std::map<std::string_view, size_t> order;
  for (Turn& t : *turns) {
    if (t.role == ChatRole::kAssistant && !t.msg->tool_calls.empty()) {
      order.clear();
      for (size_t i = 0; i < t.msg->tool_calls.size(); ++i) {
        if (!t.msg->tool_calls[i].id.empty()) order.emplace(t.msg->tool_calls[i].id, i);
      }
    } else if (t.role == ChatRole::kUser && !order.empty()) {
      std::vector<Block> results;
      for (const Block& b : t.blocks) {
        if (b.tool_result) results.push_back(b);
      }
      if (results.size() < 2) continue;
      auto rank = [&](const Block& b) {
        auto it = order.find(b.tool_use_id);
        return it == order.end() ? size_t{0} : it->second;
      };
      std::stable_sort(results.begin(), results.end(),
                       [&](const Block& a, const Block& b) { return rank(a) < rank(b); });
      size_t k = 0;
      for (Block& b : t.blocks) {
        if (b.tool_result) b = results[k++];
      }
    }
  }
}

int last_user_index(const std::vector<Turn>& turns) {
  for (size_t i = turns.size(); i-- > 0;) {
    if (turns[i].role == ChatRole::kUser || turns[i].role == ChatRole::kDeveloper) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// The official _drop_thinking_messages: before the last user turn, developer turns disappear
// (assistant turns there lose their reasoning too; render_assistant leaves it out by position).
std::vector<Turn> drop_earlier_reasoning(std::vector<Turn> turns) {
  int last_user = last_user_index(turns);
  std::vector<Turn> out;
  for (size_t i = 0; i < turns.size(); ++i) {
    Turn& t = turns[i];
    bool kept_role = t.role == ChatRole::kUser || t.role == ChatRole::kSystem ||
                     t.role == ChatRole::kLatestReminder;
    if (kept_role || static_cast<int>(i) >= last_user) {
      out.push_back(std::move(t));
    } else if (t.role == ChatRole::kAssistant) {
      out.push_back(std::move(t));
    }
  }
  return out;
}

// Python truthiness of a response_format value.
bool truthy(const OrderedJson& j) {
  if (j.is_null()) return false;
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number()) return j.get<double>() != 0;
  if (j.is_string() || j.is_array() || j.is_object()) return !j.empty();
  return true;
}

void append_tools_and_format(const ChatMessage& m, std::string* out) {
  if (!m.tools.empty()) {
    out->append("\n\n").append(kToolsHead);
    for (size_t i = 0; i < m.tools.size(); ++i) {
      if (i > 0) out->push_back('\n');
      out->append(python_json_dumps(m.tools[i]));
    }
    out->append(kToolsTail);
  }
  if (truthy(m.response_format)) {
    out->append("\n\n").append(kResponseFormatHead).append(python_json_dumps(m.response_format));
  }
}

struct RenderState {
  const std::vector<Turn>& turns;
  bool thinking;
  bool drop;  // drop_thinking in effect
  int last_user;
};

void render_assistant(const RenderState& s, size_t i, std::string* out) {
  const Turn& t = s.turns[i];
  const ChatMessage& m = *t.msg;
  bool prev_has_task = i > 0 && s.turns[i - 1].task().has_value();
  if (s.thinking && !prev_has_task && (!s.drop || static_cast<int>(i) > s.last_user)) {
    out->append(m.reasoning).append(kThinkEndText);
  }
  out->append(m.content);
  if (!m.tool_calls.empty()) out->append(render_dsml_tool_calls(m.tool_calls));
  if (!m.wo_eos) out->append(kEosText);
}

// What follows a turn when the next one is an assistant or latest_reminder turn, or none:
// the task token, or the assistant opening after a user or developer turn.
void render_transition(const RenderState& s, size_t i, std::string* out) {
  const Turn& t = s.turns[i];
  if (const auto& task = t.task()) {
    if (*task != "action") {
      out->append("<｜").append(*task).append("｜>");
    } else {
      out->append(kAssistantText).append(s.thinking ? kThinkStartText : kThinkEndText);
      out->append("<｜action｜>");
    }
    return;
  }
  if (t.role != ChatRole::kUser && t.role != ChatRole::kDeveloper) return;
  out->append(kAssistantText);
  bool open_thinking = s.thinking && (!s.drop || static_cast<int>(i) >= s.last_user);
  out->append(open_thinking ? kThinkStartText : kThinkEndText);
}

Status render_turn(const RenderState& s, size_t i, std::string* out) {
  const Turn& t = s.turns[i];
  switch (t.role) {
    case ChatRole::kSystem:
      out->append(t.msg->content);
      append_tools_and_format(*t.msg, out);
      break;
    case ChatRole::kDeveloper:
      if (t.msg->content.empty()) {
        return invalid_argument("message " + std::to_string(i) +
                                ": a developer message needs content");
      }
      out->append(kUserText).append(t.msg->content);
      append_tools_and_format(*t.msg, out);
      break;
    case ChatRole::kUser:
      out->append(kUserText);
      for (size_t k = 0; k < t.blocks.size(); ++k) {
        if (k > 0) out->append("\n\n");
        if (t.blocks[k].tool_result) out->append("<tool_result>");
        out->append(t.blocks[k].text);
        if (t.blocks[k].tool_result) out->append("</tool_result>");
      }
      break;
    case ChatRole::kLatestReminder:
      out->append(kLatestReminderText).append(t.msg->content);
      break;
    case ChatRole::kAssistant:
      render_assistant(s, i, out);
      break;
    case ChatRole::kTool:
      return internal_error("tool message left after merging");
  }
  bool next_continues = i + 1 < s.turns.size() && s.turns[i + 1].role != ChatRole::kAssistant &&
                        s.turns[i + 1].role != ChatRole::kLatestReminder;
  if (!next_continues) render_transition(s, i, out);
  return ok_status();
}

}  // namespace

std::string_view max_effort_prefix() { return kMaxEffortPrefix; }

Result<ReasoningMode> parse_reasoning_mode(std::string_view name) {
  if (name == "off") return ReasoningMode::kOff;
  if (name == "high") return ReasoningMode::kHigh;
  if (name == "max") return ReasoningMode::kMax;
  return invalid_argument("unknown reasoning mode \"" + std::string(name) +
                          "\" (expected off, high or max)");
}

Result<std::string> encode_chat(const std::vector<ChatMessage>& messages,
                                const ChatEncodeOptions& options) {
  std::vector<Turn> turns = merge_tool_messages(messages);
  sort_tool_results(&turns);
  bool thinking = options.mode != ReasoningMode::kOff;
  bool any_tools = std::any_of(turns.begin(), turns.end(), [](const Turn& t) {
    return t.role != ChatRole::kUser && !t.msg->tools.empty();
  });
  // With tools, reasoning is always kept: the model reasons across tool calls.
  bool drop = !options.keep_reasoning && !any_tools;
  if (thinking && drop) turns = drop_earlier_reasoning(std::move(turns));
  RenderState s{turns, thinking, drop, last_user_index(turns)};
  std::string out;
  if (options.add_bos) out.append(kBosText);
  for (size_t i = 0; i < turns.size(); ++i) {
    if (i == 0 && options.mode == ReasoningMode::kMax) out.append(kMaxEffortPrefix);
    AGENT_RETURN_IF_ERROR(render_turn(s, i, &out));
  }
  return out;
}

}  // namespace agent::engine
