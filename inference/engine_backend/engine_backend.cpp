#include "inference/engine_backend/engine_backend.h"

#include <algorithm>

#include "inference/engine/chat/chat_encoder.h"
#include "inference/engine/chat/chat_message.h"
#include "inference/engine/chat/output_parser.h"
#include "inference/engine/model/generate.h"
#include "inference/engine/model/gguf_tokenizer.h"
#include "inference/engine/tokenizer/streaming_decoder.h"

namespace agent {

EngineBackend::EngineBackend(EngineBackendOptions o, std::unique_ptr<engine::Engine> e, engine::Tokenizer t)
    : opt_(std::move(o)), engine_(std::move(e)), tok_(std::move(t)) {}

Result<std::unique_ptr<EngineBackend>> EngineBackend::open(const EngineBackendOptions& opt) {
  auto tok = engine::load_checkpoint_tokenizer(opt.weights);
  if (!tok.ok()) return tok.status().with_context("engine backend");
  if (!tok->has_value()) {
    return invalid_argument("engine backend: " + opt.weights.string() + " has no tokenizer (tokenizer.json)");
  }
  AGENT_ASSIGN_OR_RETURN(auto e, open_engine_on(opt.weights, opt.device, engine::EngineOptions{opt.threads, opt.numerics},
                                                opt.max_context));
  return std::unique_ptr<EngineBackend>(new EngineBackend(opt, std::move(e), std::move(**tok)));
}

static bool extends(const std::vector<int32_t>& prefix, const std::vector<int32_t>& v, bool allow_equal) {
  return (prefix.size() < v.size() || (allow_equal && prefix.size() == v.size())) &&
         std::equal(prefix.begin(), prefix.end(), v.begin());
}

Result<std::vector<float>> EngineBackend::prefill(const std::vector<int32_t>& prompt, int64_t* reused) {
  std::vector<float> logits;
  if (seq_ && extends(fed_, prompt, false)) {
    // continue the live sequence
  } else if (snap_ && extends(snap_tokens_, prompt, true)) {
    AGENT_ASSIGN_OR_RETURN(seq_, engine_->fork_sequence(*snap_));
    fed_ = snap_tokens_;
    logits = snap_logits_;
  } else {
    AGENT_ASSIGN_OR_RETURN(seq_, engine_->new_sequence(opt_.max_context));
    fed_.clear();
  }
  *reused = int64_t(fed_.size());
  const size_t chunk = 512;
  for (size_t at = fed_.size(); at < prompt.size(); at += chunk) {
    std::vector<int32_t> part(prompt.begin() + at, prompt.begin() + std::min(prompt.size(), at + chunk));
    AGENT_ASSIGN_OR_RETURN(logits, engine_->forward(*seq_, part, false));
    fed_.insert(fed_.end(), part.begin(), part.end());
  }
  AGENT_ASSIGN_OR_RETURN(snap_, engine_->fork_sequence(*seq_));
  snap_tokens_ = prompt;
  snap_logits_ = logits;
  return logits;
}

namespace {

engine::ReasoningMode chat_mode(ReasoningMode m) {
  return m == ReasoningMode::kOff ? engine::ReasoningMode::kOff
         : m == ReasoningMode::kMax ? engine::ReasoningMode::kMax
                                    : engine::ReasoningMode::kHigh;
}

// Routes parser events to the observer and the response.
struct Collector {
  StreamObserver& obs;
  ModelResponse& resp;
  uint64_t& calls;
  bool in_reasoning;
  std::string generated;  // all text so far
  void take(std::vector<engine::OutputEvent>& events) {
    for (auto& e : events) {
      using K = engine::OutputEvent::Kind;
      if (e.kind == K::kReasoning) {
        resp.message.reasoning += e.text;
        obs.on_reasoning_delta(e.text);
        continue;
      }
      in_reasoning = false;
      if (e.kind == K::kContent) {
        resp.message.content += e.text;
        obs.on_text_delta(e.text);
        continue;
      }
      // Parser errors about a tool-call block go back to the model as a call it must fix; the
      // others (a turn that ended inside its reasoning, text after the end) describe a turn
      // that simply has no tool call.
      if (e.kind == K::kError && generated.find("<｜DSML｜tool_calls") == std::string::npos) continue;
      ToolCall c = e.kind == K::kToolCall ? e.call : ToolCall{"", "invalid_tool_call", e.text};
      c.id = "call_" + std::to_string(++calls);
      resp.message.tool_calls.push_back(c);
      obs.on_tool_call(c);
    }
    events.clear();
  }
};

}  // namespace

Result<ModelResponse> EngineBackend::complete(const ModelRequest& request, StreamObserver& observer,
                                              const CancelToken& cancel) {
  if (!request.conversation) return invalid_argument("engine backend: no conversation");
  if (cancel.cancelled()) return cancelled("engine backend: cancelled");
  static const std::vector<ToolSpec> kNoTools;
  auto messages = engine::chat_messages_from_protocol(request.conversation->messages(),
                                                      request.tools ? *request.tools : kNoTools);
  engine::ChatEncodeOptions eo;
  eo.mode = chat_mode(request.reasoning);
  AGENT_ASSIGN_OR_RETURN(std::string text, engine::encode_chat(messages, eo));
  std::vector<int32_t> prompt = tok_.encode(text);
  if (int64_t(prompt.size()) >= opt_.max_context) {
    return resource_exhausted("engine backend: the prompt has " + std::to_string(prompt.size()) +
                              " tokens, more than the engine's " + std::to_string(opt_.max_context) +
                              "-token context (--context-tokens)");
  }
  ModelResponse resp;
  resp.message.role = Role::kAssistant;
  resp.model = opt_.weights.filename().string();
  int64_t reused = 0;
  AGENT_ASSIGN_OR_RETURN(std::vector<float> logits, prefill(prompt, &reused));
  resp.usage.prompt_tokens = int64_t(prompt.size());
  resp.usage.cached_tokens = reused;

  const bool thinking = eo.mode != engine::ReasoningMode::kOff;
  engine::OutputParser parser(thinking);
  engine::StreamingDecoder decoder(tok_);
  engine::Sampler sampler(opt_.seed + calls_);
  Collector col{observer, resp, calls_, thinking, {}};
  std::vector<engine::OutputEvent> events;
  const int64_t budget = std::min<int64_t>(request.max_tokens > 0 ? request.max_tokens : opt_.default_max_tokens,
                                           opt_.max_context - int64_t(fed_.size()) - 1);
  const int32_t eos = int32_t(engine_->config().eos_token_id);
  resp.stop_reason = StopReason::kLength;
  for (int64_t i = 0; i < budget; ++i) {
    if (cancel.cancelled()) return cancelled("engine backend: cancelled");
    const int32_t id = sampler.sample(logits.data(), int64_t(logits.size()), opt_.temperature, opt_.top_p);
    ++resp.usage.completion_tokens;
    resp.usage.reasoning_tokens += col.in_reasoning ? 1 : 0;
    AGENT_ASSIGN_OR_RETURN(std::string piece, decoder.feed(id));
    col.generated += piece;
    parser.feed(piece, &events);
    col.take(events);
    if (id == eos || parser.saw_end_of_sentence()) {
      resp.stop_reason = StopReason::kStop;
      break;
    }
    AGENT_ASSIGN_OR_RETURN(logits, engine_->forward(*seq_, {id}, false));
    fed_.push_back(id);
  }
  std::string tail = decoder.finish();
  col.generated += tail;
  parser.feed(tail, &events);
  parser.finish(&events);
  col.take(events);
  if (!resp.message.tool_calls.empty() && resp.stop_reason == StopReason::kStop) {
    resp.stop_reason = StopReason::kToolCalls;
  }
  return resp;
}

}  // namespace agent
