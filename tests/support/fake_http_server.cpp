#include "tests/support/fake_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace agent::testing {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

int listen_ephemeral(uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 64) != 0) {
    throw std::runtime_error("bind/listen failed");
  }
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

// Waits for a connection or the wake pipe; -1 when woken (stopping).
int accept_or_wake(int listen_fd, int wake_fd) {
  pollfd p[2] = {{listen_fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
  while (::poll(p, 2, -1) < 0) {
  }
  if (p[1].revents != 0) return -1;
  return ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
}

void hard_reset(int fd) {
  linger l{1, 0};  // close with RST instead of FIN
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

}  // namespace

std::string FakeRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return "";
}

FakeResponse FakeResponse::text(int status, std::string content_type, std::string body) {
  FakeResponse r;
  r.status = status;
  r.headers = {{"Content-Type", std::move(content_type)}};
  r.pieces = {std::move(body)};
  r.chunked = false;
  return r;
}

SelfSignedCert make_self_signed_cert() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), static_cast<long>(::getpid()) + 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 7 * 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(x, key, EVP_sha256());
  auto to_pem = [](auto write) {
    BIO* bio = BIO_new(BIO_s_mem());
    write(bio);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string s(data, static_cast<size_t>(n));
    BIO_free(bio);
    return s;
  };
  SelfSignedCert c;
  c.cert_pem = to_pem([&](BIO* b) { PEM_write_bio_X509(b, x); });
  c.key_pem = to_pem([&](BIO* b) { PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); });
  X509_free(x);
  EVP_PKEY_free(key);
  return c;
}

// One accepted connection, plain or TLS.
struct FakeHttpServer::Conn {
  int fd = -1;
  SSL* ssl = nullptr;
  std::string buffer;  // bytes read but not consumed

  long read_some(char* buf, size_t n) {
    if (ssl) return SSL_read(ssl, buf, static_cast<int>(n));
    return ::recv(fd, buf, n, 0);
  }
  bool write_all(std::string_view data) {
    while (!data.empty()) {
      long w = ssl ? SSL_write(ssl, data.data(), static_cast<int>(data.size()))
                   : ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (w <= 0) return false;
      data.remove_prefix(static_cast<size_t>(w));
    }
    return true;
  }
  // Reads until `buffer` holds `n` bytes; false at EOF.
  bool fill(size_t n) {
    char tmp[65536];
    while (buffer.size() < n) {
      long r = read_some(tmp, sizeof tmp);
      if (r <= 0) return false;
      buffer.append(tmp, static_cast<size_t>(r));
    }
    return true;
  }
  bool read_head(std::string& head) {
    char tmp[65536];
    for (;;) {
      size_t end = buffer.find("\r\n\r\n");
      if (end != std::string::npos) {
        head = buffer.substr(0, end);
        buffer.erase(0, end + 4);
        return true;
      }
      long r = read_some(tmp, sizeof tmp);
      if (r <= 0) return false;
      buffer.append(tmp, static_cast<size_t>(r));
    }
  }
};

std::unique_ptr<FakeHttpServer> FakeHttpServer::start(Handler handler, std::optional<SelfSignedCert> tls) {
  ::signal(SIGPIPE, SIG_IGN);  // a client that gave up must not kill the test
  std::unique_ptr<FakeHttpServer> s(new FakeHttpServer());
  s->handler_ = std::move(handler);
  if (tls) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    BIO* cb = BIO_new_mem_buf(tls->cert_pem.data(), static_cast<int>(tls->cert_pem.size()));
    BIO* kb = BIO_new_mem_buf(tls->key_pem.data(), static_cast<int>(tls->key_pem.size()));
    X509* cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
    if (!cert || !key || SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1) {
      throw std::runtime_error("cannot load the test certificate");
    }
    X509_free(cert);
    EVP_PKEY_free(key);
    BIO_free(cb);
    BIO_free(kb);
    s->ssl_ctx_ = ctx;
  }
  s->listen_fd_ = listen_ephemeral(s->port_);
  if (::pipe2(s->wake_, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  s->acceptor_ = std::thread([p = s.get()] { p->accept_loop(); });
  return s;
}

FakeHttpServer::~FakeHttpServer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  cv_.notify_all();
  if (::write(wake_[1], "x", 1) < 0) {
  }
  if (acceptor_.joinable()) acceptor_.join();
  for (auto& t : threads_) t.join();
  ::close(listen_fd_);
  ::close(wake_[0]);
  ::close(wake_[1]);
  if (ssl_ctx_) SSL_CTX_free(static_cast<SSL_CTX*>(ssl_ctx_));
}

std::string FakeHttpServer::url() const {
  return std::string(ssl_ctx_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::vector<FakeRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

bool FakeHttpServer::sleep_for(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopping_.load(); });
}

void FakeHttpServer::accept_loop() {
  for (;;) {
    int fd = accept_or_wake(listen_fd_, wake_[0]);
    if (fd < 0) return;
    std::lock_guard lock(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    open_fds_.push_back(fd);
    int number = ++connections_;
    threads_.emplace_back([this, fd, number] { serve(fd, number); });
  }
}

void FakeHttpServer::serve(int fd, int number) {
  Conn c;
  c.fd = fd;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  bool ok = true;
  if (ssl_ctx_) {
    c.ssl = SSL_new(static_cast<SSL_CTX*>(ssl_ctx_));
    SSL_set_fd(c.ssl, fd);
    ok = SSL_accept(c.ssl) == 1;
  }
  while (ok && !stopping_ && serve_one(c, number)) {
  }
  if (c.ssl) SSL_free(c.ssl);
  std::lock_guard lock(mu_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  ::close(fd);
}

// Serves one request; false when the connection is to be closed.
bool FakeHttpServer::serve_one(Conn& c, int number) {
  std::string head;
  if (!c.read_head(head)) return false;
  FakeRequest req;
  req.connection = number;
  size_t line_end = head.find("\r\n");
  std::string line = head.substr(0, line_end);
  size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  req.method = line.substr(0, sp1);
  req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t e = head.find("\r\n", pos);
    std::string h = head.substr(pos, e == std::string::npos ? std::string::npos : e - pos);
    pos = e == std::string::npos ? head.size() : e + 2;
    size_t colon = h.find(':');
    if (colon == std::string::npos) continue;
    size_t v = h.find_first_not_of(' ', colon + 1);
    req.headers.emplace_back(h.substr(0, colon), v == std::string::npos ? "" : h.substr(v));
  }
  size_t length = req.header("Content-Length").empty() ? 0 : std::stoul(req.header("Content-Length"));
  if (!c.fill(length)) return false;
  req.body = c.buffer.substr(0, length);
  c.buffer.erase(0, length);
  {
    std::lock_guard lock(mu_);
    requests_.push_back(req);
  }
  FakeResponse r = handler_(req);
  return write_response(c, r);
}

bool FakeHttpServer::write_response(Conn& c, const FakeResponse& r) {
  std::string head = "HTTP/1.1 " + std::to_string(r.status) + " Fake\r\n";
  for (const auto& [k, v] : r.headers) head += k + ": " + v + "\r\n";
  if (r.chunked) {
    head += "Transfer-Encoding: chunked\r\n";
  } else {
    size_t n = 0;
    for (const auto& p : r.pieces) n += p.size();
    head += "Content-Length: " + std::to_string(n) + "\r\n";
  }
  if (r.close_connection) head += "Connection: close\r\n";
  head += "\r\n";
  if (r.delay_head.count() > 0 && !sleep_for(r.delay_head)) return false;
  if (!c.write_all(head)) return false;
  for (size_t i = 0; i < r.pieces.size(); ++i) {
    if (r.end != FakeResponse::End::kComplete && i >= r.end_after) break;
    if (i > 0 && r.gap.count() > 0 && !sleep_for(r.gap)) return false;
    const std::string& p = r.pieces[i];
    if (p.empty()) continue;
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", p.size());
    std::string frame = r.chunked ? size + p + "\r\n" : p;
    if (!c.write_all(frame)) return false;
  }
  switch (r.end) {
    case FakeResponse::End::kComplete:
      if (r.chunked && !c.write_all("0\r\n\r\n")) return false;
      return !r.close_connection && !r.silent_close;
    case FakeResponse::End::kReset:
      hard_reset(c.fd);
      return false;
    case FakeResponse::End::kClose:
      return false;  // closed without the terminating chunk: a body cut short
    case FakeResponse::End::kStall:
      sleep_for(r.stall);
      return false;
  }
  return false;
}

// --- CONNECT proxy ---

std::unique_ptr<FakeConnectProxy> FakeConnectProxy::start() {
  ::signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<FakeConnectProxy> p(new FakeConnectProxy());
  p->listen_fd_ = listen_ephemeral(p->port_);
  if (::pipe2(p->wake_, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  p->acceptor_ = std::thread([q = p.get()] { q->accept_loop(); });
  return p;
}

FakeConnectProxy::~FakeConnectProxy() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  if (::write(wake_[1], "x", 1) < 0) {
  }
  if (acceptor_.joinable()) acceptor_.join();
  for (auto& t : threads_) t.join();
  ::close(listen_fd_);
  ::close(wake_[0]);
  ::close(wake_[1]);
}

std::string FakeConnectProxy::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<std::string> FakeConnectProxy::targets() const {
  std::lock_guard lock(mu_);
  return targets_;
}

std::vector<std::string> FakeConnectProxy::auth_headers() const {
  std::lock_guard lock(mu_);
  return auth_;
}

void FakeConnectProxy::accept_loop() {
  for (;;) {
    int fd = accept_or_wake(listen_fd_, wake_[0]);
    if (fd < 0) return;
    std::lock_guard lock(mu_);
    open_fds_.push_back(fd);
    threads_.emplace_back([this, fd] { tunnel(fd); });
  }
}

void FakeConnectProxy::tunnel(int client) {
  std::string head;
  char buf[65536];
  while (head.find("\r\n\r\n") == std::string::npos) {
    long r = ::recv(client, buf, sizeof buf, 0);
    if (r <= 0) break;
    head.append(buf, static_cast<size_t>(r));
  }
  std::string target;
  if (head.rfind("CONNECT ", 0) == 0) target = head.substr(8, head.find(' ', 8) - 8);
  size_t auth = head.find("Proxy-Authorization: ");
  {
    std::lock_guard lock(mu_);
    targets_.push_back(target);
    if (auth != std::string::npos) auth_.push_back(head.substr(auth + 21, head.find("\r\n", auth) - auth - 21));
  }
  int upstream = -1;
  size_t colon = target.rfind(':');
  if (colon != std::string::npos) {
    upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(std::stoi(target.substr(colon + 1))));
    ::inet_pton(AF_INET, target.substr(0, colon) == "localhost" ? "127.0.0.1" : target.substr(0, colon).c_str(), &a.sin_addr);
    if (::connect(upstream, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(upstream);
      upstream = -1;
    }
  }
  std::string answer = upstream >= 0 ? "HTTP/1.1 200 Connection established\r\n\r\n" : "HTTP/1.1 502 Bad Gateway\r\n\r\n";
  ::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
  if (upstream >= 0) {
    {
      std::lock_guard lock(mu_);
      open_fds_.push_back(upstream);
    }
    pollfd p[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    bool open = true;
    while (open && !stopping_ && ::poll(p, 2, 200) >= 0) {
      for (int i = 0; i < 2 && open; ++i) {
        if (p[i].revents == 0) continue;
        long r = ::recv(p[i].fd, buf, sizeof buf, 0);
        if (r <= 0 || ::send(p[1 - i].fd, buf, static_cast<size_t>(r), MSG_NOSIGNAL) != r) open = false;
      }
    }
  }
  std::lock_guard lock(mu_);
  for (int fd : {client, upstream}) {
    if (fd < 0) continue;
    open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
    ::close(fd);
  }
}

}  // namespace agent::testing
