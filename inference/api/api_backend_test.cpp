// ApiBackend's attempt loop with an in-memory transport: retries, backoff, error mapping,
// model-name checks, secrets. (api_fault_test.cpp runs the same faults over real sockets.)
#include "inference/api/api_backend.h"

#include <gtest/gtest.h>

#include <deque>
#include <thread>

#include "common/logging.h"
#include "tests/support/fake_provider.h"

namespace agent::api {
namespace {

using namespace std::chrono_literals;

// One canned exchange: an HTTP answer, or a transport failure after some body pieces.
struct Canned {
  int status = 200;
  Headers headers = {{"Content-Type", "text/event-stream"}};
  std::vector<std::string> pieces;
  Status fail_after_pieces = ok_status();
};

class FakeTransport final : public HttpTransport {
 public:
  explicit FakeTransport(std::deque<Canned> answers) : answers_(std::move(answers)) {}
  Status send(const HttpRequest& req, HttpBodySink& sink, const CancelToken&) override {
    requests.push_back(req);
    bodies.emplace_back();
    for (auto p : req.body) bodies.back().append(p);
    if (answers_.empty()) return unavailable("no canned answer left");
    Canned c = std::move(answers_.front());
    answers_.pop_front();
    AGENT_RETURN_IF_ERROR(sink.on_head(HttpResponseHead{c.status, "", c.headers}));
    for (const auto& p : c.pieces) AGENT_RETURN_IF_ERROR(sink.on_data(p));
    return c.fail_after_pieces;
  }
  std::vector<HttpRequest> requests;
  std::vector<std::string> bodies;

 private:
  std::deque<Canned> answers_;
};

struct Observer : StreamObserver {
  std::string text;
  std::vector<ToolCall> calls;
  std::vector<std::pair<int, double>> retries;
  std::vector<Status> reasons;
  void on_text_delta(std::string_view d) override { text += d; }
  void on_tool_call(const ToolCall& c) override { calls.push_back(c); }
  void on_retry(int attempt, const Status& why, double delay) override {
    retries.emplace_back(attempt, delay);
    reasons.push_back(why);
  }
};

Canned good_stream() {
  testing::FakeTurn t;
  t.content = "all done";
  t.calls = {ToolCall{"c1", "shell", R"({"command":"ls"})"}};
  return Canned{200, {{"Content-Type", "text/event-stream"}}, testing::openai_events(t), ok_status()};
}

Canned error(int status, std::string body, Headers extra = {}) {
  Canned c;
  c.status = status;
  c.headers = {{"Content-Type", "application/json"}};
  for (auto& h : extra) c.headers.push_back(h);
  c.pieces = {std::move(body)};
  return c;
}

struct Harness {
  explicit Harness(std::deque<Canned> answers, std::string base = "https://api.deepseek.com", RetryPolicy retry = {4, 0.001, 0.01, 5}) {
    auto t = std::make_unique<FakeTransport>(std::move(answers));
    transport = t.get();
    ApiBackendOptions o;
    o.base_url = base;
    o.api_key = "sk-test-abcdef0123456789";
    o.retry = retry;
    o.jitter_seed = 7;
    auto b = ApiBackend::create(o, std::move(t));
    EXPECT_TRUE(b.ok()) << b.status().to_string();
    backend = std::move(*b);
    conversation.append(Message::user("fix it"));
  }
  Result<ModelResponse> run(std::string model = "deepseek-v4-pro") {
    ModelRequest r;
    r.conversation = &conversation;
    r.model = std::move(model);
    r.max_tokens = 1000;
    return backend->complete(r, observer, cancel);
  }
  FakeTransport* transport = nullptr;
  std::unique_ptr<ApiBackend> backend;
  Conversation conversation;
  Observer observer;
  CancelToken cancel;
};

TEST(ApiBackendTest, RetriesTransientFailuresAndDeliversToolCallsOnce) {
  Canned cut = good_stream();
  cut.pieces.resize(cut.pieces.size() / 2 + 3);  // the call's head arrived, then the link broke
  cut.fail_after_pieces = unavailable("reading the response: the server closed or reset the connection");
  Harness h({error(503, R"({"error":{"message":"Server Overloaded","type":"server_error"}})"), cut, good_stream()});
  auto r = h.run();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->retries, 2);
  EXPECT_EQ(r->message.content, "all done");
  ASSERT_EQ(h.observer.retries.size(), 2u);
  EXPECT_EQ(h.observer.retries[0].first, 1);
  EXPECT_NE(h.observer.reasons[0].message().find("Server Overloaded"), std::string::npos);
  EXPECT_EQ(h.observer.calls.size(), 1u) << "tool calls are handed over with the complete answer only";
  EXPECT_EQ(h.transport->requests.size(), 3u);
  EXPECT_EQ(h.transport->bodies[0], h.transport->bodies[2]) << "a retry sends the same bytes";
  EXPECT_EQ(h.transport->requests[0].url.path, "/v1/chat/completions");
}

TEST(ApiBackendTest, HonoursRetryAfterAndItsBudget) {
  Harness h({error(429, R"({"error":{"message":"Rate Limit Reached"}})", {{"Retry-After", "0.05"}}), good_stream()});
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(h.run().ok());
  ASSERT_EQ(h.observer.retries.size(), 1u);
  EXPECT_DOUBLE_EQ(h.observer.retries[0].second, 0.05);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 50ms);

  Harness far({error(429, "{}", {{"Retry-After", "3600"}}), good_stream()});
  auto r = far.run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("retry budget"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("as the server asked"), std::string::npos);
  EXPECT_EQ(far.transport->requests.size(), 1u);
}

TEST(ApiBackendTest, GivesUpAfterMaxAttemptsWithTheLastError) {
  Harness h({error(500, "boom"), error(500, "boom"), error(502, "<html>bad gateway</html>"), error(500, "x")},
            "https://api.deepseek.com", RetryPolicy{3, 0.001, 0.002, 5});
  auto r = h.run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("failed 3 attempts"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("bad gateway"), std::string::npos) << r.status().message();
  EXPECT_EQ(h.transport->requests.size(), 3u);
}

TEST(ApiBackendTest, ClientErrorsAreNotRetriedAndSayWhatToDo) {
  struct Case {
    int status;
    StatusCode code;
    std::string says;
  };
  for (const auto& c : {Case{401, StatusCode::kUnauthenticated, "DEEPSEEK_API_KEY"},
                        Case{402, StatusCode::kPermissionDenied, "Top up"},
                        Case{400, StatusCode::kInvalidArgument, "Check --model"},
                        Case{422, StatusCode::kInvalidArgument, "parameters"},
                        Case{404, StatusCode::kInvalidArgument, "--base-url"}}) {
    SCOPED_TRACE(c.status);
    // The provider echoing the key must not leak it into our messages.
    Harness h({error(c.status, R"({"error":{"message":"provider says no to sk-test-abcdef0123456789","type":"invalid_request_error"}})")});
    auto r = h.run();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code);
    EXPECT_NE(r.status().message().find(c.says), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("provider says no"), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find("sk-test-abcdef0123456789"), std::string::npos) << r.status().message();
    EXPECT_EQ(h.transport->requests.size(), 1u);
  }
}

TEST(ApiBackendTest, ModelNamesCheckedBeforeAnyRequest) {
  Harness h({good_stream()});
  auto r = h.run("deepseek-chat");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("deepseek-v4-flash --reasoning off"), std::string::npos) << r.status().message();
  auto r2 = h.run("deepseek-reasoner");
  EXPECT_NE(r2.status().message().find("deepseek-v4-flash --reasoning high"), std::string::npos);
  auto r3 = h.run("gpt-4o");
  EXPECT_NE(r3.status().message().find("deepseek-v4-pro"), std::string::npos);
  EXPECT_EQ(h.transport->requests.size(), 0u);
  Harness local({good_stream()}, "http://127.0.0.1:8000/v1");
  EXPECT_TRUE(local.run("Qwen/Qwen3-Coder").ok()) << "other servers take any model name";
  EXPECT_EQ(local.transport->requests[0].url.path, "/v1/chat/completions");
  EXPECT_EQ(local.backend->server(), ServerKind::kVllm);
}

TEST(ApiBackendTest, NonStreamingAnswerIsAConfigurationError) {
  Harness h({error(200, R"({"choices":[]})")});
  auto r = h.run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("event stream"), std::string::npos);
}

TEST(ApiBackendTest, CancelDuringBackoffStopsAtOnce) {
  Harness h({error(503, "x"), good_stream()}, "https://api.deepseek.com", RetryPolicy{4, 30, 60, 600});
  std::thread t([&] {
    std::this_thread::sleep_for(100ms);
    h.cancel.cancel();
  });
  auto t0 = std::chrono::steady_clock::now();
  auto r = h.run();
  t.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

TEST(ApiBackendTest, AuthHeadersPerFormatAndBadOptions) {
  Harness h({good_stream()});
  ASSERT_TRUE(h.run().ok());
  EXPECT_EQ(find_header(h.transport->requests[0].headers, "authorization"), "Bearer sk-test-abcdef0123456789");
  EXPECT_EQ(redact("key sk-test-abcdef0123456789 here"), "key [REDACTED] here");

  ApiBackendOptions o;
  o.format = "anthropic";
  o.base_url = default_base_url("anthropic");
  o.api_key = "anthropic-format-key-0123";
  o.retry.max_attempts = 1;
  auto t = std::make_unique<FakeTransport>(std::deque<Canned>{});
  FakeTransport* tp = t.get();
  auto b = ApiBackend::create(o, std::move(t));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->endpoint().path, "/anthropic/v1/messages");
  Conversation c;
  c.append(Message::user("x"));
  ModelRequest req;
  req.conversation = &c;
  req.model = "deepseek-v4-flash";
  Observer obs;
  CancelToken cancel;
  (void)(*b)->complete(req, obs, cancel);
  ASSERT_FALSE(tp->requests.empty());
  EXPECT_EQ(find_header(tp->requests[0].headers, "x-api-key"), "anthropic-format-key-0123");
  EXPECT_FALSE(find_header(tp->requests[0].headers, "anthropic-version").empty());

  ApiBackendOptions bad;
  bad.format = "grpc";
  EXPECT_EQ(ApiBackend::create(bad).status().code(), StatusCode::kInvalidArgument);
  bad.format = "openai";
  bad.base_url = "api.deepseek.com";
  auto r = ApiBackend::create(bad);
  EXPECT_NE(r.status().message().find("--base-url"), std::string::npos);
}

}  // namespace
}  // namespace agent::api
