// Test support: a scripted HTTP/1.1 server on 127.0.0.1 (ephemeral port, plain or TLS with a
// self-signed certificate made on the fly), a CONNECT proxy, and the faults a model server
// shows in practice: resets mid-body, bodies cut short, stalls, slow trickles.
// Each connection is served by its own thread; every request is recorded for assertions.
// Thread-safety: the accessors may be called from any thread while the server runs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace agent::testing {

struct FakeRequest {
  std::string method, target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int connection = 0;  // 1-based number of the connection it came on

  std::string header(std::string_view name) const;  // case-insensitive; "" when absent
};

struct FakeResponse {
  enum class End { kComplete, kReset, kClose, kStall };

  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string> pieces;          // body pieces, each written and flushed on its own
  std::chrono::milliseconds gap{0};         // pause before every piece but the first
  bool chunked = true;                      // else Content-Length
  bool close_connection = false;            // send "Connection: close" and close after
  bool silent_close = false;                // close after the answer without saying so
  std::chrono::milliseconds delay_head{0};  // silence before the status line
  End end = End::kComplete;                 // fault after `end_after` pieces
  size_t end_after = 0;
  std::chrono::milliseconds stall{0};       // kStall: silence before the connection is closed

  static FakeResponse text(int status, std::string content_type, std::string body);
};

struct SelfSignedCert {
  std::string cert_pem, key_pem;
};
// An EC P-256 certificate for CN=localhost, subjectAltName IP:127.0.0.1 and DNS:localhost.
SelfSignedCert make_self_signed_cert();

class FakeHttpServer {
 public:
  using Handler = std::function<FakeResponse(const FakeRequest&)>;

  static std::unique_ptr<FakeHttpServer> start(Handler handler, std::optional<SelfSignedCert> tls = std::nullopt);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  uint16_t port() const { return port_; }
  std::string url() const;  // http(s)://127.0.0.1:PORT
  std::vector<FakeRequest> requests() const;
  int connections() const { return connections_.load(); }

 private:
  struct Conn;
  FakeHttpServer() = default;
  void accept_loop();
  void serve(int fd, int number);
  bool serve_one(Conn& c, int number);
  bool write_response(Conn& c, const FakeResponse& r);
  bool sleep_for(std::chrono::milliseconds d);  // false when stopping

  Handler handler_;
  void* ssl_ctx_ = nullptr;  // SSL_CTX*
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mu_;
  std::vector<FakeRequest> requests_;
  std::vector<int> open_fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
  std::condition_variable cv_;
};

// A CONNECT proxy: records each CONNECT target and tunnels bytes both ways.
class FakeConnectProxy {
 public:
  static std::unique_ptr<FakeConnectProxy> start();
  ~FakeConnectProxy();
  uint16_t port() const { return port_; }
  std::string url() const;  // http://127.0.0.1:PORT
  std::vector<std::string> targets() const;
  std::vector<std::string> auth_headers() const;  // Proxy-Authorization values seen

 private:
  FakeConnectProxy() = default;
  void accept_loop();
  void tunnel(int client);

  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::vector<std::string> targets_, auth_;
  std::vector<int> open_fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace agent::testing
