// The hand-written DeepSeek-V3 split, case by case. Expected pieces follow from the regexes'
// leftmost-first backtracking semantics; the reference test checks the same on a large corpus.
#include "inference/engine/tokenizer/pre_tokenizer.h"

#include <gtest/gtest.h>

namespace agent::engine {
namespace {

std::vector<std::string> split(std::string_view text) {
  std::vector<size_t> ends;
  pre_tokenize_deepseek_v3(text, &ends);
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t e : ends) {
    EXPECT_GT(e, start) << "empty piece";
    out.emplace_back(text.substr(start, e - start));
    start = e;
  }
  EXPECT_EQ(start, text.size()) << "pieces must cover the text";
  return out;
}

using Pieces = std::vector<std::string>;

TEST(PreTokenizer, IndentBeforeWordKeepsOneSpaceWithTheWord) {
  EXPECT_EQ(split("    int x;"), (Pieces{"   ", " int", " x", ";"}));
  EXPECT_EQ(split("a  b"), (Pieces{"a", " ", " b"}));
}

TEST(PreTokenizer, WhitespaceRuns) {
  // \s+(?!\S): a run at the end of the text is whole; before a non-space, all but its last.
  EXPECT_EQ(split("x   "), (Pieces{"x", "   "}));
  EXPECT_EQ(split("   "), (Pieces{"   "}));
  // \s*[\r\n]+ takes the run up to its last line break; what follows is a new run.
  EXPECT_EQ(split("a  \n\n  b"), (Pieces{"a", "  \n\n", " ", " b"}));
  EXPECT_EQ(split("a \r\n\tb"), (Pieces{"a", " \r\n", "\tb"}));
  EXPECT_EQ(split("\n\n\n"), (Pieces{"\n\n\n"}));
  // A single space before punctuation goes with it; before a digit it stands alone.
  EXPECT_EQ(split("a = 1"), (Pieces{"a", " =", " ", "1"}));
}

TEST(PreTokenizer, PunctuationKeepsTrailingNewlines) {
  EXPECT_EQ(split("x>;\n\ny"), (Pieces{"x", ">;\n\n", "y"}));
  EXPECT_EQ(split(".com _name"), (Pieces{".com", " _", "name"}));
  EXPECT_EQ(split("->foo"), (Pieces{"->", "foo"}));
  EXPECT_EQ(split("'s"), (Pieces{"'s"}));
}

TEST(PreTokenizer, DigitsInGroupsOfThree) {
  EXPECT_EQ(split("1234567"), (Pieces{"123", "456", "7"}));
  EXPECT_EQ(split("v12abc"), (Pieces{"v", "12", "abc"}));
  EXPECT_EQ(split("٣٤٥٦"), (Pieces{"٣٤٥", "٦"}));
}

TEST(PreTokenizer, CjkRunsAreSeparatePieces) {
  EXPECT_EQ(split("你好世界，こんにちは"), (Pieces{"你好世界", "，", "こんにちは"}));
  EXPECT_EQ(split("abc中文def"), (Pieces{"abc", "中文", "def"}));
  // Hangul is not in the CJK rule: it is letters.
  EXPECT_EQ(split(" 안녕 하세요"), (Pieces{" 안녕", " 하세요"}));
}

TEST(PreTokenizer, LettersMarksAndOtherCharacters) {
  EXPECT_EQ(split("e\xCC\x81t\xC3\xA9"), (Pieces{"e\xCC\x81t\xC3\xA9"}));  // combining mark
  // An emoji is a symbol; a zero-width joiner belongs to no alternative and stays a gap piece.
  EXPECT_EQ(split("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9"),
            (Pieces{"\xF0\x9F\x91\xA8", "\xE2\x80\x8D", "\xF0\x9F\x91\xA9"}));
  // A control character before letters is the optional first character of the word.
  EXPECT_EQ(split("\x01" "abc"), (Pieces{"\x01" "abc"}));
  EXPECT_EQ(split("\x01\x02"), (Pieces{"\x01\x02"}));
}

TEST(PreTokenizer, UnicodeWhitespaceFollowsOniguruma) {
  // U+3000 and U+00A0 are \s; U+0085 is \s too (JavaScript's \s differs there).
  EXPECT_EQ(split("a\u3000\u3000b"), (Pieces{"a", "\u3000", "\u3000b"}));
  EXPECT_EQ(split("a\xC2\x85\xC2\x85"), (Pieces{"a", "\xC2\x85\xC2\x85"}));
}

TEST(PreTokenizer, InvalidUtf8IsSplitWithoutLoss) {
  std::string bad = "a\xFF\xFE b\xC3";
  Pieces p = split(bad);
  std::string joined;
  for (const auto& s : p) joined += s;
  EXPECT_EQ(joined, bad);
}

}  // namespace
}  // namespace agent::engine
