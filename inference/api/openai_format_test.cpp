#include "inference/api/format_test_util.h"
#include "tests/support/fake_provider.h"

namespace agent::api {
namespace {

using test::assistant;
using test::decode;
using test::join;
using test::Recorder;

ErrorContext ctx() { return ErrorContext{"api.test:443", "TEST_KEY", false}; }

struct Encoded {
  std::string body;
  Json json;
};

Encoded encode(WireFormat& f, const Conversation& c, ReasoningMode mode, int64_t max_tokens = 0,
               const std::vector<ToolSpec>* tools = nullptr) {
  ModelRequest req;
  req.conversation = &c;
  req.tools = tools;
  req.model = "deepseek-v4-pro";
  req.reasoning = mode;
  req.max_tokens = max_tokens;
  std::vector<std::string_view> pieces;
  Status s = f.encode(req, pieces);
  EXPECT_TRUE(s.ok()) << s.to_string();
  Encoded e{join(pieces), Json()};
  e.json = Json::parse(e.body);
  return e;
}

Conversation tool_conversation() {
  Conversation c;
  c.append(Message::system("You are a coding agent."));
  c.append(Message::user("Fix the bug."));
  c.append(assistant("R1: look first", "", {ToolCall{"call_1", "shell", R"({"command":"ls"})"}}));
  c.append(Message::tool("call_1", "shell", "a.c\nb.c\n", false));
  c.append(assistant("R2: answer", "Here is my plan."));
  c.append(Message::user("Go on."));
  c.append(assistant("R3: edit", "", {ToolCall{"call_2", "shell", R"({"command":"make"})"},
                                        ToolCall{"call_3", "read_file", "not json{"}}));
  c.append(Message::tool("call_2", "shell", "ok", false));
  c.append(Message::tool("call_3", "read_file", "invalid call", true));
  return c;
}

TEST(OpenAiFormatTest, ReasoningModesPerServerKind) {
  Conversation c;
  c.append(Message::user("hi"));
  struct Case {
    ServerKind server;
    ReasoningMode mode;
    Json thinking, effort, kwargs;
  };
  const Json none;
  std::vector<Case> cases = {
      {ServerKind::kDeepSeek, ReasoningMode::kOff, Json{{"type", "disabled"}}, none, none},
      {ServerKind::kDeepSeek, ReasoningMode::kHigh, Json{{"type", "enabled"}}, "high", none},
      {ServerKind::kDeepSeek, ReasoningMode::kMax, Json{{"type", "enabled"}}, "max", none},
      {ServerKind::kVllm, ReasoningMode::kOff, none, none, Json{{"thinking", false}}},
      {ServerKind::kSglang, ReasoningMode::kHigh, none, none, Json{{"thinking", true}, {"reasoning_effort", "high"}}},
      {ServerKind::kLlamaCpp, ReasoningMode::kMax, none, none, Json{{"thinking", true}, {"reasoning_effort", "max"}}},
      {ServerKind::kGeneric, ReasoningMode::kHigh, none, none, none},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(std::string(server_kind_name(k.server)) + " " + std::string(reasoning_mode_name(k.mode)));
    auto f = make_openai_format(FormatOptions{k.server, 0, ctx()});
    Json j = encode(*f, c, k.mode).json;
    EXPECT_EQ(j.value("thinking", Json()), k.thinking);
    EXPECT_EQ(j.value("reasoning_effort", Json()), k.effort);
    EXPECT_EQ(j.value("chat_template_kwargs", Json()), k.kwargs);
    EXPECT_EQ(j["stream"], true);
    EXPECT_EQ(j["stream_options"]["include_usage"], true);
    EXPECT_EQ(j["max_tokens"], 65536);  // always sent, even when the request left it to us
  }
}

TEST(OpenAiFormatTest, MaxTokensCappedAndToolsSent) {
  Conversation c;
  c.append(Message::user("hi"));
  std::vector<ToolSpec> tools = {ToolSpec{"shell", "Run a command", Json{{"type", "object"}}, true}};
  auto f = make_openai_format(FormatOptions{ServerKind::kDeepSeek, 393216, ctx()});
  Json j = encode(*f, c, ReasoningMode::kHigh, 1'000'000, &tools).json;
  EXPECT_EQ(j["max_tokens"], 393216);
  ASSERT_EQ(j["tools"].size(), 1u);
  EXPECT_EQ(j["tools"][0]["type"], "function");
  EXPECT_EQ(j["tools"][0]["function"]["name"], "shell");
  EXPECT_EQ(j["tools"][0]["function"]["parameters"]["type"], "object");
}

TEST(OpenAiFormatTest, ReasoningReplayedForToolCallTurnsOnly) {
  Conversation c = tool_conversation();
  auto f = make_openai_format(FormatOptions{ServerKind::kDeepSeek, 0, ctx()});
  Json msgs = encode(*f, c, ReasoningMode::kHigh).json["messages"];
  ASSERT_EQ(msgs.size(), c.size());
  EXPECT_EQ(msgs[2]["reasoning_content"], "R1: look first");
  EXPECT_EQ(msgs[2]["tool_calls"][0]["function"]["arguments"], R"({"command":"ls"})");
  EXPECT_FALSE(msgs[4].contains("reasoning_content")) << msgs[4];
  EXPECT_EQ(msgs[4]["content"], "Here is my plan.");
  EXPECT_EQ(msgs[6]["reasoning_content"], "R3: edit");
  EXPECT_EQ(msgs[6]["tool_calls"][1]["function"]["arguments"], "not json{");  // replayed byte for byte
  EXPECT_EQ(msgs[3]["role"], "tool");
  EXPECT_EQ(msgs[3]["tool_call_id"], "call_1");
  // Thinking off: an empty reasoning is not sent, a non-empty one still is.
  Conversation off;
  off.append(Message::user("u"));
  off.append(assistant("", "", {ToolCall{"c", "shell", "{}"}}));
  off.append(Message::tool("c", "shell", "x", false));
  Json m2 = encode(*f, off, ReasoningMode::kOff).json["messages"];
  EXPECT_FALSE(m2[1].contains("reasoning_content"));
  Json m3 = encode(*f, off, ReasoningMode::kHigh).json["messages"];
  EXPECT_EQ(m3[1]["reasoning_content"], "");
}

TEST(OpenAiFormatTest, MessagesArePrefixStableAndCached) {
  Conversation c;
  c.append(Message::system("sys"));
  c.append(Message::user("issue"));
  auto f = make_openai_format(FormatOptions{ServerKind::kDeepSeek, 0, ctx()});
  std::string prev = encode(*f, c, ReasoningMode::kHigh, 5000).body;
  for (int turn = 0; turn < 20; ++turn) {
    c.append(assistant("r" + std::to_string(turn), "", {ToolCall{"id" + std::to_string(turn), "shell", "{}"}}));
    c.append(Message::tool("id" + std::to_string(turn), "shell", "out " + std::to_string(turn), false));
    std::string next = encode(*f, c, ReasoningMode::kHigh, 5000 - turn).body;
    std::string a = testing::messages_bytes(prev), b = testing::messages_bytes(next);
    ASSERT_FALSE(a.empty());
    a.pop_back();  // the array's closing bracket
    ASSERT_EQ(b.compare(0, a.size(), a), 0) << "request " << turn + 1 << " does not extend request " << turn;
    ASSERT_GT(b.size(), a.size() + 1);
    prev = next;
  }
  // A rewrite of the history (epoch bump) is serialised afresh.
  std::vector<Message> rewritten = c.messages();
  rewritten[1].content = "rewritten issue";
  c.replace_all(rewritten);
  Json j = encode(*f, c, ReasoningMode::kHigh).json;
  EXPECT_EQ(j["messages"][1]["content"], "rewritten issue");
}

TEST(OpenAiFormatTest, DecodesRecordedStreamSplitAnywhere) {
  const std::string stream = test::fixture("openai_stream_tool_calls.sse");
  ASSERT_FALSE(stream.empty());
  auto f = make_openai_format(FormatOptions{ServerKind::kDeepSeek, 0, ctx()});
  for (size_t piece : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, size_t{100000}}) {
    SCOPED_TRACE(piece);
    Recorder rec;
    ModelResponse r;
    bool complete = false;
    ASSERT_TRUE(decode(*f, stream, piece, rec, r, &complete).ok());
    EXPECT_TRUE(complete);
    EXPECT_EQ(r.message.reasoning, "The test fails in parse_args; I should run it and read the source.");
    EXPECT_EQ(r.message.content, "Let me check both — ünïcode ok.");
    EXPECT_EQ(rec.reasoning, r.message.reasoning);
    EXPECT_EQ(rec.text, r.message.content);
    ASSERT_EQ(r.message.tool_calls.size(), 2u);
    EXPECT_EQ(r.message.tool_calls[0], (ToolCall{"call_00_Ab3dE", "shell", R"({"command": "make test"})"}));
    EXPECT_EQ(r.message.tool_calls[1], (ToolCall{"call_01_Xy9zQ", "read_file", R"({"path": "src/args.c"})"}));
    EXPECT_EQ(r.usage, (Usage{5230, 4992, 187, 121}));
    EXPECT_EQ(r.stop_reason, StopReason::kToolCalls);
    EXPECT_EQ(r.model, "deepseek-v4-pro");
  }
}

std::string chunk(const Json& delta, const Json& finish = nullptr) {
  return "data: " + Json{{"choices", Json::array({Json{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}})}}.dump() + "\n\n";
}

TEST(OpenAiFormatTest, ParallelCallsSharingIndexZeroAreToldApartById) {
  std::string s = chunk(Json{{"tool_calls", Json::array({Json{{"index", 0}, {"id", "a"}, {"function", Json{{"name", "shell"}, {"arguments", "{\"x\""}}}}})}}) +
                  chunk(Json{{"tool_calls", Json::array({Json{{"index", 0}, {"function", Json{{"arguments", ":1}"}}}}})}}) +
                  chunk(Json{{"tool_calls", Json::array({Json{{"index", 0}, {"id", "b"}, {"function", Json{{"name", "read_file"}, {"arguments", "{}"}}}}})}}) +
                  chunk(Json{{"reasoning", "vllm names it reasoning"}}) + chunk(Json::object(), "tool_calls") + "data: [DONE]\n\n";
  auto f = make_openai_format(FormatOptions{ServerKind::kVllm, 0, ctx()});
  Recorder rec;
  ModelResponse r;
  ASSERT_TRUE(decode(*f, s, 5, rec, r).ok());
  ASSERT_EQ(r.message.tool_calls.size(), 2u);
  EXPECT_EQ(r.message.tool_calls[0], (ToolCall{"a", "shell", "{\"x\":1}"}));
  EXPECT_EQ(r.message.tool_calls[1], (ToolCall{"b", "read_file", "{}"}));
  EXPECT_EQ(r.message.reasoning, "vllm names it reasoning");
  EXPECT_EQ(r.usage, Usage{});  // no usage chunk: zeros, not invented numbers
}

TEST(OpenAiFormatTest, BrokenStreamsAreRetryableErrors) {
  auto f = make_openai_format(FormatOptions{ServerKind::kDeepSeek, 0, ctx()});
  Recorder rec;
  ModelResponse r;
  Status bad = decode(*f, chunk(Json{{"content", "a"}}) + "data: {\"choices\":[{\"delta\":\n\n", 3, rec, r);
  EXPECT_EQ(bad.code(), StatusCode::kUnavailable);
  EXPECT_NE(bad.message().find("malformed stream chunk"), std::string::npos) << bad.message();
  Status res = decode(*f, chunk(Json::object(), "insufficient_system_resource"), 100, rec, r);
  EXPECT_EQ(res.code(), StatusCode::kUnavailable);
  EXPECT_NE(res.message().find("insufficient_system_resource"), std::string::npos);
  Status err = decode(*f, "data: {\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}\n\n", 100, rec, r);
  EXPECT_EQ(err.code(), StatusCode::kUnavailable);
  Status auth = decode(*f, "data: {\"error\":{\"message\":\"bad key\",\"type\":\"authentication_error\"}}\n\n", 100, rec, r);
  EXPECT_EQ(auth.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(auth.message().find("TEST_KEY"), std::string::npos) << auth.message();
  bool complete = true;
  ASSERT_TRUE(decode(*f, chunk(Json{{"content", "cut"}}), 100, rec, r, &complete).ok());
  EXPECT_FALSE(complete);
}

TEST(OpenAiFormatTest, CachedTokensFromPromptTokensDetails) {
  std::string s = "data: " + Json{{"choices", Json::array()},
                                  {"usage", Json{{"prompt_tokens", 100}, {"completion_tokens", 5},
                                                 {"prompt_tokens_details", Json{{"cached_tokens", 64}}}}}}.dump() +
                  "\n\ndata: [DONE]\n\n";
  auto f = make_openai_format(FormatOptions{ServerKind::kVllm, 0, ctx()});
  Recorder rec;
  ModelResponse r;
  ASSERT_TRUE(decode(*f, s, 9, rec, r).ok());
  EXPECT_EQ(r.usage, (Usage{100, 64, 5, 0}));
}

TEST(OpenAiFormatTest, PromptFromCacheHitAndMissWhenPromptTokensIsMissing) {
  std::string s = "data: " + Json{{"choices", Json::array()},
                                  {"usage", Json{{"completion_tokens", 5}, {"prompt_cache_hit_tokens", 700},
                                                 {"prompt_cache_miss_tokens", 300}}}}.dump() +
                  "\n\ndata: [DONE]\n\n";
  auto f = make_openai_format(FormatOptions{ServerKind::kDeepSeek, 0, ctx()});
  Recorder rec;
  ModelResponse r;
  ASSERT_TRUE(decode(*f, s, 7, rec, r).ok());
  EXPECT_EQ(r.usage, (Usage{1000, 700, 5, 0}));
}

}  // namespace
}  // namespace agent::api
