#include "inference/api/provider_errors.h"

#include "common/json.h"
#include "common/logging.h"
#include "common/text.h"

namespace agent::api {

namespace {

constexpr size_t kMaxMessageBytes = 600;

std::string clean(std::string_view text) {
  std::string s = redact(sanitize_utf8(text));
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (s.size() > kMaxMessageBytes) s = s.substr(0, utf8_safe_prefix(s, kMaxMessageBytes)) + "...";
  return s;
}

std::string string_field(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return "";
}

std::string quoted(const ProviderError& e) {
  std::string s = "HTTP " + std::to_string(e.http_status);
  if (e.http_status == 0) s = "stream error";
  if (!e.type.empty()) s += " " + e.type;
  if (!e.message.empty()) s += ": " + e.message;
  return s;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

}  // namespace

ProviderError parse_error_body(int http_status, std::string_view body) {
  ProviderError e;
  e.http_status = http_status;
  auto j = parse_json(body, "error body");
  if (j.ok() && j->is_object()) {
    auto err = j->find("error");
    if (err != j->end() && err->is_object()) {
      e.type = string_field(*err, "type");
      e.code = string_field(*err, "code");
      e.message = clean(string_field(*err, "message"));
      return e;
    }
    if (err != j->end() && err->is_string()) {
      e.message = clean(err->get<std::string>());
      return e;
    }
    if (j->contains("message")) {
      e.message = clean(string_field(*j, "message"));
      return e;
    }
  }
  e.message = clean(body);
  return e;
}

bool is_retryable_http_status(int status) {
  return status == 408 || status == 409 || status == 425 || status == 429 || status >= 500;
}

Status http_error_status(const ProviderError& e, const ErrorContext& ctx) {
  const std::string q = quoted(e);
  const std::string server = " (" + ctx.server + ")";
  switch (e.http_status) {
    case 401:
      return unauthenticated("the API key was rejected" + server + ": " + q + ". Check the key in " +
                             ctx.key_source +
                             (ctx.deepseek ? "; keys are made at https://platform.deepseek.com/api_keys" : ""));
    case 402:
      return permission_denied("the account's balance is used up" + server + ": " + q +
                               ". Top up the account" +
                               (ctx.deepseek ? " at https://platform.deepseek.com/top_up" : "") +
                               ", then continue the run with `agent resume --out DIR`");
    case 403:
      return permission_denied("the server refused access" + server + ": " + q +
                               ". Check that the API key may use this model");
    case 404:
      return invalid_argument("the server has no such endpoint or model" + server + ": " + q +
                              ". Check --base-url, --api and --model");
    case 413:
      return invalid_argument("the request is too large for the server" + server + ": " + q);
    case 422:
      return invalid_argument("the server rejected the request's parameters" + server + ": " + q +
                              ". Check --model, --reasoning and --max-output-tokens");
    default:
      break;
  }
  if (is_retryable_http_status(e.http_status)) {
    std::string why = e.http_status == 429 ? "rate limit or concurrency cap reached" : "server error";
    return unavailable(why + server + ": " + q);
  }
  if (e.http_status == 400) {
    return invalid_argument("the server rejected the request" + server + ": " + q +
                            ". Check --model and --reasoning; if they are right, this is a bug in the agent");
  }
  return invalid_argument("the server answered with an error" + server + ": " + q);
}

Status stream_error_status(const ProviderError& e, const ErrorContext& ctx) {
  const std::string t = e.type + " " + e.code;
  const std::string q = quoted(e);
  if (contains(t, "authentication") || contains(t, "invalid_api_key")) {
    ProviderError as_http = e;
    as_http.http_status = 401;
    return http_error_status(as_http, ctx);
  }
  if (contains(t, "insufficient_quota") || contains(t, "billing") || contains(t, "balance")) {
    ProviderError as_http = e;
    as_http.http_status = 402;
    return http_error_status(as_http, ctx);
  }
  if (contains(t, "permission")) return permission_denied("the server refused access (" + ctx.server + "): " + q);
  if (contains(t, "invalid_request") || contains(t, "not_found") || contains(t, "too_large")) {
    return invalid_argument("the server rejected the request (" + ctx.server + "): " + q);
  }
  // overloaded_error, api_error, rate_limit_error, server_error and unknown kinds: the stream
  // broke on the server's side; another attempt may well succeed.
  return unavailable("the server reported an error mid-stream (" + ctx.server + "): " + q);
}

}  // namespace agent::api
