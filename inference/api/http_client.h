// HTTP/1.1 client for the model APIs: HTTPS with the system CA store (OpenSSL), one kept-alive
// connection reused across requests, CONNECT through HTTP(S)_PROXY, and three timeouts
// (connect, first byte, idle gap between body bytes) so that a stalled stream fails fast.
//
// Owns: sockets, TLS, HTTP framing (chunked bodies), timeouts, cancellation. Knows nothing of
// SSE, JSON or any provider: the response head and body bytes go to an HttpBodySink as they
// arrive. Boost.Beast / Asio are confined to http_client.cpp (they are slow to compile).
// Errors: Unavailable for refused or reset connections and bodies cut short (retry may
// succeed), DeadlineExceeded for a timeout, Cancelled when the token fired, FailedPrecondition
// for a TLS certificate that is not trusted, InvalidArgument for a host that does not exist,
// and whatever Status the sink returned (the connection is then dropped).
// Thread-safety: one send() at a time per client.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/cancel.h"
#include "common/status.h"
#include "inference/api/url.h"

namespace agent::api {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup; "" when absent.
std::string_view find_header(const Headers& headers, std::string_view name);

struct HttpRequest {
  std::string method = "POST";
  Url url;
  Headers headers;  // Host, Content-Length and Connection are added by the client
  // The body as pieces written back to back (no copy of a long, cached history is made).
  // The owner keeps the pieces alive until send() returns.
  std::vector<std::string_view> body;

  size_t body_size() const;
};

struct HttpResponseHead {
  int status = 0;
  std::string reason;
  Headers headers;
};

// Receives one response as it streams. Returning a non-OK Status stops the exchange.
class HttpBodySink {
 public:
  virtual ~HttpBodySink() = default;
  virtual Status on_head(const HttpResponseHead& head) = 0;
  virtual Status on_data(std::string_view bytes) = 0;
};

// What the backends talk to: the real client, or an in-memory fake in tests and benchmarks.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual Status send(const HttpRequest& request, HttpBodySink& sink, const CancelToken& cancel) = 0;
};

struct HttpTimeouts {
  std::chrono::milliseconds connect{15000};     // DNS + TCP + proxy CONNECT + TLS handshake
  std::chrono::milliseconds first_byte{300000}; // request written + response head received
  std::chrono::milliseconds idle{120000};       // longest silence between two body reads
};

struct HttpClientOptions {
  HttpTimeouts timeouts;
  ProxySettings proxy;
  // Extra PEM file of trusted certificates, on top of the system store (which OpenSSL also
  // takes from SSL_CERT_FILE / SSL_CERT_DIR when set).
  std::string ca_file;
  std::string user_agent = "agent/0.1";
};

class HttpClient final : public HttpTransport {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient() override;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Status send(const HttpRequest& request, HttpBodySink& sink, const CancelToken& cancel) override;

  // Connections opened so far (tests check that keep-alive reuses them).
  int connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agent::api
