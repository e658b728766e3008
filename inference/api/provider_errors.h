// Provider errors: turns an HTTP error answer or an error event inside a stream (either wire
// format) into a Status whose code tells the caller what to do and whose message quotes the
// provider and says what the user can do about it (bad key, empty balance, bad request).
// Retryable failures (429, 5xx, overloaded) are Unavailable. Provider text is redacted of
// registered secrets and cut to a readable length, since it ends up in logs and journals.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace agent::api {

struct ProviderError {
  int http_status = 0;
  std::string type;     // "invalid_request_error", "overloaded_error", ...
  std::string code;     // OpenAI-style "code", when given
  std::string message;  // the provider's words, redacted and cut
};

// Parses {"error": {"message", "type", "code"}} (OpenAI / DeepSeek) or
// {"type": "error", "error": {"type", "message"}} (Anthropic); other bodies are kept as text.
ProviderError parse_error_body(int http_status, std::string_view body);

// What the user must fix for a 401 names the key's source ("DEEPSEEK_API_KEY").
struct ErrorContext {
  std::string server;      // "api.deepseek.com:443", for messages
  std::string key_source;  // where the API key came from
  bool deepseek = false;   // DeepSeek's own servers: point at its console
};

// HTTP 429, 408, 5xx and 529 are worth retrying.
bool is_retryable_http_status(int status);

// The Status for an HTTP error answer.
Status http_error_status(const ProviderError& e, const ErrorContext& ctx);

// The Status for an error reported inside a stream (Anthropic "error" event, an OpenAI chunk
// holding "error"): overloaded / rate-limit / server errors are Unavailable.
Status stream_error_status(const ProviderError& e, const ErrorContext& ctx);

}  // namespace agent::api
