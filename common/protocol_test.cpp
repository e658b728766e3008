#include "common/protocol.h"

#include <gtest/gtest.h>

#include "common/conversation.h"

namespace agent {
namespace {

TEST(Protocol, MessageRoundTrip) {
  Message m;
  m.role = Role::kAssistant;
  m.reasoning = "think";
  m.content = "text \xE4\xB8\xAD";
  m.tool_calls.push_back({"call_1", "shell", R"({"command":"ls"})"});
  auto back = message_from_json(to_json(m), "test");
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, m);

  Message t = Message::tool("call_1", "shell", "out", true);
  auto tb = message_from_json(to_json(t), "test");
  ASSERT_TRUE(tb.ok());
  EXPECT_EQ(*tb, t);
}

TEST(Protocol, ToolCallArgumentsObjectOrRawString) {
  auto a = tool_call_from_json(Json::parse(R"({"name":"x","arguments":{"b":1,"a":2}})"), "t");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->arguments, R"({"a":2,"b":1})");
  auto b = tool_call_from_json(Json::parse(R"({"name":"x","arguments":"{broken"})"), "t");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->arguments, "{broken");
  auto c = tool_call_from_json(Json::parse(R"({"name":"x","arguments":3})"), "line 4");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("line 4"), std::string::npos);
  auto d = tool_call_from_json(Json::parse(R"({"arguments":{}})"), "line 5");
  EXPECT_FALSE(d.ok());
}

TEST(Protocol, UsageRejectsNegative) {
  EXPECT_FALSE(usage_from_json(Json::parse(R"({"prompt_tokens":-1})"), "u").ok());
  auto u = usage_from_json(Json::parse(R"({"prompt_tokens":5,"cached_tokens":2})"), "u");
  ASSERT_TRUE(u.ok());
  Usage sum;
  sum += *u;
  sum += *u;
  EXPECT_EQ(sum.prompt_tokens, 10);
  EXPECT_EQ(sum.cached_tokens, 4);
}

TEST(Conversation, AppendKeepsEpochRewriteBumpsIt) {
  Conversation c;
  c.append(Message::user("hello"));
  EXPECT_EQ(c.epoch(), 0u);
  uint64_t before = c.text_bytes();
  c.append(Message::user("world"));
  EXPECT_GT(c.text_bytes(), before);
  c.replace_all({Message::user("x")});
  EXPECT_EQ(c.epoch(), 1u);
  EXPECT_EQ(c.size(), 1u);
}

}  // namespace
}  // namespace agent
