// The V4 chat encoder against the release's golden pairs, and its rules one by one.
#include "inference/engine/chat/chat_encoder.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "common/fs.h"
#include "inference/engine/chat/output_parser.h"

namespace agent::engine {
namespace {

std::filesystem::path data_dir() {
  const char* src = std::getenv("AGENT_SOURCE_DIR");
  return std::filesystem::path(src ? src : ".") / "tests/data/deepseek-v4-flash";
}

std::string read_data(const std::string& name) {
  auto text = read_file(data_dir() / name);
  EXPECT_TRUE(text.ok()) << text.status().to_string();
  return text.ok() ? *text : std::string();
}

std::vector<ChatMessage> parse_messages(const std::string& json) {
  auto j = parse_ordered_json(json, "test input");
  EXPECT_TRUE(j.ok()) << j.status().to_string();
  auto m = chat_messages_from_json(*j, "test input");
  EXPECT_TRUE(m.ok()) << m.status().to_string();
  return m.ok() ? *m : std::vector<ChatMessage>{};
}

std::string encode(const std::vector<ChatMessage>& m, ReasoningMode mode, bool keep = false) {
  auto out = encode_chat(m, ChatEncodeOptions{mode, keep, true});
  EXPECT_TRUE(out.ok()) << out.status().to_string();
  return out.ok() ? *out : std::string();
}

// Cases 1-3 in thinking mode, case 4 in chat mode, as the official tests run them.
TEST(ChatEncoderGolden, MatchesOfficialOutputsByteForByte) {
  for (int n = 1; n <= 4; ++n) {
    auto messages = parse_messages(read_data("encoding-tests/test_input_" + std::to_string(n) + ".json"));
    std::string want = read_data("encoding-tests/test_output_" + std::to_string(n) + ".txt");
    ASSERT_FALSE(want.empty());
    ReasoningMode mode = n == 4 ? ReasoningMode::kOff : ReasoningMode::kHigh;
    EXPECT_EQ(encode(messages, mode), want) << "golden case " << n;
  }
}

TEST(ChatEncoderGolden, MaxPrefixIsTheReleaseText) {
  EXPECT_EQ(max_effort_prefix(), read_data("reasoning-effort-max.txt"));
}

TEST(ChatEncoder, MaxModePutsThePrefixAfterBosBeforeTheSystemPrompt) {
  auto messages = parse_messages(read_data("encoding-tests/test_input_2.json"));
  std::string high = encode(messages, ReasoningMode::kHigh);
  std::string max = encode(messages, ReasoningMode::kMax);
  ASSERT_TRUE(high.starts_with(kBosText));
  EXPECT_EQ(max, std::string(kBosText) + std::string(max_effort_prefix()) + high.substr(kBosText.size()));
}

TEST(ChatEncoder, KeepReasoningKeepsEarlierTurnsThinking) {
  auto messages = parse_messages(read_data("encoding-tests/test_input_2.json"));
  std::string kept = encode(messages, ReasoningMode::kHigh, /*keep=*/true);
  EXPECT_NE(kept.find("<｜User｜>Hello<｜Assistant｜><think>The user said hello, I should greet back."
                      "</think>Hi there! How can I help you?<｜end▁of▁sentence｜>"),
            std::string::npos)
      << kept;
  std::string dropped = encode(messages, ReasoningMode::kHigh);
  EXPECT_EQ(dropped.find("The user said hello"), std::string::npos);
}

TEST(ChatEncoder, ChatModeOpensEveryAssistantTurnWithThinkEnd) {
  auto messages = parse_messages(read_data("encoding-tests/test_input_2.json"));
  std::string off = encode(messages, ReasoningMode::kOff);
  EXPECT_EQ(off,
            "<｜begin▁of▁sentence｜>You are a helpful assistant.<｜User｜>Hello<｜Assistant｜></think>"
            "Hi there! How can I help you?<｜end▁of▁sentence｜><｜User｜>What is the capital of "
            "France?<｜Assistant｜></think>The capital of France is Paris.<｜end▁of▁sentence｜>");
}

TEST(ChatEncoder, GenerationPromptAfterLastUserTurn) {
  std::vector<ChatMessage> m = parse_messages(R"([{"role":"user","content":"hi"}])");
  EXPECT_EQ(encode(m, ReasoningMode::kHigh), "<｜begin▁of▁sentence｜><｜User｜>hi<｜Assistant｜><think>");
  EXPECT_EQ(encode(m, ReasoningMode::kOff), "<｜begin▁of▁sentence｜><｜User｜>hi<｜Assistant｜></think>");
}

TEST(ChatEncoder, ToolResultsMergeIntoOneUserTurnInCallOrder) {
  auto m = parse_messages(R"([
    {"role": "system", "content": "S", "tools": [{"type": "function", "function": {"name": "f",
      "description": "d", "parameters": {"type": "object", "properties": {}}}}]},
    {"role": "user", "content": "go"},
    {"role": "assistant", "reasoning_content": "R", "tool_calls": [
      {"id": "a", "type": "function", "function": {"name": "f", "arguments": "{\"x\": 1}"}},
      {"id": "b", "type": "function", "function": {"name": "f", "arguments": "{\"x\": 2}"}},
      {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{\"x\": 3}"}}]},
    {"role": "tool", "tool_call_id": "c", "content": "C"},
    {"role": "tool", "tool_call_id": "a", "content": "A"},
    {"role": "tool", "tool_call_id": "b", "content": "B"},
    {"role": "user", "content": "and?"}])");
  std::string out = encode(m, ReasoningMode::kHigh);
  EXPECT_NE(out.find("<｜end▁of▁sentence｜><｜User｜><tool_result>A</tool_result>\n\n"
                     "<tool_result>B</tool_result>\n\n<tool_result>C</tool_result>\n\nand?"
                     "<｜Assistant｜><think>"),
            std::string::npos)
      << out;
  // Tools present: the earlier reasoning is kept.
  EXPECT_NE(out.find("<think>R</think>"), std::string::npos);
  EXPECT_NE(out.find("<｜DSML｜parameter name=\"x\" string=\"false\">1</｜DSML｜parameter>"),
            std::string::npos);
}

TEST(ChatEncoder, DeveloperAndLatestReminderAndTasks) {
  auto m = parse_messages(R"([
    {"role": "latest_reminder", "content": "date"},
    {"role": "developer", "content": "dev"},
    {"role": "assistant", "content": "x"},
    {"role": "user", "content": "q", "task": "query"}])");
  EXPECT_EQ(encode(m, ReasoningMode::kOff),
            "<｜begin▁of▁sentence｜><｜latest_reminder｜>date<｜User｜>dev<｜Assistant｜></think>"
            "x<｜end▁of▁sentence｜><｜User｜>q<｜query｜>");
  // Before the last user turn, a developer turn is dropped with the reasoning.
  EXPECT_EQ(encode(m, ReasoningMode::kHigh),
            "<｜begin▁of▁sentence｜><｜latest_reminder｜>date"
            "x<｜end▁of▁sentence｜><｜User｜>q<｜query｜>");
}

TEST(ChatEncoder, ResponseFormatAndWithoutEos) {
  auto m = parse_messages(R"([
    {"role": "system", "content": "S", "response_format": {"type": "json", "n": 1.0}},
    {"role": "user", "content": "u"},
    {"role": "assistant", "content": "pre", "wo_eos": true}])");
  EXPECT_EQ(encode(m, ReasoningMode::kOff),
            "<｜begin▁of▁sentence｜>S\n\n## Response Format:\n\nYou MUST strictly adhere to the "
            "following schema to reply:\n{\"type\": \"json\", \"n\": 1.0}<｜User｜>u<｜Assistant｜>"
            "</think>pre");
}

TEST(ChatEncoder, BadInputIsAnErrorNamingTheMessage) {
  auto j = parse_ordered_json(R"([{"role": "user", "content": "a"}, {"role": "robot"}])", "x");
  ASSERT_TRUE(j.ok());
  auto m = chat_messages_from_json(*j, "in.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("in.json: message 1: unknown role \"robot\""), std::string::npos)
      << m.status().message();
  j = parse_ordered_json(R"([{"role": "user", "content": "a", "task": "dance"}])", "x");
  EXPECT_FALSE(chat_messages_from_json(*j, "in.json").ok());
  j = parse_ordered_json(R"([{"role": "user", "content": 5}])", "x");
  EXPECT_FALSE(chat_messages_from_json(*j, "in.json").ok());
  j = parse_ordered_json(R"({"tools": []})", "x");
  EXPECT_FALSE(chat_messages_from_json(*j, "in.json").ok());
  auto dev = parse_messages(R"([{"role": "developer", "content": ""}])");
  auto r = encode_chat(dev, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("developer"), std::string::npos);
  EXPECT_FALSE(parse_reasoning_mode("medium").ok());
}

TEST(ChatEncoder, ProtocolMessagesRenderLikeTheOfficialJson) {
  std::vector<Message> msgs = {Message::system("S"), Message::user("go")};
  Message a;
  a.role = Role::kAssistant;
  a.reasoning = "R";
  a.tool_calls = {{"call_1", "shell", R"({"command": "ls"})"}};
  msgs.push_back(a);
  msgs.push_back(Message::tool("call_1", "shell", "out", false));
  ToolSpec shell{"shell", "Run", Json::parse(R"({"type": "object"})"), true};
  std::string from_protocol = encode(chat_messages_from_protocol(msgs, {shell}), ReasoningMode::kHigh);
  auto from_json = parse_messages(R"({"tools": [{"type": "function", "function": {"name": "shell",
      "description": "Run", "parameters": {"type": "object"}}}], "messages": [
    {"role": "system", "content": "S"}, {"role": "user", "content": "go"},
    {"role": "assistant", "reasoning_content": "R", "tool_calls": [{"id": "call_1", "type":
      "function", "function": {"name": "shell", "arguments": "{\"command\": \"ls\"}"}}]},
    {"role": "tool", "tool_call_id": "call_1", "content": "out"}]})");
  EXPECT_EQ(from_protocol, encode(from_json, ReasoningMode::kHigh));
}

TEST(ChatEncoder, UnparsableArgumentsBecomeOneStringParameter) {
  std::string block = render_dsml_tool_calls({{"id", "f", "{not json"}});
  EXPECT_EQ(block,
            "\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n<｜DSML｜parameter "
            "name=\"arguments\" string=\"true\">{not json</｜DSML｜parameter>\n</｜DSML｜invoke>\n"
            "</｜DSML｜tool_calls>");
}

// Encode a conversation, cut each assistant turn out of the prompt, parse it back: the same
// reasoning, content and tool calls (arguments equal as JSON values).
TEST(ChatEncoderRoundTrip, AssistantTurnsParseBackLosslessly) {
  for (int n : {1, 3}) {
    auto messages = parse_messages(read_data("encoding-tests/test_input_" + std::to_string(n) + ".json"));
    for (size_t i = 0; i < messages.size(); ++i) {
      if (messages[i].role != ChatRole::kAssistant) continue;
      std::vector<ChatMessage> before(messages.begin(), messages.begin() + static_cast<long>(i));
      std::vector<ChatMessage> with(messages.begin(), messages.begin() + static_cast<long>(i) + 1);
      std::string prompt = encode(before, ReasoningMode::kHigh);
      std::string full = encode(with, ReasoningMode::kHigh);
      ASSERT_TRUE(full.starts_with(prompt)) << "case " << n << " turn " << i;
      ParsedOutput out = parse_output(full.substr(prompt.size()), /*thinking=*/true);
      EXPECT_TRUE(out.errors.empty()) << out.errors.front();
      EXPECT_TRUE(out.saw_end_of_sentence);
      EXPECT_EQ(out.reasoning, messages[i].reasoning);
      EXPECT_EQ(out.content, messages[i].content);
      ASSERT_EQ(out.tool_calls.size(), messages[i].tool_calls.size());
      for (size_t k = 0; k < out.tool_calls.size(); ++k) {
        EXPECT_EQ(out.tool_calls[k].name, messages[i].tool_calls[k].name);
        EXPECT_EQ(Json::parse(out.tool_calls[k].arguments),
                  Json::parse(messages[i].tool_calls[k].arguments));
      }
    }
  }
}

}  // namespace
}  // namespace agent::engine
