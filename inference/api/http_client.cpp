// The only translation unit that includes Boost.Beast / Asio (slow to compile): everything
// else sees http_client.h. Each network step is started asynchronously and the private
// io_context is run until that step's handler ran; beast::tcp_stream's per-operation expiry
// gives the timeouts, and a wait on the cancel token's eventfd (or a 50 ms poll when it has
// none) closes the socket so that the pending step ends at once.
#include "inference/api/http_client.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <optional>

#include "common/logging.h"

namespace agent::api {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using std::chrono::milliseconds;

std::string seconds_text(milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

std::string base64(std::string_view in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += {k[(v >> 18) & 63], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {k[(v >> 18) & 63], k[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {k[(v >> 18) & 63], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
  }
  return out;
}

bool closed_by_peer(const error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == http::error::end_of_stream ||
         ec == http::error::partial_message || ec == ssl::error::stream_truncated;
}

std::string host_header(const Url& u) {
  bool default_port = (u.tls() && u.port == 443) || (!u.tls() && u.port == 80);
  std::string h = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  return default_port ? h : h + ":" + std::to_string(u.port);
}

// One open connection: plain TCP, or TLS over TCP (possibly through a CONNECT tunnel).
struct Connection {
  std::string key;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

}  // namespace

std::string_view find_header(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && beast::iequals(k, name)) return v;
  }
  return {};
}

size_t HttpRequest::body_size() const {
  size_t n = 0;
  for (auto piece : body) n += piece.size();
  return n;
}

struct HttpClient::Impl {
  class CancelWatch;
  explicit Impl(HttpClientOptions o);

  Status connect(const Url& target, const std::optional<Url>& proxy, const std::string& key);
  Status tunnel(const Url& target, const Url& proxy);
  Status start_tls(const Url& target);
  Status exchange(const HttpRequest& req, HttpBodySink& sink, bool& answered);
  Status read_body(http::response_parser<http::buffer_body>& parser, HttpBodySink& sink, const Url& url);
  Status map_error(const error_code& ec, std::string_view phase, const Url& where, milliseconds limit);

  // Runs the io_context until `done` was set by the step's handler.
  void run_until(const bool& done) {
    ioc.restart();
    while (!done && ioc.run_one() > 0) {
    }
  }
  // Starts `op(handler)` on the connection's stream with `timeout` and waits for it.
  template <typename Op>
  error_code step(milliseconds timeout, Op&& op) {
    conn->lowest().expires_after(timeout);
    bool done = false;
    error_code result;
    auto handler = [&](error_code ec, std::size_t) {
      result = ec;
      done = true;
    };
    if (conn->secure) {
      op(*conn->secure, handler);
    } else {
      op(*conn->plain, handler);
    }
    run_until(done);
    return result;
  }
  void abort_connection() {
    cancel_fired = true;
    if (conn) conn->lowest().close();
  }

  HttpClientOptions opts;
  asio::io_context ioc;
  ssl::context tls{ssl::context::tls_client};
  Status tls_setup;
  std::unique_ptr<Connection> conn;
  int opened = 0;
  bool cancel_fired = false;
};

// Watches the cancel token for the duration of one send(): closes the connection when it fires.
class HttpClient::Impl::CancelWatch {
 public:
  CancelWatch(HttpClient::Impl& impl, const CancelToken& token)
      : impl_(impl), token_(token), desc_(impl.ioc), timer_(impl.ioc) {
    impl_.cancel_fired = false;
    int fd = token.fd() >= 0 ? ::dup(token.fd()) : -1;
    if (fd >= 0) {
      desc_.assign(fd);
      desc_.async_wait(asio::posix::descriptor_base::wait_read, [this](error_code ec) {
        if (!ec) impl_.abort_connection();
      });
    } else {
      arm_poll();
    }
  }
  ~CancelWatch() {
    error_code ignored;
    desc_.cancel(ignored);
    timer_.cancel();
    impl_.ioc.restart();
    impl_.ioc.poll();  // runs the aborted handlers, which point at this object
  }
  CancelWatch(const CancelWatch&) = delete;
  CancelWatch& operator=(const CancelWatch&) = delete;

 private:
  void arm_poll() {
    timer_.expires_after(milliseconds(50));
    timer_.async_wait([this](error_code ec) {
      if (ec) return;
      if (token_.cancelled()) {
        impl_.abort_connection();
      } else {
        arm_poll();
      }
    });
  }

  HttpClient::Impl& impl_;
  const CancelToken& token_;
  asio::posix::stream_descriptor desc_;
  asio::steady_timer timer_;
};

HttpClient::Impl::Impl(HttpClientOptions o) : opts(std::move(o)) {
  error_code ec;
  tls.set_default_verify_paths(ec);  // the system store, or SSL_CERT_FILE / SSL_CERT_DIR
  if (!ec && !opts.ca_file.empty()) {
    tls.load_verify_file(opts.ca_file, ec);
    if (ec) tls_setup = failed_precondition("CA file " + opts.ca_file + ": " + ec.message());
  } else if (ec) {
    tls_setup = failed_precondition("cannot load the system's trusted certificates: " + ec.message());
  }
  SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
  tls.set_verify_mode(ssl::verify_peer);
}

Status HttpClient::Impl::map_error(const error_code& ec, std::string_view phase, const Url& where,
                                   milliseconds limit) {
  if (cancel_fired) return cancelled("the request to " + where.authority() + " was cancelled");
  std::string what = std::string(phase) + " " + where.authority();
  if (ec == beast::error::timeout) {
    return deadline_exceeded(what + ": nothing received for " + seconds_text(limit));
  }
  if (closed_by_peer(ec)) return unavailable(what + ": the server closed or reset the connection");
  return unavailable(what + ": " + ec.message());
}

Status HttpClient::Impl::tunnel(const Url& target, const Url& proxy) {
  std::string req = "CONNECT " + target.authority() + " HTTP/1.1\r\nHost: " + target.authority() + "\r\n";
  if (!proxy.userinfo.empty()) {
    register_secret(proxy.userinfo);
    req += "Proxy-Authorization: Basic " + base64(proxy.userinfo) + "\r\n";
  }
  req += "\r\n";
  error_code ec = step(opts.timeouts.connect, [&](auto& s, auto h) { asio::async_write(s, asio::buffer(req), h); });
  if (ec) return map_error(ec, "sending CONNECT to proxy", proxy, opts.timeouts.connect);
  http::response_parser<http::empty_body> parser;
  parser.skip(true);  // a CONNECT answer has no body: the tunnel starts right after the head
  ec = step(opts.timeouts.connect, [&](auto& s, auto h) { http::async_read_header(s, conn->buffer, parser, h); });
  if (ec) return map_error(ec, "reading the CONNECT answer of proxy", proxy, opts.timeouts.connect);
  int status = parser.get().result_int();
  if (status / 100 != 2) {
    return unavailable("proxy " + proxy.authority() + " refused to connect to " + target.authority() +
                       ": HTTP " + std::to_string(status) + " " + std::string(parser.get().reason()) +
                       (status == 407 ? " (the proxy wants credentials: put them in the proxy URL)" : ""));
  }
  return ok_status();
}

Status HttpClient::Impl::start_tls(const Url& target) {
  AGENT_RETURN_IF_ERROR(tls_setup);
  conn->secure.emplace(std::move(*conn->plain), tls);
  conn->plain.reset();
  SSL* native = conn->secure->native_handle();
  SSL_set_tlsext_host_name(native, target.host.c_str());
  X509_VERIFY_PARAM* param = SSL_get0_param(native);
  error_code ip_ec;
  asio::ip::make_address(target.host, ip_ec);
  if (!ip_ec) {
    X509_VERIFY_PARAM_set1_ip_asc(param, target.host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, target.host.c_str(), target.host.size());
  }
  conn->lowest().expires_after(opts.timeouts.connect);
  bool done = false;
  error_code ec;
  conn->secure->async_handshake(ssl::stream_base::client, [&](error_code e) {
    ec = e;
    done = true;
  });
  run_until(done);
  if (!ec) return ok_status();
  long verify = SSL_get_verify_result(native);
  if (!cancel_fired && verify != X509_V_OK) {
    return failed_precondition("the TLS certificate of " + target.host + " is not trusted: " +
                               X509_verify_cert_error_string(verify) +
                               " (add its CA with SSL_CERT_FILE or the api.ca_file setting)");
  }
  return map_error(ec, "TLS handshake with", target, opts.timeouts.connect);
}

Status HttpClient::Impl::connect(const Url& target, const std::optional<Url>& proxy, const std::string& key) {
  const Url& hop = proxy ? *proxy : target;
  // DNS is resolved synchronously: its time is bounded by the system resolver's own timeouts.
  tcp::resolver resolver(ioc);
  error_code ec;
  auto endpoints = resolver.resolve(hop.host, std::to_string(hop.port), ec);
  if (ec) {
    if (ec == asio::error::host_not_found) {
      return invalid_argument("cannot resolve host \"" + hop.host + "\": no such host (check the base URL" +
                              std::string(proxy ? " and the proxy setting" : "") + ")");
    }
    return unavailable("cannot resolve host \"" + hop.host + "\": " + ec.message());
  }
  conn = std::make_unique<Connection>();
  conn->plain.emplace(ioc);
  conn->plain->expires_after(opts.timeouts.connect);
  bool done = false;
  conn->plain->async_connect(endpoints, [&](error_code e, const tcp::endpoint&) {
    ec = e;
    done = true;
  });
  run_until(done);
  if (ec) {
    Status s = map_error(ec, "connecting to", hop, opts.timeouts.connect);
    conn.reset();
    return s;
  }
  ++opened;
  conn->plain->socket().set_option(tcp::no_delay(true), ec);
  Status s = proxy ? tunnel(target, *proxy) : ok_status();
  if (s.ok() && target.tls()) s = start_tls(target);
  if (!s.ok()) {
    conn.reset();
    return s;
  }
  conn->key = key;
  return ok_status();
}

Status HttpClient::Impl::read_body(http::response_parser<http::buffer_body>& parser, HttpBodySink& sink,
                                   const Url& url) {
  char chunk[16384];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    error_code ec = step(opts.timeouts.idle, [&](auto& s, auto h) {
      http::async_read_some(s, conn->buffer, parser, h);
    });
    if (ec == http::error::need_buffer) ec = {};
    size_t got = sizeof chunk - parser.get().body().size;
    if (got > 0) AGENT_RETURN_IF_ERROR(sink.on_data(std::string_view(chunk, got)));
    if (ec) return map_error(ec, "reading the response from", url, opts.timeouts.idle);
  }
  return ok_status();
}

Status HttpClient::Impl::exchange(const HttpRequest& req, HttpBodySink& sink, bool& answered) {
  std::string head = req.method + " " + req.url.path + " HTTP/1.1\r\nHost: " + host_header(req.url) +
                     "\r\nContent-Length: " + std::to_string(req.body_size()) +
                     "\r\nConnection: keep-alive\r\nUser-Agent: " + opts.user_agent + "\r\n";
  for (const auto& [k, v] : req.headers) head += k + ": " + v + "\r\n";
  head += "\r\n";
  std::vector<asio::const_buffer> buffers{asio::buffer(head)};
  for (auto piece : req.body) buffers.emplace_back(piece.data(), piece.size());

  error_code ec = step(opts.timeouts.first_byte, [&](auto& s, auto h) { asio::async_write(s, buffers, h); });
  if (ec) return map_error(ec, "sending the request to", req.url, opts.timeouts.first_byte);
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  parser.header_limit(64 * 1024);
  ec = step(opts.timeouts.first_byte, [&](auto& s, auto h) { http::async_read_header(s, conn->buffer, parser, h); });
  if (ec) return map_error(ec, "waiting for the answer of", req.url, opts.timeouts.first_byte);
  answered = true;
  HttpResponseHead resp;
  resp.status = parser.get().result_int();
  resp.reason = std::string(parser.get().reason());
  for (const auto& field : parser.get()) resp.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  AGENT_RETURN_IF_ERROR(sink.on_head(resp));
  AGENT_RETURN_IF_ERROR(read_body(parser, sink, req.url));
  if (!parser.keep_alive()) conn.reset();
  return ok_status();
}

HttpClient::HttpClient(HttpClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpClient::~HttpClient() = default;

int HttpClient::connections_opened() const { return impl_->opened; }

Status HttpClient::send(const HttpRequest& req, HttpBodySink& sink, const CancelToken& cancel) {
  Impl& m = *impl_;
  if (cancel.cancelled()) return cancelled("the request to " + req.url.authority() + " was cancelled");
  for (const auto& [k, v] : req.headers) {
    if (k.find_first_of("\r\n:") != std::string::npos || v.find_first_of("\r\n") != std::string::npos) {
      return invalid_argument("HTTP header \"" + k + "\" holds a line break (check the API key's value)");
    }
  }
  AGENT_ASSIGN_OR_RETURN(std::optional<Url> proxy, proxy_for(req.url, m.opts.proxy));
  std::string key = req.url.scheme + "://" + req.url.authority() + (proxy ? " via " + proxy->authority() : "");
  Impl::CancelWatch watch(m, cancel);
  for (int attempt = 0;; ++attempt) {
    bool reused = m.conn && m.conn->key == key;
    if (!reused) {
      m.conn.reset();
      AGENT_RETURN_IF_ERROR(m.connect(req.url, proxy, key));
    }
    bool answered = false;
    Status s = m.exchange(req, sink, answered);
    if (!s.ok()) m.conn.reset();  // never reuse a connection in an unknown state
    // A kept-alive connection the server had already closed fails before any answer: that
    // is not a failed request, so it is sent again once on a fresh connection.
    if (s.ok() || answered || !reused || attempt > 0 || s.code() != StatusCode::kUnavailable) return s;
  }
}

}  // namespace agent::api
