// JSON over HTTP for the forge implementations: one request, retried with backoff while the
// forge answers 5xx, rate-limits (429, or 403 with Retry-After / "rate limit" in the message,
// as GitHub's secondary limits do) or the connection fails; and the mapping of the final
// answer to a Status that names the forge and quotes its message.
// Thread-safety: one caller at a time.
#pragma once

#include <memory>
#include <string>

#include "common/cancel.h"
#include "common/json.h"
#include "common/status.h"
#include "inference/api/http_client.h"
#include "inference/api/retry.h"

namespace agent::pr {

struct ForgeResponse {
  int status = 0;
  Json body;        // null when the body is empty or not JSON
  std::string raw;  // the body as received (capped)
};

class ForgeHttp {
 public:
  // `base` is the API root (its path is prefixed to every request path); `headers` carry the
  // authentication and content negotiation each forge wants.
  ForgeHttp(std::string forge_name, api::Url base, api::Headers headers,
            std::shared_ptr<api::HttpTransport> transport, api::RetryPolicy retry);

  // `path` starts with '/' and may carry a query string; `body` null = no body.
  // Returns the final answer whatever its status; an error only when no answer came.
  Result<ForgeResponse> call(const std::string& method, const std::string& path, const Json& body = Json());

  // A Status for an answer that is not 2xx: "<forge> <what>: HTTP 422: <message>".
  Status error_for(const ForgeResponse& r, const std::string& what) const;

  const std::string& forge_name() const { return name_; }

 private:
  Result<ForgeResponse> call_once(const std::string& method, const std::string& path, const std::string& body,
                                  std::string& retry_after);

  std::string name_;
  int last_attempts_ = 0;  // attempts the last call() made, for error_for's message
  api::Url base_;
  api::Headers headers_;
  std::shared_ptr<api::HttpTransport> transport_;
  api::Backoff backoff_;
  CancelToken cancel_;
};

// "OWNER%2FNAME": a path segment as GitLab wants a project path.
std::string url_encode(const std::string& text);

}  // namespace agent::pr
