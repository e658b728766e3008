#include "tools/text_lines.h"

#include <gtest/gtest.h>

namespace agent {
namespace {

using V = std::vector<std::string_view>;

TEST(TextLines, SplitKeepsEmptyLinesButNotTheFinalNewline) {
  EXPECT_EQ(split_lines(""), V{});
  EXPECT_EQ(split_lines("a"), V{"a"});
  EXPECT_EQ(split_lines("a\n"), V{"a"});
  EXPECT_EQ(split_lines("a\n\nb"), (V{"a", "", "b"}));
  EXPECT_EQ(split_lines("\n\n"), (V{"", ""}));
}

TEST(TextLines, NumberedLinesLookLikeCatN) {
  EXPECT_EQ(numbered_line(7, "int x;\r"), "     7\tint x;\n");
  EXPECT_EQ(numbered_line(1234567, "x"), "1234567\tx\n");
  EXPECT_EQ(numbered_line(1, "bad \xff byte"), "     1\tbad \xEF\xBF\xBD byte\n");
  std::string cut = numbered_line(1, "ééééé", 5);  // never cut inside a character
  EXPECT_EQ(cut, "     1\téé [... 6 more bytes on this line]\n");
  EXPECT_EQ(numbered_lines(V{"a", "b", "c"}, 1, 9), "     2\tb\n     3\tc\n");
}

TEST(TextLines, LineNumbersAndLineEndings) {
  EXPECT_EQ(line_number_at("a\nb\nc", 0), 1u);
  EXPECT_EQ(line_number_at("a\nb\nc", 2), 2u);
  EXPECT_EQ(line_number_at("a\nb\nc", 4), 3u);
  EXPECT_TRUE(uses_crlf("a\r\nb\r\nc\n"));
  EXPECT_FALSE(uses_crlf("a\nb\r\nc\n"));
  EXPECT_FALSE(uses_crlf("no newline"));
  EXPECT_EQ(lf_to_crlf("a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
}

}  // namespace
}  // namespace agent
