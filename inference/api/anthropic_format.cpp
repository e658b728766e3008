// The Anthropic Messages format as DeepSeek's https://api.deepseek.com/anthropic speaks it:
// system text apart, user/assistant turns of content blocks (text, thinking, tool_use,
// tool_result; consecutive tool results and user text share one user turn), and decoding of
// the streamed event sequence (message_start, content_block_start/delta/stop, message_delta,
// message_stop, with ping and error events anywhere).
#include <algorithm>
#include <map>

#include "inference/api/json_fields.h"
#include "inference/api/message_cache.h"
#include "inference/api/wire_format.h"

namespace agent::api {

namespace {

constexpr int64_t kDefaultMaxTokens = 65536;
constexpr int64_t kMinThinkingBudget = 1024;

enum class Turn { kSystem, kUser, kAssistant };

// One message's content blocks, comma-joined, and the turn they belong to.
struct Fragment {
  Turn turn = Turn::kUser;
  std::string blocks;
};

std::string text_block(const std::string& text) {
  return dump_json(OrderedJson{{"type", "text"}, {"text", text}});
}

// tool_use.input must be an object: arguments that were not one (the model's broken JSON,
// answered with a tool error) are replayed as the text they were.
OrderedJson tool_input(const std::string& arguments) {
  auto parsed = parse_ordered_json(arguments.empty() ? "{}" : arguments, "arguments");
  if (parsed.ok() && parsed->is_object()) return std::move(*parsed);
  return OrderedJson{{"invalid_json", arguments}};
}

// As in the OpenAI format, the reasoning of a turn that made tool calls is replayed (as a
// thinking block, with DeepSeek's signature when it gave one) and other turns' is dropped.
Fragment serialise_message(const Message& m, bool thinking) {
  Fragment f;
  switch (m.role) {
    case Role::kSystem:
      f.turn = Turn::kSystem;
      f.blocks = text_block(m.content);
      return f;
    case Role::kUser:
      f.blocks = text_block(m.content);
      return f;
    case Role::kTool: {
      OrderedJson b{{"type", "tool_result"}, {"tool_use_id", m.tool_call_id}, {"content", m.content}};
      if (m.is_error) b["is_error"] = true;
      f.blocks = dump_json(b);
      return f;
    }
    case Role::kAssistant:
      break;
  }
  f.turn = Turn::kAssistant;
  std::vector<std::string> blocks;
  if (!m.tool_calls.empty() && (thinking || !m.reasoning.empty())) {
    OrderedJson b{{"type", "thinking"}, {"thinking", m.reasoning}};
    if (!m.reasoning_signature.empty()) b["signature"] = m.reasoning_signature;
    blocks.push_back(dump_json(b));
  }
  if (!m.content.empty() || m.tool_calls.empty()) blocks.push_back(text_block(m.content));
  for (const auto& c : m.tool_calls) {
    blocks.push_back(dump_json(OrderedJson{{"type", "tool_use"}, {"id", c.id}, {"name", c.name}, {"input", tool_input(c.arguments)}}));
  }
  for (size_t i = 0; i < blocks.size(); ++i) f.blocks += (i ? "," : "") + blocks[i];
  return f;
}

std::string thinking_fields(ServerKind server, ReasoningMode mode, int64_t max_tokens) {
  if (mode == ReasoningMode::kOff) return R"(,"thinking":{"type":"disabled"})";
  // budget_tokens is required by the format and must stay below max_tokens; DeepSeek ignores
  // it and reads the effort. Near a full context max_tokens can fall under the format's
  // minimum budget (1024): the budget still stays below max_tokens.
  int64_t budget = std::min(std::max(kMinThinkingBudget, max_tokens - 1), std::max<int64_t>(1, max_tokens - 1));
  std::string s = R"(,"thinking":{"type":"enabled","budget_tokens":)" + std::to_string(budget) + "}";
  if (server == ServerKind::kDeepSeek) {
    s += std::string(R"(,"output_config":{"effort":")") + (mode == ReasoningMode::kMax ? "max" : "high") + "\"}";
  }
  return s;
}

class AnthropicFormat final : public WireFormat {
 public:
  explicit AnthropicFormat(FormatOptions o) : opts_(std::move(o)) {}

  std::string_view name() const override { return "anthropic"; }
  std::string_view endpoint() const override { return "messages"; }
  void add_auth_headers(const std::string& key, Headers& h) const override {
    if (!key.empty()) h.emplace_back("x-api-key", key);
    h.emplace_back("anthropic-version", "2023-06-01");
  }
  Status encode(const ModelRequest& req, std::vector<std::string_view>& body) override;
  std::unique_ptr<StreamDecoder> new_decoder() const override;

 private:
  const std::string& tools_json(const std::vector<ToolSpec>* tools);

  FormatOptions opts_;
  MessageCache<Fragment> cache_;
  std::string head_, tail_, tools_;
  const std::vector<ToolSpec>* tools_of_ = nullptr;
  size_t tools_count_ = 0;
};

const std::string& AnthropicFormat::tools_json(const std::vector<ToolSpec>* tools) {
  if (tools != tools_of_ || (tools != nullptr && tools->size() != tools_count_)) {
    tools_of_ = tools;
    tools_count_ = tools ? tools->size() : 0;
    tools_.clear();
    if (tools != nullptr && !tools->empty()) {
      OrderedJson arr = OrderedJson::array();
      for (const auto& t : *tools) {
        arr.push_back(OrderedJson{{"name", t.name}, {"description", t.description}, {"input_schema", t.parameters}});
      }
      tools_ = dump_json(arr);
    }
  }
  return tools_;
}

Status AnthropicFormat::encode(const ModelRequest& req, std::vector<std::string_view>& body) {
  static constexpr std::string_view kOpen[] = {R"({"role":"user","content":[)", R"({"role":"user","content":[)",
                                               R"({"role":"assistant","content":[)"};
  static constexpr std::string_view kClose = "]}";
  static constexpr std::string_view kNext = "]},";
  static constexpr std::string_view kComma = ",";
  if (req.conversation == nullptr || req.conversation->empty()) {
    return invalid_argument("a model request needs at least one message");
  }
  const bool thinking = req.reasoning != ReasoningMode::kOff;
  const auto& parts = cache_.update(*req.conversation, thinking ? 1 : 0,
                                    [&](const Message& m) { return serialise_message(m, thinking); });
  size_t first = 0;
  head_ = "{\"model\":" + dump_json(Json(req.model));
  if (!parts.empty() && parts[0].turn == Turn::kSystem) {
    head_ += ",\"system\":[";
    for (; first < parts.size() && parts[first].turn == Turn::kSystem; ++first) {
      head_ += (first ? "," : "") + parts[first].blocks;
    }
    head_ += "]";
  }
  head_ += ",\"messages\":[";
  if (first == parts.size()) return invalid_argument("a model request needs a user message after the system prompt");
  if (parts[first].turn == Turn::kAssistant) {
    return invalid_argument("the Anthropic format needs the conversation to start with a user message");
  }

  int64_t max_tokens = req.max_tokens > 0 ? req.max_tokens : kDefaultMaxTokens;
  if (opts_.max_tokens_cap > 0) max_tokens = std::min(max_tokens, opts_.max_tokens_cap);
  tail_ = "],\"max_tokens\":" + std::to_string(max_tokens);
  if (const std::string& tools = tools_json(req.tools); !tools.empty()) tail_ += ",\"tools\":" + tools;
  tail_ += ",\"stream\":true" + thinking_fields(opts_.server, req.reasoning, max_tokens) + "}";

  body.clear();
  body.reserve(parts.size() * 2 + 4);
  body.emplace_back(head_);
  // A system message after the start is sent as user text (its block has that shape).
  auto turn_of = [](Turn t) { return t == Turn::kAssistant ? Turn::kAssistant : Turn::kUser; };
  Turn open = Turn::kSystem;  // kSystem: no turn open yet
  for (size_t i = first; i < parts.size(); ++i) {
    Turn t = turn_of(parts[i].turn);
    if (t != open) {
      if (open != Turn::kSystem) body.push_back(kNext);
      body.push_back(kOpen[static_cast<int>(t)]);
      open = t;
    } else {
      body.push_back(kComma);
    }
    body.emplace_back(parts[i].blocks);
  }
  body.push_back(kClose);
  body.emplace_back(tail_);
  return ok_status();
}

// --- streaming ---

class AnthropicDecoder final : public StreamDecoder {
 public:
  explicit AnthropicDecoder(const ErrorContext& ctx) : ctx_(ctx) {}

  Status on_event(const SseEvent& e, StreamObserver& o) override;
  bool complete() const override { return done_; }
  ModelResponse take_response() override;

 private:
  struct Block {
    std::string type, id, name, input_json, initial_input;
  };
  void read_usage(const Json& usage);
  void on_block_start(const Json& j, StreamObserver& o);
  void on_block_delta(const Json& j, StreamObserver& o);

  ErrorContext ctx_;
  ModelResponse r_;
  std::map<int64_t, Block> blocks_;
  std::string stop_;
  int64_t input_ = 0, cache_read_ = 0, cache_write_ = 0;
  bool done_ = false;
};

Status AnthropicDecoder::on_event(const SseEvent& e, StreamObserver& o) {
  if (done_) return ok_status();
  if (e.event == "ping") return ok_status();
  auto parsed = parse_json(e.data, "stream event");
  if (!parsed.ok() || !parsed->is_object()) {
    std::string why = parsed.ok() ? "not a JSON object" : parsed.status().message();
    return unavailable("the server sent a malformed stream event (" + ctx_.server + "): " + why);
  }
  const Json& j = *parsed;
  std::string type = e.event;
  if (const std::string* t = str_field(j, "type"); type.empty() && t != nullptr) type = *t;
  if (type == "error") return stream_error_status(parse_error_body(0, e.data), ctx_);
  if (type == "message_start") {
    if (const Json* msg = field(j, "message")) {
      if (const std::string* model = str_field(*msg, "model")) r_.model = *model;
      if (const Json* usage = field(*msg, "usage")) read_usage(*usage);
    }
  } else if (type == "content_block_start") {
    on_block_start(j, o);
  } else if (type == "content_block_delta") {
    on_block_delta(j, o);
  } else if (type == "message_delta") {
    if (const Json* delta = field(j, "delta")) {
      if (const std::string* stop = str_field(*delta, "stop_reason")) stop_ = *stop;
    }
    if (const Json* usage = field(j, "usage")) read_usage(*usage);
  } else if (type == "message_stop") {
    done_ = true;
  }
  // content_block_stop needs nothing: blocks are assembled at the end. Unknown events are
  // ignored, as the format asks of clients.
  return ok_status();
}

// message_start carries the input counts; message_delta's counts are cumulative.
void AnthropicDecoder::read_usage(const Json& usage) {
  if (int64_t v = int_field(usage, "input_tokens"); v > 0) input_ = v;
  if (int64_t v = int_field(usage, "cache_read_input_tokens"); v > 0) cache_read_ = v;
  if (int64_t v = int_field(usage, "cache_creation_input_tokens"); v > 0) cache_write_ = v;
  if (int64_t v = int_field(usage, "output_tokens"); v > 0) r_.usage.completion_tokens = v;
  r_.usage.prompt_tokens = input_ + cache_read_ + cache_write_;
  r_.usage.cached_tokens = cache_read_;
}

void AnthropicDecoder::on_block_start(const Json& j, StreamObserver& o) {
  const Json* cb = field(j, "content_block");
  if (cb == nullptr) return;
  Block& b = blocks_[int_field(j, "index")];
  if (const std::string* t = str_field(*cb, "type")) b.type = *t;
  if (const std::string* id = str_field(*cb, "id")) b.id = *id;
  if (const std::string* name = str_field(*cb, "name")) b.name = *name;
  if (const Json* input = field(*cb, "input"); input != nullptr && input->is_object() && !input->empty()) {
    b.initial_input = dump_json(*input);
  }
  if (const std::string* text = str_field(*cb, "text"); text != nullptr && !text->empty()) {
    r_.message.content += *text;
    o.on_text_delta(*text);
  }
  if (const std::string* th = str_field(*cb, "thinking"); th != nullptr && !th->empty()) {
    r_.message.reasoning += *th;
    o.on_reasoning_delta(*th);
  }
  if (const std::string* sig = str_field(*cb, "signature")) r_.message.reasoning_signature += *sig;
}

void AnthropicDecoder::on_block_delta(const Json& j, StreamObserver& o) {
  const Json* d = field(j, "delta");
  if (d == nullptr) return;
  const std::string* kind = str_field(*d, "type");
  if (kind == nullptr) return;
  if (*kind == "text_delta") {
    if (const std::string* t = str_field(*d, "text")) {
      r_.message.content += *t;
      o.on_text_delta(*t);
    }
  } else if (*kind == "thinking_delta") {
    if (const std::string* t = str_field(*d, "thinking")) {
      r_.message.reasoning += *t;
      o.on_reasoning_delta(*t);
    }
  } else if (*kind == "signature_delta") {
    if (const std::string* s = str_field(*d, "signature")) r_.message.reasoning_signature += *s;
  } else if (*kind == "input_json_delta") {
    if (const std::string* p = str_field(*d, "partial_json")) blocks_[int_field(j, "index")].input_json += *p;
  }
}

ModelResponse AnthropicDecoder::take_response() {
  r_.message.role = Role::kAssistant;
  for (auto& [index, b] : blocks_) {
    if (b.type != "tool_use") continue;
    std::string args = !b.input_json.empty() ? b.input_json : (!b.initial_input.empty() ? b.initial_input : "{}");
    r_.message.tool_calls.push_back(ToolCall{b.id, b.name, std::move(args)});
  }
  if (stop_ == "max_tokens") {
    r_.stop_reason = StopReason::kLength;
  } else if (!r_.message.tool_calls.empty() || stop_ == "tool_use") {
    r_.stop_reason = StopReason::kToolCalls;
  } else if (stop_ == "refusal") {
    r_.stop_reason = StopReason::kContentFilter;
  } else {
    r_.stop_reason = StopReason::kStop;
  }
  return std::move(r_);
}

std::unique_ptr<StreamDecoder> AnthropicFormat::new_decoder() const {
  return std::make_unique<AnthropicDecoder>(opts_.errors);
}

}  // namespace

std::unique_ptr<WireFormat> make_anthropic_format(FormatOptions options) {
  return std::make_unique<AnthropicFormat>(std::move(options));
}

}  // namespace agent::api
