#include "inference/scripted/scripted_backend.h"

#include "common/fs.h"
#include "common/text.h"

namespace agent {

namespace {

Result<ScriptTurn> parse_turn(const Json& j, size_t line_no, std::string_view where) {
  if (!j.is_object()) {
    return invalid_argument(std::string(where) + ": a model turn must be a JSON object, got " +
                            j.type_name());
  }
  for (const auto& [key, _] : j.items()) {
    if (key != "reasoning" && key != "content" && key != "tool_calls" && key != "usage") {
      return invalid_argument(std::string(where) + ": unknown field \"" + key +
                              "\" (expected reasoning, content, tool_calls, usage)");
    }
  }
  ScriptTurn t;
  AGENT_ASSIGN_OR_RETURN(t.reasoning, get_string_or(j, "reasoning", "", where));
  AGENT_ASSIGN_OR_RETURN(t.content, get_string_or(j, "content", "", where));
  if (auto it = j.find("tool_calls"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) {
      return invalid_argument(std::string(where) + ": field \"tool_calls\" must be a list");
    }
    for (size_t k = 0; k < it->size(); ++k) {
      std::string w = std::string(where) + ", tool call " + std::to_string(k + 1);
      AGENT_ASSIGN_OR_RETURN(ToolCall c, tool_call_from_json((*it)[k], w));
      if (c.name.empty()) return invalid_argument(w + ": empty tool name");
      if (c.id.empty()) c.id = "call_" + std::to_string(line_no) + "_" + std::to_string(k + 1);
      t.tool_calls.push_back(std::move(c));
    }
  }
  if (auto it = j.find("usage"); it != j.end() && !it->is_null()) {
    AGENT_ASSIGN_OR_RETURN(t.usage, usage_from_json(*it, std::string(where) + ", usage"));
  }
  return t;
}

}  // namespace

Result<ScriptedBackend> ScriptedBackend::load(const std::filesystem::path& script) {
  auto text = read_file(script, 256ull << 20);
  if (!text.ok()) return text.status().with_context("script");
  return parse(*text, script.string());
}

Result<ScriptedBackend> ScriptedBackend::parse(std::string_view text, std::string_view source) {
  ScriptedBackend b;
  b.source_ = std::string(source);
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
    std::string where = std::string(source) + " line " + std::to_string(line_no);
    if (!is_valid_utf8(line)) return invalid_argument(where + ": not valid UTF-8");
    AGENT_ASSIGN_OR_RETURN(Json j, parse_json(line, where));
    AGENT_ASSIGN_OR_RETURN(ScriptTurn t, parse_turn(j, line_no, where));
    b.turns_.push_back(std::move(t));
  }
  if (b.turns_.empty()) return invalid_argument(std::string(source) + ": the script has no model turns");
  return b;
}

Result<ModelResponse> ScriptedBackend::complete(const ModelRequest& request,
                                                StreamObserver& observer,
                                                const CancelToken& cancel) {
  if (cancel.cancelled()) return cancelled("cancelled before the model turn");
  if (request.turn_index < 0 || static_cast<size_t>(request.turn_index) >= turns_.size()) {
    return failed_precondition("the script " + source_ + " has " + std::to_string(turns_.size()) +
                               " model turns and the run asked for turn " +
                               std::to_string(request.turn_index + 1));
  }
  const ScriptTurn& t = turns_[static_cast<size_t>(request.turn_index)];
  ModelResponse r;
  r.message.role = Role::kAssistant;
  r.message.reasoning = t.reasoning;
  r.message.content = t.content;
  r.message.tool_calls = t.tool_calls;
  r.usage = t.usage;
  r.model = request.model;
  r.stop_reason = t.tool_calls.empty() ? StopReason::kStop : StopReason::kToolCalls;
  if (!t.reasoning.empty()) observer.on_reasoning_delta(t.reasoning);
  if (!t.content.empty()) observer.on_text_delta(t.content);
  for (const auto& c : t.tool_calls) observer.on_tool_call(c);
  return r;
}

}  // namespace agent
