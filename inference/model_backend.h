// ModelBackend: the one interface through which the planner talks to a model, whatever
// serves it (DeepSeek API, an OpenAI/Anthropic-compatible server, the embedded engine, or a
// script in tests).
//
// A backend turns a request (the conversation so far, the tool specs, the model and reasoning
// mode) into one assistant turn, streaming reasoning and text deltas and complete tool calls
// to an observer as they arrive. It must not know about tools' behaviour, policies or the
// journal. Errors: Cancelled when the token fired; Unauthenticated / PermissionDenied when
// credentials or balance were rejected (not retried); Unavailable after retries ran out;
// InvalidArgument for a request the backend cannot serve.
// Thread-safety: one complete() at a time per backend object; the observer is called on the
// calling thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/cancel.h"
#include "common/conversation.h"
#include "common/protocol.h"
#include "common/status.h"

namespace agent {

enum class ReasoningMode { kOff, kHigh, kMax };
std::string_view reasoning_mode_name(ReasoningMode m);
Result<ReasoningMode> parse_reasoning_mode(std::string_view s);

struct ModelRequest {
  const Conversation* conversation = nullptr;  // append-only across the requests of a run
  const std::vector<ToolSpec>* tools = nullptr;
  std::string model;
  ReasoningMode reasoning = ReasoningMode::kHigh;
  int64_t max_tokens = 0;  // output budget incl. reasoning; 0 = the backend's default
  int64_t turn_index = 0;  // 0-based model turn of the run, counting earlier sessions' turns
};

// Receives a turn as it streams. Default implementations ignore everything.
class StreamObserver {
 public:
  virtual ~StreamObserver() = default;
  virtual void on_reasoning_delta(std::string_view) {}
  virtual void on_text_delta(std::string_view) {}
  virtual void on_tool_call(const ToolCall&) {}
  // A failed attempt that will be retried after `delay_s` seconds.
  virtual void on_retry(int /*attempt*/, const Status& /*why*/, double /*delay_s*/) {}
};

struct ModelResponse {
  Message message;  // role assistant: reasoning, content and tool calls
  Usage usage;
  StopReason stop_reason = StopReason::kStop;
  std::string model;  // the model that answered, as the server named it
  int retries = 0;    // failed attempts before this answer
};

class ModelBackend {
 public:
  virtual ~ModelBackend() = default;
  // "scripted", "openai", "anthropic", "engine".
  virtual std::string_view name() const = 0;
  virtual Result<ModelResponse> complete(const ModelRequest& request, StreamObserver& observer,
                                         const CancelToken& cancel) = 0;
};

}  // namespace agent
