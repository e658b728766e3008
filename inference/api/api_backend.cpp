#include "inference/api/api_backend.h"

#include <cstdio>

#include "common/logging.h"
#include "common/text.h"

namespace agent::api {

namespace {

constexpr int64_t kDeepSeekMaxOutputTokens = 393216;  // 384K, reasoning included
constexpr size_t kMaxErrorBody = 64 * 1024;

struct Retired {
  std::string_view name;
  std::string_view replacement;
};
// Retired on 2026-07-24; the API answers 400 for them since.
constexpr Retired kRetired[] = {
    {"deepseek-chat", "--model deepseek-v4-flash --reasoning off"},
    {"deepseek-reasoner", "--model deepseek-v4-flash --reasoning high"},
};

std::shared_ptr<spdlog::logger> log() { return get_logger("api"); }

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g s", s);
  return buf;
}

// Feeds one HTTP answer to the SSE parser and the format's decoder; keeps error bodies.
class ResponseSink final : public HttpBodySink {
 public:
  ResponseSink(StreamDecoder& d, StreamObserver& o, const ErrorContext& ctx, std::string_view end_marker)
      : decoder_(d), observer_(o), ctx_(ctx), end_marker_(end_marker) {}

  Status on_head(const HttpResponseHead& h) override {
    status_ = h.status;
    if (auto ms = find_header(h.headers, "retry-after-ms"); !ms.empty()) {
      if (auto v = parse_retry_after(ms, std::chrono::system_clock::now())) retry_after_ = *v / 1000.0;
    } else {
      retry_after_ = parse_retry_after(find_header(h.headers, "retry-after"), std::chrono::system_clock::now());
    }
    content_type_ = std::string(find_header(h.headers, "content-type"));
    streaming_ = status_ / 100 == 2 && content_type_.find("text/event-stream") != std::string::npos;
    return ok_status();
  }

  Status on_data(std::string_view bytes) override {
    if (streaming_) {
      return parser_.feed(bytes, [this](const SseEvent& e) { return decoder_.on_event(e, observer_); });
    }
    if (body_.size() < kMaxErrorBody) body_.append(bytes.substr(0, kMaxErrorBody - body_.size()));
    return ok_status();
  }

  // The outcome of an exchange the transport completed.
  Status finish() const {
    if (status_ / 100 != 2) return http_error_status(parse_error_body(status_, body_), ctx_);
    if (!streaming_) {
      return invalid_argument("the server (" + ctx_.server + ") did not answer with an event stream (Content-Type \"" +
                              content_type_ + "\"); check --base-url and --api");
    }
    if (!decoder_.complete()) {
      return unavailable("the answer from " + ctx_.server + " was cut short: the stream ended before " +
                         std::string(end_marker_));
    }
    return ok_status();
  }

  std::optional<double> retry_after() const { return retry_after_; }

 private:
  StreamDecoder& decoder_;
  StreamObserver& observer_;
  const ErrorContext& ctx_;
  std::string_view end_marker_;
  SseParser parser_;
  int status_ = 0;
  bool streaming_ = false;
  std::string content_type_, body_;
  std::optional<double> retry_after_;
};

bool retryable(StatusCode c) { return c == StatusCode::kUnavailable || c == StatusCode::kDeadlineExceeded; }

}  // namespace

std::string default_base_url(std::string_view format) {
  return format == "anthropic" ? "https://api.deepseek.com/anthropic" : "https://api.deepseek.com";
}

Status check_model_name(std::string_view model, const Url& base_url) {
  if (model.empty()) return invalid_argument("--model: the model name is empty");
  for (const auto& r : kRetired) {
    if (model == r.name) {
      return invalid_argument("--model " + std::string(model) + ": DeepSeek retired this name on 2026-07-24; use " +
                              std::string(r.replacement));
    }
  }
  if (is_deepseek_host(base_url.host) && model.substr(0, 9) != "deepseek-") {
    return invalid_argument("--model " + std::string(model) + ": DeepSeek (" + base_url.host +
                            ") serves deepseek-v4-pro, deepseek-v4-flash and deepseek-flash; other model "
                            "names go only to other servers (--base-url)");
  }
  return ok_status();
}

Result<std::unique_ptr<ApiBackend>> ApiBackend::create(ApiBackendOptions options,
                                                       std::unique_ptr<HttpTransport> transport) {
  if (options.format != "openai" && options.format != "anthropic") {
    return invalid_argument("--api must be openai or anthropic, got \"" + options.format + "\"");
  }
  AGENT_ASSIGN_OR_RETURN(Url base, parse_url(options.base_url, "--base-url"));
  std::unique_ptr<ApiBackend> b(new ApiBackend());
  const bool deepseek = is_deepseek_host(base.host);
  b->server_ = options.server.value_or(deepseek ? ServerKind::kDeepSeek : ServerKind::kVllm);
  b->errors_ = ErrorContext{base.authority(), options.key_source, deepseek};
  FormatOptions fo{b->server_, deepseek ? kDeepSeekMaxOutputTokens : 0, b->errors_};
  b->format_ = options.format == "anthropic" ? make_anthropic_format(fo) : make_openai_format(fo);
  b->endpoint_ = base;
  b->endpoint_.path = endpoint_path(base.path, b->format_->endpoint());
  if (!options.api_key.empty()) register_secret(options.api_key);
  b->transport_ = transport ? std::move(transport) : std::make_unique<HttpClient>(options.http);
  b->backoff_ = std::make_unique<Backoff>(options.retry, options.jitter_seed);
  b->opts_ = std::move(options);
  return b;
}

Status ApiBackend::attempt(const HttpRequest& http, StreamDecoder& decoder, StreamObserver& observer,
                           const CancelToken& cancel, std::optional<double>& retry_after) {
  ResponseSink sink(decoder, observer, errors_, format_->name() == "anthropic" ? "message_stop" : "[DONE]");
  Status s = transport_->send(http, sink, cancel);
  retry_after = sink.retry_after();
  return s.ok() ? sink.finish() : s;
}

Result<ModelResponse> ApiBackend::complete(const ModelRequest& req, StreamObserver& observer,
                                           const CancelToken& cancel) {
  AGENT_RETURN_IF_ERROR(check_model_name(req.model, endpoint_));
  AGENT_RETURN_IF_ERROR(format_->encode(req, body_));
  HttpRequest http;
  http.url = endpoint_;
  http.headers = {{"Content-Type", "application/json"}, {"Accept", "text/event-stream"}};
  format_->add_auth_headers(opts_.api_key, http.headers);
  http.body = body_;
  const RetryPolicy& policy = backoff_->policy();
  double waited = 0;
  for (int attempt_no = 1;; ++attempt_no) {
    auto decoder = format_->new_decoder();
    std::optional<double> retry_after;
    Status s = attempt(http, *decoder, observer, cancel, retry_after);
    if (s.ok()) {
      ModelResponse r = decoder->take_response();
      r.retries = attempt_no - 1;
      if (r.model.empty()) r.model = req.model;
      for (const auto& c : r.message.tool_calls) observer.on_tool_call(c);
      return r;
    }
    if (cancel.cancelled() || s.code() == StatusCode::kCancelled) return cancelled("the model request was cancelled");
    if (!retryable(s.code())) return s;
    double delay = backoff_->delay_s(attempt_no, retry_after);
    if (attempt_no >= policy.max_attempts) {
      return unavailable("the model server failed " + std::to_string(attempt_no) + " attempts in a row; the last: " +
                         s.message());
    }
    if (waited + delay > policy.budget_s) {
      return unavailable("giving up after " + std::to_string(attempt_no) + " attempts: waiting " + seconds(delay) +
                         (retry_after ? " as the server asked" : "") + " would pass the retry budget of " +
                         seconds(policy.budget_s) + "; the last error: " + s.message());
    }
    log()->warn("attempt {} failed ({}); retrying in {}", attempt_no, s.to_string(), seconds(delay));
    observer.on_retry(attempt_no, s, delay);
    if (!sleep_unless_cancelled(delay, cancel)) return cancelled("the model request was cancelled");
    waited += delay;
  }
}

}  // namespace agent::api
