// ApiBackend: a ModelBackend that talks to a model server over HTTP in the OpenAI Chat
// Completions or the Anthropic Messages format (DeepSeek's API, or a self-hosted vLLM, SGLang
// or llama.cpp server), streaming every answer.
//
// Owns: the request/attempt loop — model-name checks before any request, serialisation
// through a WireFormat, one streamed exchange per attempt, retries with backoff for
// transient failures (429, 5xx, resets, streams cut short, malformed chunks, timeouts,
// insufficient_system_resource), and the mapping of provider errors to Status codes (401
// Unauthenticated, 402/403 PermissionDenied, 400/404/422 InvalidArgument; none retried).
// Tool calls are handed over only with a complete answer, so a retry never repeats a call the
// agent ran. The API key is registered as a secret (redacted from every log line) and never
// put in a message.
// Must not know: the environment, config files, the journal (tasks/ builds the options).
// Thread-safety: one complete() at a time (ModelBackend's rule).
#pragma once

#include <memory>
#include <string>

#include "inference/api/http_client.h"
#include "inference/api/retry.h"
#include "inference/api/url.h"
#include "inference/api/wire_format.h"
#include "inference/model_backend.h"

namespace agent::api {

struct ApiBackendOptions {
  std::string format = "openai";  // "openai" or "anthropic"
  std::string base_url = "https://api.deepseek.com";
  std::string api_key;            // may be empty for a self-hosted server without auth
  std::string key_source = "DEEPSEEK_API_KEY";  // named when the key is rejected
  std::optional<ServerKind> server;  // unset: deepseek on *.deepseek.com, else vllm
  RetryPolicy retry;
  uint64_t jitter_seed = 0;       // 0: random
  HttpClientOptions http;         // used when no transport is given
};

// The base URL DeepSeek documents for each format.
std::string default_base_url(std::string_view format);

// Refuses, before any request, the model names DeepSeek retired (naming the replacement) and,
// on DeepSeek's own servers, names that are not DeepSeek's. Other servers get any name.
Status check_model_name(std::string_view model, const Url& base_url);

class ApiBackend final : public ModelBackend {
 public:
  // InvalidArgument for a bad format, base URL or server kind. `transport` replaces the HTTP
  // client (tests, benchmarks).
  static Result<std::unique_ptr<ApiBackend>> create(ApiBackendOptions options,
                                                    std::unique_ptr<HttpTransport> transport = nullptr);

  std::string_view name() const override { return format_->name(); }
  Result<ModelResponse> complete(const ModelRequest& request, StreamObserver& observer,
                                 const CancelToken& cancel) override;

  ServerKind server() const { return server_; }
  const Url& endpoint() const { return endpoint_; }

 private:
  ApiBackend() = default;
  Status attempt(const HttpRequest& http, StreamDecoder& decoder, StreamObserver& observer,
                 const CancelToken& cancel, std::optional<double>& retry_after);

  ApiBackendOptions opts_;
  Url endpoint_;
  ServerKind server_ = ServerKind::kDeepSeek;
  ErrorContext errors_;
  std::unique_ptr<WireFormat> format_;
  std::unique_ptr<HttpTransport> transport_;
  std::unique_ptr<Backoff> backoff_;
  std::vector<std::string_view> body_;
};

}  // namespace agent::api
