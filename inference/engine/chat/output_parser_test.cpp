// The streaming output parser and the DSML block parser: well-formed output, any chunking,
// malformed and truncated blocks, and text that only looks like markup.
#include "inference/engine/chat/output_parser.h"

#include <gtest/gtest.h>

#include "inference/engine/chat/chat_encoder.h"

namespace agent::engine {
namespace {

const std::string kBlock =
    "\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"get_weather\">\n<｜DSML｜parameter "
    "name=\"location\" string=\"true\">Beijing</｜DSML｜parameter>\n<｜DSML｜parameter name=\"days\" "
    "string=\"false\">3</｜DSML｜parameter>\n</｜DSML｜invoke>\n<｜DSML｜invoke name=\"noop\">\n\n"
    "</｜DSML｜invoke>\n</｜DSML｜tool_calls>";

// Feeds `text` in pieces of `chunk` bytes and folds the events.
ParsedOutput parse_chunked(const std::string& text, bool thinking, size_t chunk) {
  OutputParser p(thinking);
  std::vector<OutputEvent> events;
  for (size_t i = 0; i < text.size(); i += chunk) p.feed(text.substr(i, chunk), &events);
  p.finish(&events);
  ParsedOutput out;
  out.saw_end_of_sentence = p.saw_end_of_sentence();
  for (auto& e : events) {
    if (e.kind == OutputEvent::Kind::kReasoning) out.reasoning += e.text;
    if (e.kind == OutputEvent::Kind::kContent) out.content += e.text;
    if (e.kind == OutputEvent::Kind::kToolCall) out.tool_calls.push_back(e.call);
    if (e.kind == OutputEvent::Kind::kError) out.errors.push_back(e.text);
  }
  return out;
}

TEST(OutputParser, ThinkingTurnWithToolCallsInAnyChunking) {
  std::string text = "Let me check.</think>Checking." + kBlock + "<｜end▁of▁sentence｜>";
  for (size_t chunk : {1, 2, 3, 5, 7, 64, 100000}) {
    ParsedOutput out = parse_chunked(text, true, chunk);
    EXPECT_TRUE(out.errors.empty()) << chunk << ": " << out.errors.front();
    EXPECT_EQ(out.reasoning, "Let me check.");
    EXPECT_EQ(out.content, "Checking.");
    ASSERT_EQ(out.tool_calls.size(), 2u) << chunk;
    EXPECT_EQ(out.tool_calls[0].name, "get_weather");
    EXPECT_EQ(out.tool_calls[0].arguments, R"({"location": "Beijing", "days": 3})");
    EXPECT_EQ(out.tool_calls[1].name, "noop");
    EXPECT_EQ(out.tool_calls[1].arguments, "{}");
    EXPECT_TRUE(out.saw_end_of_sentence);
  }
}

TEST(OutputParser, DeltasStreamWithoutWaitingForTheEnd) {
  OutputParser p(true);
  std::vector<OutputEvent> ev;
  p.feed("abc", &ev);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].text, "abc");
  p.feed("</th", &ev);  // could be </think>: held back
  EXPECT_EQ(ev.size(), 1u);
  p.feed("ink>Hi\n", &ev);  // a line break could start "\n\n<｜DSML｜tool_calls": held back
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].kind, OutputEvent::Kind::kContent);
  EXPECT_EQ(ev[1].text, "Hi");
  p.feed("\n", &ev);
  EXPECT_EQ(ev.size(), 2u);
  p.feed("more", &ev);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[2].text, "\n\nmore");
}

TEST(OutputParser, ChatModeAndEndWithoutEosText) {
  ParsedOutput out = parse_output("Just an answer.\n\n", false);
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.content, "Just an answer.\n\n");
  EXPECT_FALSE(out.saw_end_of_sentence);
}

TEST(OutputParser, MarkupLookalikesStayText) {
  std::string text =
      "<think>x</think>Use <｜DSML｜invoke name=\"f\"> in docs; <tool_call>{}</tool_call> "
      "and </think> and <｜DSML｜parameter> are text.<｜end▁of▁sentence｜>";
  ParsedOutput out = parse_output(text, true);
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.reasoning, "<think>x");
  EXPECT_EQ(out.content,
            "Use <｜DSML｜invoke name=\"f\"> in docs; <tool_call>{}</tool_call> and </think> and "
            "<｜DSML｜parameter> are text.");
  EXPECT_TRUE(out.tool_calls.empty());
}

TEST(OutputParser, ToolCallBlockInsideReasoningIsReasoning) {
  ParsedOutput out = parse_output("draft:" + kBlock + "</think>done<｜end▁of▁sentence｜>", true);
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.reasoning, "draft:" + kBlock);
  EXPECT_EQ(out.content, "done");
  EXPECT_TRUE(out.tool_calls.empty());
}

TEST(OutputParser, BlockWithoutBlankLineStillParses) {
  ParsedOutput out = parse_output("ok" + kBlock.substr(2), false);
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.content, "ok");
  EXPECT_EQ(out.tool_calls.size(), 2u);
}

struct BadCase {
  std::string text;
  std::string error_part;
};

TEST(OutputParser, MalformedBlocksAreErrorsForTheModel) {
  const std::string open = "\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n";
  const std::vector<BadCase> cases = {
      {"\n\n<｜DSML｜tool_calls>\nhello", "expected"},
      {"\n\n<｜DSML｜tool_calls> <｜DSML｜invoke name=\"f\">\n", "line break"},
      {"\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke nme=\"f\">\n", "name="},
      {"\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\"></｜DSML｜invoke>", "name="},
      {open + "<｜DSML｜parameter name=\"a\" string=\"maybe\">1</｜DSML｜parameter>", "string="},
      {open + "<｜DSML｜parameter name=\"a\">1</｜DSML｜parameter>", "string="},
      {open + "<｜DSML｜parameter name=\"a\" string=\"true\">1</｜DSML｜parameter>\n"
              "<｜DSML｜parameter name=\"a\" string=\"true\">2</｜DSML｜parameter>\n",
       "duplicate parameter \"a\""},
      {open + "<｜DSML｜parameter name=\"a\" string=\"true\">1</｜DSML｜parameter>x", "line break"},
      {open + "</｜DSML｜invoke>\n</｜DSML｜tool_calls>trailing", "after the tool-call block"},
      {open + "<｜DSML｜parameter name=\"a\" string=\"true\">unfinished", "cut off"},
      {"\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"" + std::string(5000, 'x'), "not closed"},
  };
  for (const BadCase& c : cases) {
    for (size_t chunk : {1, 4, 100000}) {
      ParsedOutput out = parse_chunked(c.text, false, chunk);
      ASSERT_EQ(out.errors.size(), 1u) << c.text;
      EXPECT_NE(out.errors[0].find(c.error_part), std::string::npos)
          << "got: " << out.errors[0] << "\nfor: " << c.text;
    }
  }
}

TEST(OutputParser, TurnsCutShortAreReported) {
  ParsedOutput out = parse_output("thinking forever", true);
  EXPECT_EQ(out.reasoning, "thinking forever");
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_NE(out.errors[0].find("</think>"), std::string::npos);
  out = parse_output("a</think>b<｜end▁of▁sentence｜>extra", true);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_NE(out.errors[0].find("after the end of sentence"), std::string::npos);
}

TEST(OutputParser, ParameterValuesKeepNewlinesQuotesAndAngleBrackets) {
  std::vector<ChatToolCall> calls = {
      {"", "write_file",
       R"({"path": "a \"b\".txt", "content": "line1\n<b>x</b>\n  if (a < b) {}\n", "n": [1, 2.5, {"k": null}]})"}};
  ParsedOutput out = parse_output(render_dsml_tool_calls(calls) + "<｜end▁of▁sentence｜>", false);
  ASSERT_TRUE(out.errors.empty()) << out.errors.front();
  ASSERT_EQ(out.tool_calls.size(), 1u);
  EXPECT_EQ(Json::parse(out.tool_calls[0].arguments), Json::parse(calls[0].arguments));
}

}  // namespace
}  // namespace agent::engine
