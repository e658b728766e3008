// The OpenAI Chat Completions format as DeepSeek and self-hosted servers (vLLM, SGLang,
// llama.cpp) speak it: request serialisation with reasoning_content replay, and decoding of
// the streamed chat.completion.chunk events (reasoning, text, tool-call fragments reassembled
// by index and id, the final usage chunk, [DONE]).
#include <algorithm>

#include "inference/api/json_fields.h"
#include "inference/api/message_cache.h"
#include "inference/api/wire_format.h"

namespace agent::api {

namespace {

constexpr int64_t kDefaultMaxTokens = 65536;
constexpr std::string_view kComma = ",";

// An assistant turn that made tool calls carries its reasoning_content on every later request
// (DeepSeek answers 400 otherwise); other turns' reasoning is dropped, as the API ignores it.
// With thinking on, the field is sent even when empty, which the API accepts.
std::string serialise_message(const Message& m, bool thinking) {
  OrderedJson j;
  j["role"] = role_name(m.role);
  if (m.role == Role::kAssistant) {
    j["content"] = m.content;
    if (!m.tool_calls.empty()) {
      if (thinking || !m.reasoning.empty()) j["reasoning_content"] = m.reasoning;
      OrderedJson calls = OrderedJson::array();
      for (const auto& c : m.tool_calls) {
        calls.push_back(OrderedJson{{"id", c.id},
                                    {"type", "function"},
                                    {"function", OrderedJson{{"name", c.name}, {"arguments", c.arguments}}}});
      }
      j["tool_calls"] = std::move(calls);
    }
  } else if (m.role == Role::kTool) {
    j["tool_call_id"] = m.tool_call_id;
    j["content"] = m.content;
  } else {
    j["content"] = m.content;
  }
  return dump_json(j);
}

std::string reasoning_fields(ServerKind server, ReasoningMode mode) {
  const bool on = mode != ReasoningMode::kOff;
  const char* effort = mode == ReasoningMode::kMax ? "max" : "high";
  switch (server) {
    case ServerKind::kDeepSeek:
      // Thinking is on by default at DeepSeek: "off" has to be said.
      if (!on) return R"(,"thinking":{"type":"disabled"})";
      return std::string(R"(,"thinking":{"type":"enabled"},"reasoning_effort":")") + effort + "\"";
    case ServerKind::kVllm:
    case ServerKind::kSglang:
    case ServerKind::kLlamaCpp:
      if (!on) return R"(,"chat_template_kwargs":{"thinking":false})";
      return std::string(R"(,"chat_template_kwargs":{"thinking":true,"reasoning_effort":")") + effort + "\"}";
    case ServerKind::kGeneric:
      return "";
  }
  return "";
}

class OpenAiFormat final : public WireFormat {
 public:
  explicit OpenAiFormat(FormatOptions o) : opts_(std::move(o)) {}

  std::string_view name() const override { return "openai"; }
  std::string_view endpoint() const override { return "chat/completions"; }
  void add_auth_headers(const std::string& key, Headers& h) const override {
    if (!key.empty()) h.emplace_back("Authorization", "Bearer " + key);
  }
  Status encode(const ModelRequest& req, std::vector<std::string_view>& body) override;
  std::unique_ptr<StreamDecoder> new_decoder() const override;

 private:
  const std::string& tools_json(const std::vector<ToolSpec>* tools);

  FormatOptions opts_;
  MessageCache<std::string> cache_;
  std::string head_, tail_, tools_;
  const std::vector<ToolSpec>* tools_of_ = nullptr;
  size_t tools_count_ = 0;
};

const std::string& OpenAiFormat::tools_json(const std::vector<ToolSpec>* tools) {
  if (tools != tools_of_ || (tools != nullptr && tools->size() != tools_count_)) {
    tools_of_ = tools;
    tools_count_ = tools ? tools->size() : 0;
    tools_.clear();
    if (tools != nullptr && !tools->empty()) {
      OrderedJson arr = OrderedJson::array();
      for (const auto& t : *tools) {
        arr.push_back(OrderedJson{{"type", "function"},
                                  {"function", OrderedJson{{"name", t.name},
                                                           {"description", t.description},
                                                           {"parameters", t.parameters}}}});
      }
      tools_ = dump_json(arr);
    }
  }
  return tools_;
}

Status OpenAiFormat::encode(const ModelRequest& req, std::vector<std::string_view>& body) {
  if (req.conversation == nullptr || req.conversation->empty()) {
    return invalid_argument("a model request needs at least one message");
  }
  const bool thinking = req.reasoning != ReasoningMode::kOff;
  const auto& parts = cache_.update(*req.conversation, thinking ? 1 : 0,
                                    [&](const Message& m) { return serialise_message(m, thinking); });
  int64_t max_tokens = req.max_tokens > 0 ? req.max_tokens : kDefaultMaxTokens;
  if (opts_.max_tokens_cap > 0) max_tokens = std::min(max_tokens, opts_.max_tokens_cap);

  head_ = "{\"model\":" + dump_json(Json(req.model)) + ",\"messages\":[";
  // Everything that may change between requests comes after the messages.
  tail_ = "]";
  const std::string& tools = tools_json(req.tools);
  if (!tools.empty()) tail_ += ",\"tools\":" + tools + ",\"tool_choice\":\"auto\"";
  tail_ += ",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":" +
           std::to_string(max_tokens) + reasoning_fields(opts_.server, req.reasoning) + "}";

  body.clear();
  body.reserve(parts.size() * 2 + 2);
  body.emplace_back(head_);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) body.push_back(kComma);
    body.emplace_back(parts[i]);
  }
  body.emplace_back(tail_);
  return ok_status();
}

// --- streaming ---

class OpenAiDecoder final : public StreamDecoder {
 public:
  explicit OpenAiDecoder(const ErrorContext& ctx) : ctx_(ctx) {}

  Status on_event(const SseEvent& e, StreamObserver& o) override;
  bool complete() const override { return done_; }
  ModelResponse take_response() override;

 private:
  struct Slot {
    int64_t index = 0;
    std::string id, name, arguments;
  };
  Status on_delta(const Json& delta, StreamObserver& o);
  void on_tool_fragment(const Json& item, size_t position);
  Status on_finish(const std::string& reason);

  ErrorContext ctx_;
  ModelResponse r_;
  std::vector<Slot> slots_;
  std::string finish_;
  bool done_ = false;
};

Status OpenAiDecoder::on_event(const SseEvent& e, StreamObserver& o) {
  if (done_) return ok_status();
  if (e.data == "[DONE]") {
    done_ = true;
    return ok_status();
  }
  auto parsed = parse_json(e.data, "stream chunk");
  if (!parsed.ok() || !parsed->is_object()) {
    std::string why = parsed.ok() ? "not a JSON object" : parsed.status().message();
    return unavailable("the server sent a malformed stream chunk (" + ctx_.server + "): " + why);
  }
  const Json& j = *parsed;
  if (const Json* err = field(j, "error")) {
    return stream_error_status(parse_error_body(0, dump_json(Json{{"error", *err}})), ctx_);
  }
  if (const std::string* model = str_field(j, "model")) r_.model = *model;
  if (const Json* usage = field(j, "usage"); usage != nullptr && usage->is_object()) {
    Usage& u = r_.usage;
    u.prompt_tokens = int_field(*usage, "prompt_tokens");
    u.completion_tokens = int_field(*usage, "completion_tokens");
    // DeepSeek reports prompt_cache_hit_tokens; OpenAI-style servers prompt_tokens_details.
    u.cached_tokens = int_field(*usage, "prompt_cache_hit_tokens");
    if (u.cached_tokens == 0) {
      if (const Json* d = field(*usage, "prompt_tokens_details")) u.cached_tokens = int_field(*d, "cached_tokens");
    }
    if (const Json* d = field(*usage, "completion_tokens_details")) u.reasoning_tokens = int_field(*d, "reasoning_tokens");
    // DeepSeek splits the prompt into hit + miss; a usage chunk without prompt_tokens still
    // counts the whole prompt.
    if (u.prompt_tokens == 0) u.prompt_tokens = u.cached_tokens + int_field(*usage, "prompt_cache_miss_tokens");
  }
  const Json* choices = field(j, "choices");
  if (choices == nullptr || !choices->is_array() || choices->empty()) return ok_status();
  const Json& choice = (*choices)[0];
  if (const Json* delta = field(choice, "delta")) AGENT_RETURN_IF_ERROR(on_delta(*delta, o));
  if (const std::string* reason = str_field(choice, "finish_reason")) return on_finish(*reason);
  return ok_status();
}

Status OpenAiDecoder::on_delta(const Json& delta, StreamObserver& o) {
  // DeepSeek and llama.cpp name it reasoning_content; recent vLLM "reasoning".
  const std::string* reasoning = str_field(delta, "reasoning_content");
  if (reasoning == nullptr) reasoning = str_field(delta, "reasoning");
  if (reasoning != nullptr && !reasoning->empty()) {
    r_.message.reasoning += *reasoning;
    o.on_reasoning_delta(*reasoning);
  }
  if (const std::string* text = str_field(delta, "content"); text != nullptr && !text->empty()) {
    r_.message.content += *text;
    o.on_text_delta(*text);
  }
  if (const Json* calls = field(delta, "tool_calls"); calls != nullptr && calls->is_array()) {
    for (size_t k = 0; k < calls->size(); ++k) on_tool_fragment((*calls)[k], k);
  }
  return ok_status();
}

// A fragment belongs to the slot with its id when it names one; else to the latest slot at
// its index. A new id at a used index is a new call (some servers send every parallel call
// at index 0, told apart only by id).
void OpenAiDecoder::on_tool_fragment(const Json& item, size_t position) {
  if (!item.is_object()) return;
  const Json* idx = field(item, "index");
  int64_t index = idx != nullptr && idx->is_number_integer() ? idx->get<int64_t>() : static_cast<int64_t>(position);
  const std::string* id = str_field(item, "id");
  Slot* slot = nullptr;
  if (id != nullptr && !id->empty()) {
    for (auto& s : slots_) {
      if (s.id == *id) slot = &s;
    }
  }
  if (slot == nullptr) {
    for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) {
      if (it->index != index) continue;
      if (id == nullptr || id->empty() || it->id.empty()) slot = &*it;
      break;
    }
  }
  if (slot == nullptr) {
    slots_.push_back(Slot{index, "", "", ""});
    slot = &slots_.back();
  }
  if (id != nullptr && slot->id.empty()) slot->id = *id;
  if (const Json* fn = field(item, "function")) {
    const std::string* name = str_field(*fn, "name");
    if (name != nullptr && !name->empty() && *name != slot->name) slot->name += *name;
    if (const std::string* args = str_field(*fn, "arguments")) slot->arguments += *args;
  }
}

Status OpenAiDecoder::on_finish(const std::string& reason) {
  if (reason == "insufficient_system_resource") {
    return unavailable("the server stopped the answer for lack of capacity (" + ctx_.server +
                       ": insufficient_system_resource)");
  }
  finish_ = reason;
  return ok_status();
}

ModelResponse OpenAiDecoder::take_response() {
  r_.message.role = Role::kAssistant;
  std::stable_sort(slots_.begin(), slots_.end(), [](const Slot& a, const Slot& b) { return a.index < b.index; });
  for (auto& s : slots_) {
    r_.message.tool_calls.push_back(ToolCall{std::move(s.id), std::move(s.name), std::move(s.arguments)});
  }
  if (finish_ == "length") {
    r_.stop_reason = StopReason::kLength;
  } else if (!r_.message.tool_calls.empty() || finish_ == "tool_calls") {
    r_.stop_reason = StopReason::kToolCalls;
  } else if (finish_ == "content_filter") {
    r_.stop_reason = StopReason::kContentFilter;
  } else {
    r_.stop_reason = StopReason::kStop;
  }
  return std::move(r_);
}

std::unique_ptr<StreamDecoder> OpenAiFormat::new_decoder() const {
  return std::make_unique<OpenAiDecoder>(opts_.errors);
}

}  // namespace

std::unique_ptr<WireFormat> make_openai_format(FormatOptions options) {
  return std::make_unique<OpenAiFormat>(std::move(options));
}

}  // namespace agent::api
