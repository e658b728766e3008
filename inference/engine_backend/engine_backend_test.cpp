// The engine backend on a tiny random checkpoint: a turn streams consistently with the
// response, a follow-up turn reuses the cached prefix, cancellation stops it.
#include "inference/engine_backend/engine_backend.h"

#include <gtest/gtest.h>

#include "common/fs.h"
#include "inference/engine/testing/tiny_checkpoint.h"

namespace agent {
namespace {

struct Recorder : StreamObserver {
  std::string reasoning, text;
  std::vector<ToolCall> calls;
  void on_reasoning_delta(std::string_view d) override { reasoning += d; }
  void on_text_delta(std::string_view d) override { text += d; }
  void on_tool_call(const ToolCall& c) override { calls.push_back(c); }
};

class EngineBackendTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir(std::move(TempDir::create("engine-backend-").value()));
    auto ck = engine::testing::shared_tiny_checkpoint("flash");
    ASSERT_TRUE(ck.ok()) << ck.status().to_string();
    EngineBackendOptions o;
    o.weights = ck->folder;
    o.threads = 2;
    o.max_context = 2048;
    o.default_max_tokens = 40;
    o.numerics = engine::Numerics::kExact;
    auto b = EngineBackend::open(o);
    ASSERT_TRUE(b.ok()) << b.status().to_string();
    backend_ = std::move(*b).release();
  }
  static void TearDownTestSuite() {
    delete backend_;
    delete dir_;
  }
  static TempDir* dir_;
  static EngineBackend* backend_;
};
TempDir* EngineBackendTest::dir_ = nullptr;
EngineBackend* EngineBackendTest::backend_ = nullptr;

TEST_F(EngineBackendTest, StreamsATurnAndReusesThePrefix) {
  Conversation conv;
  conv.append(Message::system("You are a coding agent."));
  conv.append(Message::user("Fix the failing test in main.py."));
  std::vector<ToolSpec> tools = {{"shell", "Run a command", Json::parse(R"({"type":"object"})"), true}};
  ModelRequest req;
  req.conversation = &conv;
  req.tools = &tools;
  req.reasoning = ReasoningMode::kHigh;
  CancelToken cancel;
  Recorder rec;
  auto r = backend_->complete(req, rec, cancel);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->message.role, Role::kAssistant);
  EXPECT_EQ(rec.reasoning, r->message.reasoning);
  EXPECT_EQ(rec.text, r->message.content);
  EXPECT_EQ(rec.calls, r->message.tool_calls);
  EXPECT_GT(r->usage.prompt_tokens, 20);
  std::printf("first turn: %lld prompt tokens, %lld generated\n", (long long)r->usage.prompt_tokens,
              (long long)r->usage.completion_tokens);
  EXPECT_EQ(r->usage.cached_tokens, 0);
  EXPECT_GT(r->usage.completion_tokens, 0);
  EXPECT_LE(r->usage.completion_tokens, 40);
  EXPECT_GT(r->usage.reasoning_tokens, 0);  // thinking mode starts in the reasoning
  // The next turn extends the conversation. With tools present nothing is dropped, so its
  // prompt starts with the previous prompt: at least that much is not prefilled again.
  conv.append(r->message);
  conv.append(Message::user("Now run the tests."));
  Recorder rec2;
  auto r2 = backend_->complete(req, rec2, cancel);
  ASSERT_TRUE(r2.ok()) << r2.status().to_string();
  EXPECT_GT(r2->usage.prompt_tokens, r->usage.prompt_tokens);
  EXPECT_GE(r2->usage.cached_tokens, r->usage.prompt_tokens);
  // Chat mode: no reasoning at all.
  req.reasoning = ReasoningMode::kOff;
  Recorder rec3;
  auto r3 = backend_->complete(req, rec3, cancel);
  ASSERT_TRUE(r3.ok());
  EXPECT_TRUE(r3->message.reasoning.empty());
  EXPECT_EQ(r3->usage.reasoning_tokens, 0);
}

TEST_F(EngineBackendTest, CancelStops) {
  Conversation conv;
  conv.append(Message::user("hello"));
  ModelRequest req;
  req.conversation = &conv;
  CancelToken cancel;
  cancel.cancel();
  Recorder rec;
  auto r = backend_->complete(req, rec, cancel);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
}

TEST(EngineBackendOpen, NeedsATokenizer) {
  auto dir = TempDir::create("engine-backend-");
  EngineBackendOptions o;
  o.weights = dir->path();
  auto b = EngineBackend::open(o);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("tokenizer.json"), std::string::npos) << b.status().message();
}

}  // namespace
}  // namespace agent
