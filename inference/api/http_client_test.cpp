// The HTTP client against a real local server: plain and TLS, keep-alive, proxies, timeouts,
// resets and cancellation.
#include "inference/api/http_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "common/fs.h"
#include "tests/support/fake_http_server.h"

namespace agent::api {
namespace {

using testing::FakeHttpServer;
using testing::FakeRequest;
using testing::FakeResponse;
using namespace std::chrono_literals;

struct Collect : HttpBodySink {
  HttpResponseHead head;
  std::string body;
  std::vector<std::string> reads;
  Status on_head(const HttpResponseHead& h) override {
    head = h;
    return ok_status();
  }
  Status on_data(std::string_view b) override {
    body.append(b);
    reads.emplace_back(b);
    return ok_status();
  }
};

HttpRequest post(const std::string& url, std::string_view body = "{}") {
  HttpRequest r;
  r.url = *parse_url(url + "/v1/echo", "test");
  r.headers = {{"Content-Type", "application/json"}};
  r.body = {body};
  return r;
}

FakeResponse ok_answer(std::string body = "hello") {
  FakeResponse r;
  r.headers = {{"Content-Type", "text/plain"}};
  r.pieces = {std::move(body)};
  return r;
}

HttpClientOptions fast(std::string ca_file = "") {
  HttpClientOptions o;
  o.timeouts = {1000ms, 1000ms, 300ms};
  o.ca_file = std::move(ca_file);
  return o;
}

TEST(HttpClientTest, PlainRequestBodyInPiecesAndKeepAlive) {
  auto server = FakeHttpServer::start([](const FakeRequest& r) { return ok_answer("got " + r.body); });
  HttpClient client(fast());
  CancelToken cancel;
  std::string big(3 << 20, 'x');
  for (int i = 0; i < 3; ++i) {
    Collect c;
    HttpRequest req = post(server->url());
    req.body = {"{\"a\":\"", big, "\"}"};
    ASSERT_TRUE(client.send(req, c, cancel).ok());
    EXPECT_EQ(c.head.status, 200);
    EXPECT_EQ(c.body, "got {\"a\":\"" + big + "\"}");
  }
  EXPECT_EQ(server->connections(), 1) << "keep-alive reuses the connection";
  EXPECT_EQ(client.connections_opened(), 1);
  auto reqs = server->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/v1/echo");
  EXPECT_EQ(reqs[0].header("Host"), "127.0.0.1:" + std::to_string(server->port()));
}

TEST(HttpClientTest, StreamsChunksAsTheyArrive) {
  auto server = FakeHttpServer::start([](const FakeRequest&) {
    FakeResponse r = ok_answer();
    r.pieces = {"one\n", "two\n", "three\n"};
    r.gap = 50ms;
    return r;
  });
  HttpClient client(fast());
  CancelToken cancel;
  Collect c;
  ASSERT_TRUE(client.send(post(server->url()), c, cancel).ok());
  EXPECT_EQ(c.body, "one\ntwo\nthree\n");
  EXPECT_GE(c.reads.size(), 3u) << "each piece is delivered when it arrives, not at the end";
}

TEST(HttpClientTest, ReconnectsWhenTheServerDroppedTheIdleConnection) {
  auto server = FakeHttpServer::start([](const FakeRequest&) {
    FakeResponse r = ok_answer();
    r.silent_close = true;
    return r;
  });
  HttpClient client(fast());
  CancelToken cancel;
  for (int i = 0; i < 3; ++i) {
    Collect c;
    Status s = client.send(post(server->url()), c, cancel);
    ASSERT_TRUE(s.ok()) << s.to_string();
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(server->requests().size(), 3u);
  EXPECT_EQ(server->connections(), 3);
}

TEST(HttpClientTest, TlsWithATrustedSelfSignedCertificate) {
  auto cert = testing::make_self_signed_cert();
  auto dir = TempDir::create("agent-tls-");
  ASSERT_TRUE(dir.ok());
  auto ca = dir->path() / "ca.pem";
  ASSERT_TRUE(write_file_atomic(ca, cert.cert_pem).ok());
  auto server = FakeHttpServer::start([](const FakeRequest& r) { return ok_answer("secure " + r.body); }, cert);
  ASSERT_EQ(server->url().substr(0, 8), "https://");
  HttpClient client(fast(ca.string()));
  CancelToken cancel;
  for (int i = 0; i < 2; ++i) {
    Collect c;
    Status s = client.send(post(server->url(), "{\"x\":1}"), c, cancel);
    ASSERT_TRUE(s.ok()) << s.to_string();
    EXPECT_EQ(c.body, "secure {\"x\":1}");
  }
  EXPECT_EQ(server->connections(), 1);

  HttpClient untrusting(fast());
  Collect c;
  Status s = untrusting.send(post(server->url()), c, cancel);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.to_string();
  EXPECT_NE(s.message().find("not trusted"), std::string::npos) << s.message();
}

TEST(HttpClientTest, HttpsThroughAConnectProxyAndNoProxy) {
  auto cert = testing::make_self_signed_cert();
  auto dir = TempDir::create("agent-tls-");
  auto ca = dir->path() / "ca.pem";
  ASSERT_TRUE(write_file_atomic(ca, cert.cert_pem).ok());
  auto server = FakeHttpServer::start([](const FakeRequest&) { return ok_answer("via proxy"); }, cert);
  auto proxy = testing::FakeConnectProxy::start();
  HttpClientOptions o = fast(ca.string());
  o.proxy.https_proxy = "http://user:s3cret-pass@127.0.0.1:" + std::to_string(proxy->port());
  CancelToken cancel;
  {
    HttpClient client(o);
    Collect c;
    Status s = client.send(post(server->url()), c, cancel);
    ASSERT_TRUE(s.ok()) << s.to_string();
    EXPECT_EQ(c.body, "via proxy");
    ASSERT_EQ(proxy->targets().size(), 1u);
    EXPECT_EQ(proxy->targets()[0], "127.0.0.1:" + std::to_string(server->port()));
    ASSERT_EQ(proxy->auth_headers().size(), 1u);
    EXPECT_EQ(proxy->auth_headers()[0], "Basic dXNlcjpzM2NyZXQtcGFzcw==");
  }
  o.proxy.no_proxy = "localhost,127.0.0.1";
  HttpClient direct(o);
  Collect c;
  ASSERT_TRUE(direct.send(post(server->url()), c, cancel).ok());
  EXPECT_EQ(proxy->targets().size(), 1u) << "NO_PROXY bypasses the proxy";
}

TEST(HttpClientTest, PlainHttpThroughAProxy) {
  auto server = FakeHttpServer::start([](const FakeRequest&) { return ok_answer("tunnelled"); });
  auto proxy = testing::FakeConnectProxy::start();
  HttpClientOptions o = fast();
  o.proxy.http_proxy = proxy->url();
  HttpClient client(o);
  CancelToken cancel;
  Collect c;
  ASSERT_TRUE(client.send(post(server->url()), c, cancel).ok());
  EXPECT_EQ(c.body, "tunnelled");
  EXPECT_EQ(proxy->targets().size(), 1u);
}

TEST(HttpClientTest, FirstByteAndIdleTimeouts) {
  auto server = FakeHttpServer::start([](const FakeRequest& r) {
    FakeResponse a = ok_answer();
    if (r.body == "slow-head") a.delay_head = 3000ms;
    if (r.body == "trickle") {
      a.pieces = {"a", "b", "c"};
      a.gap = 800ms;
    }
    return a;
  });
  HttpClient client(fast());
  CancelToken cancel;
  Collect c;
  auto t0 = std::chrono::steady_clock::now();
  Status s = client.send(post(server->url(), "slow-head"), c, cancel);
  EXPECT_EQ(s.code(), StatusCode::kDeadlineExceeded) << s.to_string();
  EXPECT_NE(s.message().find("nothing received for 1 s"), std::string::npos) << s.message();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2500ms);
  Collect d;
  s = client.send(post(server->url(), "trickle"), d, cancel);
  EXPECT_EQ(s.code(), StatusCode::kDeadlineExceeded) << s.to_string();
  EXPECT_EQ(d.body, "a");
  Collect e;
  EXPECT_TRUE(client.send(post(server->url(), "fine"), e, cancel).ok()) << "a timed-out connection is replaced";
}

TEST(HttpClientTest, ResetAndCutBodiesAreUnavailable) {
  auto server = FakeHttpServer::start([](const FakeRequest& r) {
    FakeResponse a = ok_answer();
    a.pieces = {"part1", "part2", "part3"};
    a.end_after = 1;
    a.end = r.body == "reset" ? FakeResponse::End::kReset : FakeResponse::End::kClose;
    return a;
  });
  HttpClient client(fast());
  CancelToken cancel;
  for (const char* mode : {"reset", "close"}) {
    Collect c;
    Status s = client.send(post(server->url(), mode), c, cancel);
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << mode << ": " << s.to_string();
    EXPECT_EQ(c.body, "part1");
  }
}

TEST(HttpClientTest, ConnectionRefusedAndUnknownHost) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  ::close(fd);  // nothing listens there now
  HttpClient client(fast());
  CancelToken cancel;
  Collect c;
  Status s = client.send(post("http://127.0.0.1:" + std::to_string(port)), c, cancel);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.to_string();
  Status h = client.send(post("http://no-such-host.invalid"), c, cancel);
  EXPECT_FALSE(h.ok());
  EXPECT_NE(h.message().find("no-such-host.invalid"), std::string::npos) << h.message();
}

TEST(HttpClientTest, CancellationStopsAPendingRequestAtOnce) {
  auto server = FakeHttpServer::start([](const FakeRequest&) {
    FakeResponse a = ok_answer();
    a.pieces = {"first", "never"};
    a.gap = 10000ms;
    return a;
  });
  HttpClientOptions o = fast();
  o.timeouts.idle = 30000ms;
  HttpClient client(o);
  CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    cancel.cancel();
  });
  Collect c;
  auto t0 = std::chrono::steady_clock::now();
  Status s = client.send(post(server->url()), c, cancel);
  canceller.join();
  EXPECT_EQ(s.code(), StatusCode::kCancelled) << s.to_string();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2000ms);
  EXPECT_EQ(c.body, "first");
}

TEST(HttpClientTest, RefusesHeaderInjection) {
  HttpClient client(fast());
  CancelToken cancel;
  Collect c;
  HttpRequest r = post("http://127.0.0.1:1");
  r.headers.emplace_back("Authorization", "Bearer key\r\nX-Evil: 1");
  Status s = client.send(r, c, cancel);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("Authorization"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("X-Evil"), std::string::npos) << "the value is not echoed";
}

}  // namespace
}  // namespace agent::api
