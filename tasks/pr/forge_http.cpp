#include "tasks/pr/forge_http.h"

#include <algorithm>
#include <cctype>

#include "common/logging.h"

namespace agent::pr {

namespace {

constexpr size_t kMaxBody = 16u << 20;

class CollectSink final : public api::HttpBodySink {
 public:
  Status on_head(const api::HttpResponseHead& head) override {
    head_ = head;
    return ok_status();
  }
  Status on_data(std::string_view bytes) override {
    if (body_.size() + bytes.size() > kMaxBody) return resource_exhausted("the answer is larger than 16 MiB");
    body_.append(bytes);
    return ok_status();
  }
  api::HttpResponseHead head_;
  std::string body_;
};

// The forge's own words: GitHub and Gitea put them in "message" (GitHub adds "errors"),
// GitLab in "message" (a string, a list or a field -> list map) or "error".
std::string forge_message(const ForgeResponse& r) {
  const Json& b = r.body;
  std::string msg;
  auto text_of = [](const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  if (b.is_object()) {
    if (b.contains("message")) msg = text_of(b["message"]);
    else if (b.contains("error")) msg = text_of(b["error"]);
    if (b.contains("errors") && b["errors"].is_array()) {
      for (const auto& e : b["errors"]) {
        std::string one = e.is_object() && e.contains("message") ? text_of(e["message"])
                          : e.is_object() ? e.value("code", std::string()) + " " + e.value("field", std::string())
                                          : text_of(e);
        msg += (msg.empty() ? "" : "; ") + one;
      }
    }
  }
  if (msg.empty()) msg = r.raw.substr(0, 300);
  return msg.empty() ? std::string("(no message)") : msg;
}

bool retryable(const ForgeResponse& r, const std::string& retry_after) {
  if (r.status >= 500 || r.status == 429) return true;
  // GitHub's secondary rate limit is a 403 with Retry-After or a "rate limit" message.
  if (r.status == 403) {
    std::string m = forge_message(r);
    std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return !retry_after.empty() || m.find("rate limit") != std::string::npos;
  }
  return false;
}

}  // namespace

std::string url_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

ForgeHttp::ForgeHttp(std::string forge_name, api::Url base, api::Headers headers,
                     std::shared_ptr<api::HttpTransport> transport, api::RetryPolicy retry)
    : name_(std::move(forge_name)),
      base_(std::move(base)),
      headers_(std::move(headers)),
      transport_(std::move(transport)),
      backoff_(retry) {
  while (!base_.path.empty() && base_.path.back() == '/') base_.path.pop_back();
}

Result<ForgeResponse> ForgeHttp::call_once(const std::string& method, const std::string& path,
                                           const std::string& body, std::string& retry_after) {
  api::HttpRequest req;
  req.method = method;
  req.url = base_;
  req.url.path = base_.path + path;
  req.headers = headers_;
  if (!body.empty()) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body.push_back(body);
  }
  CollectSink sink;
  AGENT_RETURN_IF_ERROR(transport_->send(req, sink, cancel_));
  ForgeResponse r;
  r.status = sink.head_.status;
  r.raw = std::move(sink.body_);
  r.body = Json::parse(r.raw, nullptr, /*allow_exceptions=*/false);
  if (r.body.is_discarded()) r.body = Json();
  retry_after = std::string(api::find_header(sink.head_.headers, "Retry-After"));
  return r;
}

Result<ForgeResponse> ForgeHttp::call(const std::string& method, const std::string& path, const Json& body) {
  std::string text = body.is_null() ? std::string() : body.dump();
  const int attempts = std::max(1, backoff_.policy().max_attempts);
  double waited = 0;
  for (int attempt = 1;; ++attempt) {
    last_attempts_ = attempt;
    std::string retry_after;
    auto r = call_once(method, path, text, retry_after);
    std::string why;
    if (!r.ok()) {
      StatusCode c = r.status().code();
      if (c != StatusCode::kUnavailable && c != StatusCode::kDeadlineExceeded) return r;
      why = r.status().message();
    } else if (retryable(*r, retry_after)) {
      why = "HTTP " + std::to_string(r->status) + ": " + forge_message(*r);
    } else {
      return r;
    }
    double delay = backoff_.delay_s(attempt, api::parse_retry_after(retry_after, std::chrono::system_clock::now()));
    if (attempt >= attempts || waited + delay > backoff_.policy().budget_s) {
      if (r.ok()) return r;
      return unavailable(name_ + " " + method + " " + path + ": " + why + " (gave up after " +
                         std::to_string(attempt) + " attempts)");
    }
    get_logger("pr")->warn("{} {} {}: {}; retrying in {:.1f}s (attempt {} of {})", name_, method, path,
                           redact(why), delay, attempt + 1, attempts);
    api::sleep_unless_cancelled(delay, cancel_);
    waited += delay;
  }
}

Status ForgeHttp::error_for(const ForgeResponse& r, const std::string& what) const {
  std::string msg = name_ + " " + what + ": HTTP " + std::to_string(r.status) + ": " + forge_message(r);
  if (last_attempts_ > 1 && (r.status >= 500 || r.status == 429)) msg += " (gave up after " + std::to_string(last_attempts_) + " attempts)";
  switch (r.status) {
    case 401: return unauthenticated(msg + " (the token was rejected)");
    case 403: return permission_denied(msg);
    case 404: return not_found(msg);
    case 409: return already_exists(msg);
    default: break;
  }
  if (r.status >= 500 || r.status == 429) return unavailable(msg);
  return invalid_argument(msg);
}

}  // namespace agent::pr
