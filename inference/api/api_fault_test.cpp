// Every fault a model server shows, injected by a fake provider on 127.0.0.1 (plain HTTP and
// TLS), in both wire formats, through the real HTTP client: the turn either completes after
// retries with exactly the answer the server meant, or fails with a clear error.
#include <gtest/gtest.h>

#include "common/fs.h"
#include "inference/api/api_backend.h"
#include "tests/support/fake_provider.h"

namespace agent::api {
namespace {

using namespace std::chrono_literals;
using testing::Fault;
using testing::FakeProvider;
using testing::FakeTurn;
using testing::Format;

struct Seen : StreamObserver {
  int retries = 0;
  std::vector<std::string> why;
  void on_retry(int, const Status& s, double) override {
    ++retries;
    why.push_back(s.message());
  }
};

FakeTurn parallel_turn() {
  FakeTurn t;
  t.reasoning = "I need to look at two files before changing anything.";
  t.content = "Reading both files.";
  t.calls = {ToolCall{"call_a", "read_file", R"({"path":"src/main.c"})"},
             ToolCall{"call_b", "shell", R"({"command":"grep -rn parse_args src"})"}};
  t.usage = Usage{12000, 11000, 300, 120};
  return t;
}

std::unique_ptr<ApiBackend> make_backend(const FakeProvider& p, Format f, const std::string& ca_file = "",
                                         RetryPolicy retry = {4, 0.001, 0.005, 10}) {
  ApiBackendOptions o;
  o.format = f == Format::kOpenAI ? "openai" : "anthropic";
  o.base_url = p.base_url() + (f == Format::kAnthropic ? "/anthropic" : "");
  o.api_key = "sk-fault-test-0123456789abcdef";
  o.server = ServerKind::kDeepSeek;
  o.retry = retry;
  o.http.timeouts = {2000ms, 2000ms, 250ms};
  o.http.ca_file = ca_file;
  auto b = ApiBackend::create(o);
  EXPECT_TRUE(b.ok()) << b.status().to_string();
  return std::move(*b);
}

Result<ModelResponse> one_turn(ApiBackend& b, StreamObserver& obs) {
  Conversation c;
  c.append(Message::system("system prompt"));
  c.append(Message::user("Fix the parser."));
  ModelRequest r;
  r.conversation = &c;
  r.model = "deepseek-v4-pro";
  r.max_tokens = 8192;
  CancelToken cancel;
  return b.complete(r, obs, cancel);
}

void expect_parallel_turn(const ModelResponse& r) {
  FakeTurn t = parallel_turn();
  EXPECT_EQ(r.message.reasoning, t.reasoning);
  EXPECT_EQ(r.message.content, t.content);
  ASSERT_EQ(r.message.tool_calls.size(), 2u);
  EXPECT_EQ(r.message.tool_calls[0], t.calls[0]);
  EXPECT_EQ(r.message.tool_calls[1], t.calls[1]);
  EXPECT_EQ(r.stop_reason, StopReason::kToolCalls);
  EXPECT_EQ(r.usage.prompt_tokens, 12000);
  EXPECT_EQ(r.usage.cached_tokens, 11000);
  EXPECT_EQ(r.usage.completion_tokens, 300);
}

class FaultTest : public ::testing::TestWithParam<std::tuple<Format, Fault>> {};

TEST_P(FaultTest, RetriedThenCompletes) {
  auto [format, fault] = GetParam();
  auto p = FakeProvider::start(format, {parallel_turn()});
  p->inject(0, fault);
  p->set_trickle_gap(600ms);
  auto b = make_backend(*p, format);
  Seen seen;
  auto r = one_turn(*b, seen);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  expect_parallel_turn(*r);
  EXPECT_EQ(r->retries, 1);
  EXPECT_EQ(seen.retries, 1);
  EXPECT_EQ(p->requests().size(), 2u);
}

TEST_P(FaultTest, FailsClearlyWhenItNeverStops) {
  auto [format, fault] = GetParam();
  auto p = FakeProvider::start(format, {parallel_turn()});
  for (size_t i = 0; i < 3; ++i) p->inject(i, fault);
  p->set_trickle_gap(600ms);
  auto b = make_backend(*p, format, "", RetryPolicy{3, 0.001, 0.002, 10});
  Seen seen;
  auto r = one_turn(*b, seen);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().to_string();
  EXPECT_NE(r.status().message().find("failed 3 attempts"), std::string::npos) << r.status().message();
  EXPECT_EQ(seen.retries, 2);
}

std::string fault_case_name(const ::testing::TestParamInfo<std::tuple<Format, Fault>>& info) {
  static const char* kNames[] = {"None", "429", "429RetryAfter", "500", "503", "401", "402", "400", "ResetMidStream",
                                 "CutBeforeDone", "MalformedChunk", "SlowTrickle", "StreamError", "InsufficientResource"};
  return std::string(std::get<0>(info.param) == Format::kOpenAI ? "OpenAI_" : "Anthropic_") +
         kNames[static_cast<int>(std::get<1>(info.param))];
}

INSTANTIATE_TEST_SUITE_P(
    AllFaults, FaultTest,
    ::testing::Combine(::testing::Values(Format::kOpenAI, Format::kAnthropic),
                       ::testing::Values(Fault::k429, Fault::k500, Fault::k503, Fault::kResetMidStream,
                                         Fault::kCutBeforeDone, Fault::kMalformedChunk, Fault::kSlowTrickle,
                                         Fault::kStreamError, Fault::kInsufficientResource)),
    fault_case_name);

TEST(ApiFaultTest, RetryAfterHeaderIsHonoured) {
  auto p = FakeProvider::start(Format::kOpenAI, {parallel_turn()});
  p->inject(0, Fault::k429RetryAfter);
  auto b = make_backend(*p, Format::kOpenAI);
  struct Delay : StreamObserver {
    double delay = -1;
    void on_retry(int, const Status&, double d) override { delay = d; }
  } obs;
  auto t0 = std::chrono::steady_clock::now();
  auto r = one_turn(*b, obs);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_DOUBLE_EQ(obs.delay, 1.0);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 1s);
}

TEST(ApiFaultTest, BadKeyAndEmptyBalanceAreNotRetried) {
  for (Format f : {Format::kOpenAI, Format::kAnthropic}) {
    auto p = FakeProvider::start(f, {parallel_turn()});
    p->inject(0, Fault::k402);
    auto b = make_backend(*p, f);
    Seen seen;
    auto r = one_turn(*b, seen);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
    EXPECT_NE(r.status().message().find("Insufficient Balance"), std::string::npos) << r.status().message();
    p->expect_key("the-right-key-0000");
    auto r2 = one_turn(*b, seen);
    EXPECT_EQ(r2.status().code(), StatusCode::kUnauthenticated) << r2.status().to_string();
    EXPECT_EQ(p->requests().size(), 2u);
    EXPECT_EQ(seen.retries, 0);
  }
}

TEST(ApiFaultTest, TlsProviderWithTrustedCertificateAndConnectionReuse) {
  auto cert = testing::make_self_signed_cert();
  auto dir = TempDir::create("agent-ca-");
  ASSERT_TRUE(dir.ok());
  auto ca = dir->path() / "ca.pem";
  ASSERT_TRUE(write_file_atomic(ca, cert.cert_pem).ok());
  for (Format f : {Format::kOpenAI, Format::kAnthropic}) {
    auto p = FakeProvider::start(f, {parallel_turn()}, cert);
    auto b = make_backend(*p, f, ca.string());
    for (int i = 0; i < 3; ++i) {
      Seen seen;
      auto r = one_turn(*b, seen);
      ASSERT_TRUE(r.ok()) << r.status().to_string();
      expect_parallel_turn(*r);
    }
    EXPECT_EQ(p->connections(), 1) << "one TLS connection serves every request";
    auto untrusting = make_backend(*p, f);
    Seen seen;
    auto r = one_turn(*untrusting, seen);
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition) << r.status().to_string();
    EXPECT_EQ(seen.retries, 0);
  }
}

}  // namespace
}  // namespace agent::api
