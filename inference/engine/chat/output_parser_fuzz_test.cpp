// Seeded random testing of the output parser and DSML: random well-formed turns parse back
// exactly in any chunking; mutated, truncated and random texts never crash or hang, give the
// same result in any chunking, and (for valid UTF-8 input) produce valid UTF-8 events.
#include <gtest/gtest.h>

#include <random>

#include "common/text.h"
#include "inference/engine/chat/dsml.h"
#include "inference/engine/chat/output_parser.h"
#include "inference/engine/chat/python_json.h"

namespace agent::engine {
namespace {

using Rng = std::mt19937_64;

const std::vector<std::string> kAtoms = {
    "a", "Z", "_", "0", "9", " ", "\n", "\t", "\"", "'", "<", ">", "/", "=", "{", "}", "é", "中",
    "😀", "｜", "DSML", "<｜DSML｜invoke", "</think>", "<think>", "\n\n", "string=\"true\">",
    "<｜end▁of▁sentence｜", "<tool_call>", "\\", "</｜DSML｜invoke>", "<｜DSML｜tool_calls>"};

std::string random_text(Rng& rng, size_t max_atoms) {
  std::string s;
  for (size_t n = rng() % (max_atoms + 1); n > 0; --n) s += kAtoms[rng() % kAtoms.size()];
  return s;
}

std::string random_name(Rng& rng) {
  static const std::string kChars = "abcdefghijklmnopqrstuvwxyz_0123456789";
  std::string s(1, 'a' + static_cast<char>(rng() % 26));
  for (size_t n = rng() % 12; n > 0; --n) s += kChars[rng() % kChars.size()];
  if (rng() % 5 == 0) s += "é名";
  return s;
}

OrderedJson random_value(Rng& rng, int depth) {
  switch (rng() % (depth > 2 ? 5 : 7)) {
    case 0: return static_cast<int64_t>(rng() % 2000000) - 1000000;
    case 1: return static_cast<double>(static_cast<int64_t>(rng() % 100000)) / 64.0;
    case 2: return rng() % 2 == 0;
    case 3: return nullptr;
    case 4: {
      std::string s;
      do s = random_text(rng, 20);
      while (s.find("/｜DSML｜parameter") != std::string::npos);
      return s;
    }
    case 5: {
      OrderedJson a = OrderedJson::array();
      for (size_t n = rng() % 4; n > 0; --n) a.push_back(random_value(rng, depth + 1));
      return a;
    }
    default: {
      OrderedJson o = OrderedJson::object();
      for (size_t n = rng() % 4; n > 0; --n) o[random_name(rng)] = random_value(rng, depth + 1);
      return o;
    }
  }
}

struct Folded {
  std::string reasoning, content;
  std::vector<ToolCall> calls;
  size_t errors = 0;
  bool utf8_ok = true;
};

// Feeds `text` in random pieces (at character boundaries when `whole_chars`).
Folded run(const std::string& text, bool thinking, Rng& rng, bool whole_chars) {
  OutputParser p(thinking);
  std::vector<OutputEvent> events;
  for (size_t i = 0; i < text.size();) {
    size_t n = 1 + rng() % 12;
    if (whole_chars) {
      n = utf8_safe_prefix(text.substr(i), n);
      // A character longer than the piece: take the whole character.
      while (n == 0 || (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80)) ++n;
    }
    p.feed(text.substr(i, n), &events);
    i += n;
  }
  p.finish(&events);
  Folded f;
  for (const auto& e : events) {
    if (e.kind == OutputEvent::Kind::kReasoning) f.reasoning += e.text;
    if (e.kind == OutputEvent::Kind::kContent) f.content += e.text;
    if (e.kind == OutputEvent::Kind::kToolCall) f.calls.push_back(e.call);
    if (e.kind == OutputEvent::Kind::kError) ++f.errors;
    f.utf8_ok = f.utf8_ok && is_valid_utf8(e.text) && is_valid_utf8(e.call.name) &&
                is_valid_utf8(e.call.arguments);
  }
  return f;
}

TEST(OutputParserFuzz, RandomWellFormedTurnsParseBack) {
  Rng rng(4242);
  for (int iter = 0; iter < 5000; ++iter) {
    std::string reasoning, content;
    do reasoning = random_text(rng, 8);
    while (reasoning.find("</think>") != std::string::npos ||
           reasoning.find("<｜end▁of▁sentence｜>") != std::string::npos);
    do content = random_text(rng, 8);
    while (content.find("<｜DSML｜tool_calls") != std::string::npos ||
           content.find("<｜end▁of▁sentence｜>") != std::string::npos || content.ends_with("\n") ||
           content.find("\n\n<｜DSML｜tool_calls") != std::string::npos);
    std::vector<ChatToolCall> calls;
    for (size_t n = rng() % 4; n > 0; --n) {
      OrderedJson args = OrderedJson::object();
      for (size_t k = rng() % 4; k > 0; --k) args[random_name(rng)] = random_value(rng, 0);
      calls.push_back({"", random_name(rng), args.dump()});
    }
    std::string text = reasoning + "</think>" + content +
                       (calls.empty() ? "" : render_dsml_tool_calls(calls)) + "<｜end▁of▁sentence｜>";
    Folded f = run(text, true, rng, true);
    ASSERT_EQ(f.errors, 0u) << text;
    EXPECT_EQ(f.reasoning, reasoning);
    EXPECT_EQ(f.content, content);
    EXPECT_TRUE(f.utf8_ok);
    ASSERT_EQ(f.calls.size(), calls.size()) << text;
    for (size_t k = 0; k < calls.size(); ++k) {
      EXPECT_EQ(f.calls[k].name, calls[k].name);
      EXPECT_EQ(Json::parse(f.calls[k].arguments), Json::parse(calls[k].arguments)) << text;
    }
  }
}

std::string mutate(std::string s, Rng& rng) {
  for (size_t n = 1 + rng() % 4; n > 0 && !s.empty(); --n) {
    size_t at = rng() % s.size();
    switch (rng() % 5) {
      case 0: s.erase(at, 1 + rng() % 8); break;
      case 1: s.insert(at, kAtoms[rng() % kAtoms.size()]); break;
      case 2: s[at] = static_cast<char>(rng() % 256); break;
      case 3: s.insert(at, s.substr(rng() % s.size(), rng() % 40)); break;
      default: s.resize(at); break;
    }
  }
  return s;
}

TEST(OutputParserFuzz, MutatedAndRandomTextNeverCrashesAndIgnoresChunking) {
  Rng rng(777);
  std::vector<ChatToolCall> calls = {{"", "shell", R"({"command": "ls -la", "timeout": 30})"},
                                     {"", "write_file", R"({"path": "a.txt", "content": "x\ny"})"}};
  const std::string base = "think</think>text" + render_dsml_tool_calls(calls) + "<｜end▁of▁sentence｜>";
  for (int iter = 0; iter < 20000; ++iter) {
    std::string text = iter % 3 == 2 ? random_text(rng, 60) : mutate(base, rng);
    bool thinking = rng() % 2 == 0;
    bool valid = is_valid_utf8(text);
    Folded a = run(text, thinking, rng, valid);
    Folded b = run(text, thinking, rng, valid);
    EXPECT_EQ(a.reasoning, b.reasoning) << text;
    EXPECT_EQ(a.content, b.content) << text;
    EXPECT_EQ(a.errors > 0, b.errors > 0) << text;
    EXPECT_LE(a.errors, 1u);
    ASSERT_EQ(a.calls.size(), b.calls.size()) << text;
    for (size_t k = 0; k < a.calls.size(); ++k) {
      EXPECT_EQ(a.calls[k], b.calls[k]);
    }
    ParsedOutput once = parse_output(text, thinking);
    EXPECT_EQ(once.content, a.content);
    EXPECT_EQ(once.errors.empty(), a.errors == 0) << text;
    EXPECT_EQ(once.tool_calls.size(), a.calls.size());
    if (valid) {
      EXPECT_TRUE(a.utf8_ok && b.utf8_ok) << text;
    }
  }
}

}  // namespace
}  // namespace agent::engine
