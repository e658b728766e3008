#include "tests/support/git_http_server.h"

#include <arpa/inet.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <optional>

extern char** environ;

namespace agent::testing {

// One accepted connection, plain or TLS.
struct GitConn {
  int fd = -1;
  SSL* ssl = nullptr;
  ssize_t read_some(char* buf, size_t n) {
    if (ssl == nullptr) return read(fd, buf, n);
    int r = SSL_read(ssl, buf, static_cast<int>(n));
    return r > 0 ? r : -1;
  }
  // MSG_NOSIGNAL: a client that hangs up early must not kill the test with SIGPIPE.
  void write_all(const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t w = ssl != nullptr ? SSL_write(ssl, data.data() + off, static_cast<int>(data.size() - off))
                                 : send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (w <= 0) return;
      off += static_cast<size_t>(w);
    }
  }
};

namespace {

const char* kBackend = "/usr/lib/git-core/git-http-backend";

std::string base64(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], t[v & 63]};
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {t[v >> 18], t[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], '='};
  }
  return out;
}

struct Request {
  std::string method, target, body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
    }
    return "";
  }
};


// Reads until `buf` holds `need` bytes (false at EOF).
bool fill(GitConn& c, std::string& buf, size_t need) {
  char tmp[65536];
  while (buf.size() < need) {
    ssize_t r = c.read_some(tmp, sizeof tmp);
    if (r <= 0) return false;
    buf.append(tmp, static_cast<size_t>(r));
  }
  return true;
}

bool read_line(GitConn& c, std::string& buf, size_t& pos, std::string& line) {
  size_t eol;
  while ((eol = buf.find("\r\n", pos)) == std::string::npos) {
    if (!fill(c, buf, buf.size() + 1)) return false;
  }
  line = buf.substr(pos, eol - pos);
  pos = eol + 2;
  return true;
}

std::optional<Request> read_request(GitConn& fd) {
  std::string buf;
  size_t pos = 0;
  std::string line;
  Request r;
  if (!read_line(fd, buf, pos, line)) return std::nullopt;
  size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  if (sp1 == std::string::npos || sp2 == sp1) return std::nullopt;
  r.method = line.substr(0, sp1);
  r.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  while (read_line(fd, buf, pos, line) && !line.empty()) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    size_t v = line.find_first_not_of(' ', colon + 1);
    r.headers.emplace_back(line.substr(0, colon), v == std::string::npos ? "" : line.substr(v));
  }
  if (strcasecmp(r.header("Transfer-Encoding").c_str(), "chunked") == 0) {
    for (;;) {
      if (!read_line(fd, buf, pos, line)) return std::nullopt;
      size_t n = std::strtoul(line.c_str(), nullptr, 16);
      if (!fill(fd, buf, pos + n + 2)) return std::nullopt;
      r.body += buf.substr(pos, n);
      pos += n + 2;
      if (n == 0) break;
    }
  } else if (!r.header("Content-Length").empty()) {
    size_t n = std::stoul(r.header("Content-Length"));
    if (!fill(fd, buf, pos + n)) return std::nullopt;
    r.body = buf.substr(pos, n);
  }
  return r;
}

void write_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t w = write(fd, data.data() + off, data.size() - off);
    if (w <= 0) return;
    off += static_cast<size_t>(w);
  }
}

// Runs git-http-backend for one request and returns its CGI output (headers, blank line, body).
std::string run_backend(const std::filesystem::path& root, const Request& r, const std::string& user) {
  char body_path[] = "/tmp/agent-git-http-XXXXXX";
  int body_fd = mkstemp(body_path);
  write_all(body_fd, r.body);
  lseek(body_fd, 0, SEEK_SET);
  size_t q = r.target.find('?');
  std::vector<std::string> env_storage = {
      "GIT_PROJECT_ROOT=" + root.string(), "GIT_HTTP_EXPORT_ALL=1",
      "REQUEST_METHOD=" + r.method, "PATH_INFO=" + r.target.substr(0, q),
      "QUERY_STRING=" + (q == std::string::npos ? std::string() : r.target.substr(q + 1)),
      "CONTENT_TYPE=" + r.header("Content-Type"), "CONTENT_LENGTH=" + std::to_string(r.body.size()),
      "REMOTE_ADDR=127.0.0.1", "REMOTE_USER=" + (user.empty() ? std::string("anonymous") : user),
      "HTTP_CONTENT_ENCODING=" + r.header("Content-Encoding"), "GIT_CONFIG_NOSYSTEM=1",
      "HOME=" + root.string(), "PATH=/usr/bin:/bin",
      // Pushes are allowed to anyone who got past the auth check above.
      "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=http.receivepack", "GIT_CONFIG_VALUE_0=true"};
  std::vector<char*> env;
  for (auto& e : env_storage) env.push_back(e.data());
  env.push_back(nullptr);
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) std::abort();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, body_fd, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  char* argv[] = {const_cast<char*>(kBackend), nullptr};
  pid_t pid = 0;
  int rc = posix_spawn(&pid, kBackend, &fa, nullptr, argv, env.data());
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);
  close(body_fd);
  unlink(body_path);
  std::string output;
  if (rc == 0) {
    char tmp[65536];
    ssize_t n;
    while ((n = read(out[0], tmp, sizeof tmp)) > 0) output.append(tmp, static_cast<size_t>(n));
    int status = 0;
    waitpid(pid, &status, 0);
  }
  close(out[0]);
  return output;
}

std::string http_response(const std::string& cgi) {
  size_t split = cgi.find("\r\n\r\n");
  size_t skip = 4;
  if (split == std::string::npos) {
    split = cgi.find("\n\n");
    skip = 2;
  }
  if (split == std::string::npos) return "HTTP/1.1 500 Backend Failed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  std::string head = cgi.substr(0, split), body = cgi.substr(split + skip);
  std::string status = "200 OK", headers;
  size_t pos = 0;
  while (pos < head.size()) {
    size_t eol = head.find('\n', pos);
    std::string line = head.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    pos = eol == std::string::npos ? head.size() : eol + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("Status:", 0) == 0) {
      status = line.substr(line.find_first_not_of(' ', 7));
    } else if (!line.empty()) {
      headers += line + "\r\n";
    }
  }
  return "HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

// A server context holding `tls`'s certificate and key; null when they do not load.
SSL_CTX* make_ssl_ctx(const SelfSignedCert& tls) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  BIO* cb = BIO_new_mem_buf(tls.cert_pem.data(), static_cast<int>(tls.cert_pem.size()));
  BIO* kb = BIO_new_mem_buf(tls.key_pem.data(), static_cast<int>(tls.key_pem.size()));
  X509* cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
  bool ok = cert && key && SSL_CTX_use_certificate(ctx, cert) == 1 && SSL_CTX_use_PrivateKey(ctx, key) == 1;
  X509_free(cert);
  EVP_PKEY_free(key);
  BIO_free(cb);
  BIO_free(kb);
  if (!ok) {
    SSL_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

}  // namespace

std::unique_ptr<GitHttpServer> GitHttpServer::start(std::filesystem::path root, std::string user,
                                                    std::string token, std::optional<SelfSignedCert> tls) {
  std::unique_ptr<GitHttpServer> s(new GitHttpServer());
  if (tls && (s->ssl_ctx_ = make_ssl_ctx(*tls)) == nullptr) return nullptr;
  s->root_ = std::move(root);
  s->user_ = std::move(user);
  s->token_ = std::move(token);
  s->listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(s->listen_fd_, 16) != 0 ||
      getsockname(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
      pipe2(s->wake_, O_CLOEXEC) != 0) {
    return nullptr;
  }
  s->port_ = ntohs(addr.sin_port);
  s->acceptor_ = std::thread([p = s.get()] { p->accept_loop(); });
  return s;
}

GitHttpServer::~GitHttpServer() {
  stopping_ = true;
  if (wake_[1] >= 0) write_all(wake_[1], "x");
  if (acceptor_.joinable()) acceptor_.join();
  for (int fd : {listen_fd_, wake_[0], wake_[1]}) {
    if (fd >= 0) close(fd);
  }
  if (ssl_ctx_ != nullptr) SSL_CTX_free(static_cast<SSL_CTX*>(ssl_ctx_));
}

std::string GitHttpServer::url(const std::string& repo) const {
  std::string host = ssl_ctx_ != nullptr ? "https://localhost:" : "http://127.0.0.1:";
  return host + std::to_string(port_) + "/" + repo;
}

std::vector<std::string> GitHttpServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return log_;
}

void GitHttpServer::accept_loop() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) <= 0 || (fds[1].revents & POLLIN)) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    serve(fd);
    close(fd);
  }
}

void GitHttpServer::serve(int fd) {
  GitConn c;
  c.fd = fd;
  if (ssl_ctx_ != nullptr) {
    c.ssl = SSL_new(static_cast<SSL_CTX*>(ssl_ctx_));
    SSL_set_fd(c.ssl, fd);
    if (SSL_accept(c.ssl) != 1) {  // e.g. the client did not trust the certificate
      SSL_free(c.ssl);
      return;
    }
  }
  serve_conn(c);
  if (c.ssl != nullptr) {
    SSL_shutdown(c.ssl);
    SSL_free(c.ssl);
  }
}

void GitHttpServer::serve_conn(GitConn& c) {
  auto req = read_request(c);
  if (!req) return;
  std::string response;
  std::string auth = req->header("Authorization");
  if (!token_.empty() && auth != "Basic " + base64(user_ + ":" + token_)) {
    if (!auth.empty()) ++rejected_;
    std::string body = "Authentication required\n";
    response = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"git\"\r\nContent-Type: "
               "text/plain\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  } else {
    response = http_response(run_backend(root_, *req, user_));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    log_.push_back(req->method + " " + req->target + " -> " + response.substr(9, 3));
  }
  c.write_all(response);
}

}  // namespace agent::testing
