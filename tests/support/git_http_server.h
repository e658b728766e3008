// Test support: git's smart HTTP protocol on 127.0.0.1 (ephemeral port) for the bare
// repositories under a folder, served by git's own git-http-backend (CGI), the way GitHub and
// GitLab serve HTTPS remotes. With a token set, every request must carry
// "Authorization: Basic base64(user:token)"; without one the server answers 401 with a
// WWW-Authenticate challenge (which makes a client such as libgit2 ask for credentials).
// Plain HTTP, or HTTPS with a given certificate (url() then names "localhost", the name the
// test certificate is made for). One connection at a time, each closed after its response;
// request bodies may be chunked.
// Thread-safety: the accessors may be called from any thread while the server runs.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/fake_http_server.h"

namespace agent::testing {

struct GitConn;

class GitHttpServer {
 public:
  // `root` holds bare repositories ("remote.git"); user and token may be empty (no auth).
  static std::unique_ptr<GitHttpServer> start(std::filesystem::path root, std::string user,
                                              std::string token,
                                              std::optional<SelfSignedCert> tls = std::nullopt);
  ~GitHttpServer();
  GitHttpServer(const GitHttpServer&) = delete;
  GitHttpServer& operator=(const GitHttpServer&) = delete;

  // http://127.0.0.1:PORT/<repo>, or https://localhost:PORT/<repo>
  std::string url(const std::string& repo) const;
  // "METHOD /path?query -> status" for every request, in order.
  std::vector<std::string> requests() const;
  // Requests that carried credentials the server refused.
  int rejected_credentials() const { return rejected_.load(); }

 private:
  GitHttpServer() = default;
  void accept_loop();
  void serve(int fd);
  void serve_conn(GitConn& c);

  std::filesystem::path root_;
  std::string user_, token_;
  void* ssl_ctx_ = nullptr;  // SSL_CTX*, with TLS
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> rejected_{0};
  mutable std::mutex mu_;
  std::vector<std::string> log_;
  std::thread acceptor_;
};

}  // namespace agent::testing
