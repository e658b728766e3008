#include "inference/api/format_test_util.h"
#include "tests/support/fake_provider.h"

namespace agent::api {
namespace {

using test::assistant;
using test::decode;
using test::join;
using test::Recorder;

ErrorContext ctx() { return ErrorContext{"api.test:443", "TEST_KEY", true}; }

std::string encode_body(WireFormat& f, const Conversation& c, ReasoningMode mode, int64_t max_tokens = 4096) {
  ModelRequest req;
  req.conversation = &c;
  req.model = "deepseek-v4-flash";
  req.reasoning = mode;
  req.max_tokens = max_tokens;
  std::vector<std::string_view> pieces;
  Status s = f.encode(req, pieces);
  EXPECT_TRUE(s.ok()) << s.to_string();
  return join(pieces);
}

TEST(AnthropicFormatTest, BlocksTurnsAndReasoningReplay) {
  Conversation c;
  c.append(Message::system("You are a coding agent."));
  c.append(Message::user("Fix the bug."));
  Message a1 = assistant("R1", "Looking.", {ToolCall{"t1", "shell", R"({"command":"ls"})"}, ToolCall{"t2", "read_file", "oops"}});
  a1.reasoning_signature = "sig-1";
  c.append(a1);
  c.append(Message::tool("t1", "shell", "a.c", false));
  c.append(Message::tool("t2", "read_file", "invalid call", true));
  c.append(assistant("R2", "Done."));
  c.append(Message::user("More."));
  auto f = make_anthropic_format(FormatOptions{ServerKind::kDeepSeek, 0, ctx()});
  Json j = Json::parse(encode_body(*f, c, ReasoningMode::kHigh));
  EXPECT_EQ(j["system"][0]["text"], "You are a coding agent.");
  const Json& m = j["messages"];
  ASSERT_EQ(m.size(), 5u) << m;  // user, assistant, user (2 results), assistant, user
  EXPECT_EQ(m[0]["role"], "user");
  EXPECT_EQ(m[1]["role"], "assistant");
  EXPECT_EQ(m[1]["content"][0], (Json{{"type", "thinking"}, {"thinking", "R1"}, {"signature", "sig-1"}}));
  EXPECT_EQ(m[1]["content"][1]["text"], "Looking.");
  EXPECT_EQ(m[1]["content"][2], (Json{{"type", "tool_use"}, {"id", "t1"}, {"name", "shell"}, {"input", {{"command", "ls"}}}}));
  EXPECT_EQ(m[1]["content"][3]["input"], (Json{{"invalid_json", "oops"}}));
  EXPECT_EQ(m[2]["role"], "user");
  ASSERT_EQ(m[2]["content"].size(), 2u);
  EXPECT_EQ(m[2]["content"][0], (Json{{"type", "tool_result"}, {"tool_use_id", "t1"}, {"content", "a.c"}}));
  EXPECT_EQ(m[2]["content"][1]["is_error"], true);
  EXPECT_EQ(m[3]["content"].size(), 1u) << "no thinking block for a turn without tool calls";
  EXPECT_EQ(m[3]["content"][0]["text"], "Done.");
  EXPECT_EQ(m[4]["content"][0]["text"], "More.");
  EXPECT_EQ(j["max_tokens"], 4096);
  EXPECT_EQ(j["thinking"]["type"], "enabled");
  EXPECT_EQ(j["output_config"]["effort"], "high");
}

TEST(AnthropicFormatTest, ReasoningModes) {
  Conversation c;
  c.append(Message::user("hi"));
  auto ds = make_anthropic_format(FormatOptions{ServerKind::kDeepSeek, 0, ctx()});
  Json off = Json::parse(encode_body(*ds, c, ReasoningMode::kOff));
  EXPECT_EQ(off["thinking"], (Json{{"type", "disabled"}}));
  EXPECT_FALSE(off.contains("output_config"));
  Json max = Json::parse(encode_body(*ds, c, ReasoningMode::kMax, 0));
  EXPECT_EQ(max["output_config"]["effort"], "max");
  EXPECT_EQ(max["max_tokens"], 65536);
  EXPECT_LT(max["thinking"]["budget_tokens"].get<int64_t>(), 65536);
  for (int64_t small : {2, 600, 1024, 1025, 5000}) {
    Json j = Json::parse(encode_body(*ds, c, ReasoningMode::kHigh, small));
    EXPECT_EQ(j["max_tokens"], small);
    EXPECT_LT(j["thinking"]["budget_tokens"].get<int64_t>(), small) << "budget must stay below max_tokens";
    EXPECT_GE(j["thinking"]["budget_tokens"].get<int64_t>(), std::min<int64_t>(1024, small - 1));
  }
  auto generic = make_anthropic_format(FormatOptions{ServerKind::kGeneric, 0, ctx()});
  Json g = Json::parse(encode_body(*generic, c, ReasoningMode::kHigh));
  EXPECT_EQ(g["thinking"]["type"], "enabled");
  EXPECT_FALSE(g.contains("output_config"));
}

TEST(AnthropicFormatTest, MessagesArePrefixStable) {
  Conversation c;
  c.append(Message::system("sys"));
  c.append(Message::user("issue"));
  auto f = make_anthropic_format(FormatOptions{ServerKind::kDeepSeek, 0, ctx()});
  std::string prev = encode_body(*f, c, ReasoningMode::kHigh);
  for (int turn = 0; turn < 10; ++turn) {
    std::string id = "t" + std::to_string(turn);
    c.append(assistant("r", "", {ToolCall{id, "shell", "{}"}, ToolCall{id + "b", "shell", "{}"}}));
    c.append(Message::tool(id, "shell", "out", false));
    c.append(Message::tool(id + "b", "shell", "out", false));
    std::string next = encode_body(*f, c, ReasoningMode::kHigh, 4096 - turn);
    std::string a = testing::messages_bytes(prev), b = testing::messages_bytes(next);
    a.pop_back();
    ASSERT_EQ(b.compare(0, a.size(), a), 0) << turn;
    prev = next;
  }
}

TEST(AnthropicFormatTest, RefusesAConversationStartingWithTheAssistant) {
  Conversation c;
  c.append(assistant("", "hello"));
  auto f = make_anthropic_format(FormatOptions{ServerKind::kDeepSeek, 0, ctx()});
  ModelRequest req;
  req.conversation = &c;
  req.model = "m";
  std::vector<std::string_view> pieces;
  EXPECT_EQ(f->encode(req, pieces).code(), StatusCode::kInvalidArgument);
}

TEST(AnthropicFormatTest, DecodesRecordedStreamSplitAnywhere) {
  const std::string stream = test::fixture("anthropic_stream_tool_calls.sse");
  ASSERT_FALSE(stream.empty());
  auto f = make_anthropic_format(FormatOptions{ServerKind::kDeepSeek, 0, ctx()});
  for (size_t piece : {size_t{1}, size_t{4}, size_t{13}, size_t{100000}}) {
    SCOPED_TRACE(piece);
    Recorder rec;
    ModelResponse r;
    bool complete = false;
    ASSERT_TRUE(decode(*f, stream, piece, rec, r, &complete).ok());
    EXPECT_TRUE(complete);
    EXPECT_EQ(r.message.reasoning, "The test fails in parse_args.");
    EXPECT_EQ(r.message.reasoning_signature, "a1c5e2f0-7d3b-4e8a-9f1c-2b3d4e5f6a7b");
    EXPECT_EQ(r.message.content, "Let me check both.");
    EXPECT_EQ(rec.text, r.message.content);
    ASSERT_EQ(r.message.tool_calls.size(), 2u);
    EXPECT_EQ(r.message.tool_calls[0], (ToolCall{"call_00_Ab3dE", "shell", R"({"command": "make test"})"}));
    EXPECT_EQ(r.message.tool_calls[1], (ToolCall{"call_01_Xy9zQ", "read_file", R"({"path": "src/args.c"})"}));
    EXPECT_EQ(r.usage, (Usage{5230, 4992, 187, 0}));
    EXPECT_EQ(r.stop_reason, StopReason::kToolCalls);
  }
}

TEST(AnthropicFormatTest, ErrorEventsAndCutStreams) {
  auto f = make_anthropic_format(FormatOptions{ServerKind::kDeepSeek, 0, ctx()});
  Recorder rec;
  ModelResponse r;
  Status over = decode(*f, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n", 7, rec, r);
  EXPECT_EQ(over.code(), StatusCode::kUnavailable);
  EXPECT_NE(over.message().find("Overloaded"), std::string::npos);
  Status inv = decode(*f, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}\n\n", 7, rec, r);
  EXPECT_EQ(inv.code(), StatusCode::kInvalidArgument);
  Status bad = decode(*f, "event: message_start\ndata: {\"type\":\n\n", 7, rec, r);
  EXPECT_EQ(bad.code(), StatusCode::kUnavailable);
  bool complete = true;
  ASSERT_TRUE(decode(*f, "event: ping\ndata: {\"type\":\"ping\"}\n\n", 7, rec, r, &complete).ok());
  EXPECT_FALSE(complete);
}

}  // namespace
}  // namespace agent::api
