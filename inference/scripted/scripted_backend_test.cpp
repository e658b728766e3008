#include "inference/scripted/scripted_backend.h"

#include <gtest/gtest.h>

namespace agent {
namespace {

struct Recorder : StreamObserver {
  std::string reasoning, text;
  std::vector<ToolCall> calls;
  void on_reasoning_delta(std::string_view d) override { reasoning += d; }
  void on_text_delta(std::string_view d) override { text += d; }
  void on_tool_call(const ToolCall& c) override { calls.push_back(c); }
};

TEST(ScriptedBackend, ServesTurnsInOrderByTurnIndex) {
  auto b = ScriptedBackend::parse(
      R"({"reasoning":"r1","tool_calls":[{"name":"shell","arguments":{"command":"ls"}}]}
{"content":"done","usage":{"prompt_tokens":7,"completion_tokens":2}}
)",
      "s.jsonl");
  ASSERT_TRUE(b.ok()) << b.status().to_string();
  Conversation conv;
  ModelRequest req;
  req.conversation = &conv;
  CancelToken cancel;
  Recorder rec;
  auto r1 = b->complete(req, rec, cancel);
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->message.reasoning, "r1");
  ASSERT_EQ(r1->message.tool_calls.size(), 1u);
  EXPECT_EQ(r1->message.tool_calls[0].id, "call_1_1");
  EXPECT_EQ(r1->message.tool_calls[0].arguments, R"({"command":"ls"})");
  EXPECT_EQ(r1->stop_reason, StopReason::kToolCalls);
  EXPECT_EQ(rec.reasoning, "r1");
  EXPECT_EQ(rec.calls.size(), 1u);

  req.turn_index = 1;
  auto r2 = b->complete(req, rec, cancel);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->message.content, "done");
  EXPECT_EQ(r2->usage.prompt_tokens, 7);

  req.turn_index = 2;
  auto r3 = b->complete(req, rec, cancel);
  ASSERT_FALSE(r3.ok());
  EXPECT_NE(r3.status().message().find("has 2 model turns"), std::string::npos);

  cancel.cancel();
  req.turn_index = 0;
  EXPECT_EQ(b->complete(req, rec, cancel).status().code(), StatusCode::kCancelled);
}

TEST(ScriptedBackend, BadLinesNameTheLine) {
  struct Case {
    const char* text;
    const char* expect;
  } cases[] = {
      {"{\"content\":\"a\"}\nnot json\n", "line 2"},
      {"[1,2]\n", "line 1: a model turn must be a JSON object"},
      {"{\"content\":1}\n", "\"content\" must be a string"},
      {"{\"tool_calls\":{}}\n", "must be a list"},
      {"{\"tool_calls\":[{\"arguments\":{}}]}\n", "missing required field \"name\""},
      {"{\"tool_calls\":[{\"name\":\"x\",\"arguments\":5}]}\n", "object or a string"},
      {"{\"usage\":{\"prompt_tokens\":\"x\"}}\n", "must be an integer"},
      {"{\"contnet\":\"typo\"}\n", "unknown field \"contnet\""},
      {"\n\n", "no model turns"},
  };
  for (const auto& c : cases) {
    auto b = ScriptedBackend::parse(c.text, "s.jsonl");
    ASSERT_FALSE(b.ok()) << c.text;
    EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(b.status().message().find(c.expect), std::string::npos)
        << b.status().message() << " should contain " << c.expect;
  }
}

TEST(ScriptedBackend, RawStringArgumentsKeptVerbatim) {
  auto b = ScriptedBackend::parse(R"({"tool_calls":[{"id":"x","name":"shell","arguments":"{\"command\": "}]})", "s");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->turns()[0].tool_calls[0].arguments, "{\"command\": ");
  EXPECT_EQ(b->turns()[0].tool_calls[0].id, "x");
}

}  // namespace
}  // namespace agent
