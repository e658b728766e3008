// WireFormat: what differs between the OpenAI Chat Completions and the Anthropic Messages
// formats — the endpoint, the credential header, how a request is serialised and how the
// streamed answer is decoded. ApiBackend (api_backend.h) holds everything they share: HTTP,
// retries, error mapping, model-name checks.
//
// Request bodies are cache-friendly: every message is serialised once (MessageCache) and the
// "messages" array comes before every field that can change between requests, so the bytes of
// request N's messages are a prefix of request N+1's (DeepSeek bills a cached prefix at a
// fraction of the price) and a turn costs the runtime only the new messages' serialisation.
// Thread-safety: one request at a time per object.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "inference/api/http_client.h"
#include "inference/api/provider_errors.h"
#include "inference/api/sse_parser.h"
#include "inference/model_backend.h"

namespace agent::api {

// How a server is told the reasoning mode (see docs/api-backends.md).
enum class ServerKind {
  kDeepSeek,  // DeepSeek's API: "thinking" and "reasoning_effort" (OpenAI), "thinking" and
              // "output_config.effort" (Anthropic)
  kVllm,      // self-hosted V4 on vLLM, SGLang or llama.cpp's server: "chat_template_kwargs"
  kSglang,    //   {"thinking": bool, "reasoning_effort": "high"|"max"} for the V4 chat template
  kLlamaCpp,
  kGeneric,   // any other OpenAI-compatible server: no reasoning fields (its default applies)
};
std::string_view server_kind_name(ServerKind k);
// "deepseek", "vllm", "sglang", "llamacpp", "generic".
Result<ServerKind> parse_server_kind(std::string_view s);

struct FormatOptions {
  ServerKind server = ServerKind::kDeepSeek;
  int64_t max_tokens_cap = 0;  // 0 = none; DeepSeek: 384K
  ErrorContext errors;         // for errors reported inside a stream
};

// Decodes one streamed answer, event by event, forwarding deltas to the observer.
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  // Unavailable for a broken stream (malformed chunk, server-side error worth a retry); the
  // mapped provider error otherwise.
  virtual Status on_event(const SseEvent& event, StreamObserver& observer) = 0;
  // The stream's end marker arrived ([DONE] / message_stop).
  virtual bool complete() const = 0;
  virtual ModelResponse take_response() = 0;
};

class WireFormat {
 public:
  virtual ~WireFormat() = default;
  virtual std::string_view name() const = 0;   // "openai" or "anthropic"
  virtual std::string_view endpoint() const = 0;  // "chat/completions" or "messages"
  virtual void add_auth_headers(const std::string& api_key, Headers& headers) const = 0;
  // Serialises `request` into `body` (pieces pointing into this object's storage, valid until
  // the next call). InvalidArgument for a request the format cannot express.
  virtual Status encode(const ModelRequest& request, std::vector<std::string_view>& body) = 0;
  virtual std::unique_ptr<StreamDecoder> new_decoder() const = 0;
};

std::unique_ptr<WireFormat> make_openai_format(FormatOptions options);
std::unique_ptr<WireFormat> make_anthropic_format(FormatOptions options);

}  // namespace agent::api
