#include "tools/line_match.h"

#include <gtest/gtest.h>

namespace agent {
namespace {

using L = std::vector<std::string>;

TEST(SeekSequence, TiersFromExactToLenient) {
  L file = {"def f():", "    return 1  ", "", "x = “quoted” — dash"};
  auto exact = seek_sequence(file, {"def f():"}, {});
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->index, 0u);
  EXPECT_EQ(exact->tier, MatchTier::kExact);

  auto trailing = seek_sequence(file, {"    return 1"}, {});
  ASSERT_TRUE(trailing);
  EXPECT_EQ(trailing->index, 1u);
  EXPECT_EQ(trailing->tier, MatchTier::kTrailingWhitespace);

  auto indent = seek_sequence(file, {"def f():", "return 1"}, {});
  ASSERT_TRUE(indent);
  EXPECT_EQ(indent->tier, MatchTier::kSurroundingWhitespace);

  auto punct = seek_sequence(file, {"x = \"quoted\" - dash"}, {});
  ASSERT_TRUE(punct);
  EXPECT_EQ(punct->index, 3u);
  EXPECT_EQ(punct->tier, MatchTier::kPunctuation);

  EXPECT_FALSE(seek_sequence(file, {"def g():"}, {}));
  EXPECT_FALSE(seek_sequence(file, {"a", "b", "c", "d", "e"}, {}));
}

TEST(SeekSequence, ExactBeatsLenientEvenWhenLater) {
  L file = {"  x", "y", "x", "y"};
  auto m = seek_sequence(file, {"x", "y"}, {});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->index, 2u);
  EXPECT_EQ(m->tier, MatchTier::kExact);
}

SeekOptions opts(size_t start, bool eof = false, std::optional<size_t> hint = std::nullopt) {
  SeekOptions o;
  o.start = start;
  o.eof = eof;
  o.hint = hint;
  return o;
}

TEST(SeekSequence, StartEofAndHint) {
  L file = {"a", "b", "a", "b", "a", "b"};
  EXPECT_EQ(seek_sequence(file, {"a", "b"}, {})->index, 0u);
  EXPECT_EQ(seek_sequence(file, {"a", "b"}, opts(1))->index, 2u);
  EXPECT_EQ(seek_sequence(file, {"a", "b"}, opts(0, true))->index, 4u);
  EXPECT_EQ(seek_sequence(file, {"a", "b"}, opts(0, false, 3))->index, 2u);
  EXPECT_EQ(seek_sequence(file, {"a", "b"}, opts(0, false, 5))->index, 4u);
  // An EOF hunk whose lines are not at the end is still found where they are.
  EXPECT_EQ(seek_sequence({"a", "b", "c"}, {"a"}, opts(0, true))->index, 0u);
  EXPECT_EQ(seek_sequence(file, {}, opts(3))->index, 3u);
}

TEST(NormalisePunctuation, MapsUnicodeToAscii) {
  EXPECT_EQ(normalise_punctuation("‘a’ “b” c–d e—f g\u00a0h i\u2212j k\u3000l"),
            "'a' \"b\" c-d e-f g h i-j k l");
  EXPECT_EQ(normalise_punctuation("日本語 €"), "日本語 €");
}

TEST(ClosestWindow, FindsTheMostSimilarRun) {
  std::vector<std::string_view> hay = {"int main() {", "  int count = 0;", "  count += 2;",
                                       "  return count;", "}"};
  auto w = closest_window(hay, {"int count = 1;", "count += 2;"});
  ASSERT_TRUE(w);
  EXPECT_EQ(w->first, 1u);
  EXPECT_EQ(w->count, 2u);
  EXPECT_GT(w->similarity, 0.8);
  EXPECT_LT(w->similarity, 1.0);
  auto same = closest_window(hay, {"return   count;"});
  ASSERT_TRUE(same);
  EXPECT_EQ(same->first, 3u);
  EXPECT_DOUBLE_EQ(same->similarity, 1.0);
  EXPECT_FALSE(closest_window({}, {"x"}));
  auto longer = closest_window({"a"}, {"a", "b"});
  ASSERT_TRUE(longer);
  EXPECT_DOUBLE_EQ(longer->similarity, 0.5);
}

TEST(ClosestWindow, BigInputsStayBounded) {
  std::vector<std::string> lines;
  for (int i = 0; i < 200000; ++i) lines.push_back("line number " + std::to_string(i));
  std::vector<std::string_view> hay(lines.begin(), lines.end());
  std::vector<std::string_view> needle(hay.begin() + 150000, hay.begin() + 150100);
  auto w = closest_window(hay, needle);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->first, 150000u);
}

}  // namespace
}  // namespace agent
