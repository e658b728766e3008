#include "common/text.h"

#include <gtest/gtest.h>

namespace agent {
namespace {

TEST(Text, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("h\xC3\xA9llo \xE4\xB8\xAD \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));           // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));       // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));   // surrogate
  EXPECT_EQ(sanitize_utf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
}

TEST(Text, SafePrefixNeverSplitsACharacter) {
  std::string s = "ab\xE4\xB8\xAD";  // "ab中"
  EXPECT_EQ(utf8_safe_prefix(s, 3), 2u);
  EXPECT_EQ(utf8_safe_prefix(s, 4), 2u);
  EXPECT_EQ(utf8_safe_prefix(s, 5), 5u);
}

TEST(Text, StripsAnsiAndProgressBars) {
  EXPECT_EQ(strip_ansi("\x1b[31mred\x1b[0m ok"), "red ok");
  EXPECT_EQ(strip_ansi("\x1b]0;title\x07text"), "text");
  EXPECT_EQ(collapse_carriage_returns("10%\r50%\r100%\ndone\r\n"), "100%\ndone\n");
  EXPECT_EQ(clean_terminal_output("\x1b[1m 1%\r\x1b[1m99%\x1b[0m\n"), "99%\n");
}

TEST(Text, TruncateKeepsHeadAndTailAndCounts) {
  std::string s;
  for (int i = 0; i < 1000; ++i) s += "line " + std::to_string(i) + "\n";
  Truncation t = truncate_head_tail(s, 400, 20);
  ASSERT_TRUE(t.truncated);
  EXPECT_EQ(t.total_lines, 1000u);
  EXPECT_EQ(t.text.rfind("line 0\n", 0), 0u);
  EXPECT_NE(t.text.find("line 999\n"), std::string::npos);
  EXPECT_NE(t.text.find("lines, "), std::string::npos);
  EXPECT_LE(t.text.size(), 400u + 80u);
  EXPECT_EQ(t.omitted_lines + 20, 1000u);
}

TEST(Text, TruncateSingleHugeLineStaysValidUtf8) {
  std::string s;
  for (int i = 0; i < 10000; ++i) s += "\xE4\xB8\xAD";  // 30000 bytes, one line
  Truncation t = truncate_head_tail(s, 1001, 10);
  ASSERT_TRUE(t.truncated);
  EXPECT_TRUE(is_valid_utf8(t.text));
  EXPECT_LT(t.text.size(), 1200u);
}

TEST(Text, ShortTextUntouched) {
  Truncation t = truncate_head_tail("a\nb\n", 100, 10);
  EXPECT_FALSE(t.truncated);
  EXPECT_EQ(t.text, "a\nb\n");
  EXPECT_TRUE(looks_binary(std::string("a\0b", 3)));
  EXPECT_FALSE(looks_binary("abc"));
}

}  // namespace
}  // namespace agent
