#include "tools/line_match.h"

#include <algorithm>
#include <cstdint>

namespace agent {

namespace {

std::string_view trim_right(std::string_view s) {
  size_t end = s.find_last_not_of(" \t\r\v\f");
  return end == std::string_view::npos ? std::string_view() : s.substr(0, end + 1);
}

std::string_view trim(std::string_view s) {
  s = trim_right(s);
  size_t begin = s.find_first_not_of(" \t\r\v\f");
  return begin == std::string_view::npos ? std::string_view() : s.substr(begin);
}

// The ASCII stand-in for the 3-byte UTF-8 character E2 b1 b2, or 0.
char ascii_for_e2(unsigned char b1, unsigned char b2) {
  if (b1 == 0x80) {
    if (b2 >= 0x90 && b2 <= 0x95) return '-';   // U+2010..U+2015 hyphens and dashes
    if (b2 >= 0x98 && b2 <= 0x9B) return '\'';  // U+2018..U+201B single quotes
    if (b2 >= 0x9C && b2 <= 0x9F) return '"';   // U+201C..U+201F double quotes
    if ((b2 >= 0x82 && b2 <= 0x8A) || b2 == 0xAF) return ' ';  // U+2002..U+200A, U+202F
  }
  if (b1 == 0x81 && b2 == 0x9F) return ' ';  // U+205F medium mathematical space
  if (b1 == 0x88 && b2 == 0x92) return '-';  // U+2212 minus sign
  return 0;
}

std::string key_for(std::string_view line, MatchTier tier) {
  switch (tier) {
    case MatchTier::kExact: return std::string(line);
    case MatchTier::kTrailingWhitespace: return std::string(trim_right(line));
    case MatchTier::kSurroundingWhitespace: return std::string(trim(line));
    case MatchTier::kPunctuation: return std::string(trim(normalise_punctuation(line)));
  }
  return std::string(line);
}

// First tier-`tier` match at or after `start` (the one nearest `hint` when given).
std::optional<size_t> seek_in_tier(const std::vector<std::string>& keys,
                                   const std::vector<std::string>& pat, size_t start,
                                   std::optional<size_t> hint) {
  std::optional<size_t> best;
  auto distance = [&](size_t i) { return i > *hint ? i - *hint : *hint - i; };
  for (size_t i = start; i + pat.size() <= keys.size(); ++i) {
    if (!std::equal(pat.begin(), pat.end(), keys.begin() + static_cast<long>(i))) continue;
    if (!hint) return i;
    if (!best || distance(i) < distance(*best)) best = i;
    if (i >= *hint) break;  // later matches are only further away
  }
  return best;
}

constexpr MatchTier kTiers[] = {MatchTier::kExact, MatchTier::kTrailingWhitespace,
                                MatchTier::kSurroundingWhitespace, MatchTier::kPunctuation};

}  // namespace

std::string_view match_tier_description(MatchTier tier) {
  switch (tier) {
    case MatchTier::kExact: return "exactly";
    case MatchTier::kTrailingWhitespace: return "ignoring trailing whitespace";
    case MatchTier::kSurroundingWhitespace: return "ignoring indentation and trailing whitespace";
    case MatchTier::kPunctuation: return "ignoring whitespace and Unicode punctuation";
  }
  return "?";
}

std::string normalise_punctuation(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      out += ' ';  // U+00A0 no-break space
      ++i;
    } else if (c == 0xE2 && i + 2 < s.size()) {
      char a = ascii_for_e2(static_cast<unsigned char>(s[i + 1]), static_cast<unsigned char>(s[i + 2]));
      if (a != 0) {
        out += a;
        i += 2;
      } else {
        out += s[i];
      }
    } else if (c == 0xE3 && s.substr(i, 3) == "\xE3\x80\x80") {
      out += ' ';  // U+3000 ideographic space
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::optional<SeekMatch> seek_sequence(const std::vector<std::string>& lines,
                                       const std::vector<std::string>& pattern,
                                       const SeekOptions& options) {
  if (pattern.empty()) return SeekMatch{std::min(options.start, lines.size()), MatchTier::kExact};
  if (pattern.size() > lines.size()) return std::nullopt;
  const size_t last = lines.size() - pattern.size();
  for (MatchTier tier : kTiers) {
    std::vector<std::string> lenient_keys, lenient_pat;
    if (tier != MatchTier::kExact) {
      for (const auto& l : lines) lenient_keys.push_back(key_for(l, tier));
      for (const auto& p : pattern) lenient_pat.push_back(key_for(p, tier));
    }
    const auto& keys = tier == MatchTier::kExact ? lines : lenient_keys;
    const auto& pat = tier == MatchTier::kExact ? pattern : lenient_pat;
    std::optional<size_t> found;
    if (options.eof && last >= options.start) found = seek_in_tier(keys, pat, last, std::nullopt);
    if (!found) found = seek_in_tier(keys, pat, options.start, options.hint);
    if (found) return SeekMatch{*found, tier};
  }
  return std::nullopt;
}

namespace {

// Sorted character bigrams of a line with its whitespace runs collapsed and ends trimmed.
std::vector<uint16_t> bigrams(std::string_view line) {
  constexpr size_t kMaxBytes = 512;  // a minified line says enough in its first 512 bytes
  std::string collapsed;
  for (char c : trim(line)) {
    bool space = c == ' ' || c == '\t';
    if (space && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed += space ? ' ' : c;
    if (collapsed.size() >= kMaxBytes) break;
  }
  std::vector<uint16_t> out;
  if (collapsed.size() == 1) out.push_back(static_cast<uint8_t>(collapsed[0]));
  for (size_t i = 0; i + 1 < collapsed.size(); ++i) {
    out.push_back(static_cast<uint16_t>(static_cast<uint8_t>(collapsed[i]) << 8 |
                                        static_cast<uint8_t>(collapsed[i + 1])));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Dice coefficient of two sorted bigram multisets; two blank lines are equal.
double dice(const std::vector<uint16_t>& a, const std::vector<uint16_t>& b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++common, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return 2.0 * static_cast<double>(common) / static_cast<double>(a.size() + b.size());
}

}  // namespace

std::optional<LineWindow> closest_window(const std::vector<std::string_view>& hay,
                                         const std::vector<std::string_view>& needle) {
  if (hay.empty() || needle.empty()) return std::nullopt;
  const size_t m = std::min(needle.size(), hay.size());
  const size_t windows = hay.size() - m + 1;
  // Bound the work to about kMaxPairs line comparisons by sampling the needle's lines.
  constexpr size_t kMaxPairs = 3'000'000;
  size_t stride = std::max<size_t>(1, (windows * m + kMaxPairs - 1) / kMaxPairs);
  std::vector<size_t> sample;
  for (size_t k = 0; k < m; k += stride) sample.push_back(k);
  std::vector<std::vector<uint16_t>> needle_grams(m);
  for (size_t k : sample) needle_grams[k] = bigrams(needle[k]);
  // The bigrams of the current window's lines only, in a ring: memory stays O(needle) even on
  // a file of millions of lines.
  std::vector<std::vector<uint16_t>> ring(m);
  for (size_t j = 0; j + 1 < m; ++j) ring[j] = bigrams(hay[j]);
  LineWindow best;
  best.count = m;
  double best_score = -1.0;
  for (size_t i = 0; i < windows; ++i) {
    ring[(i + m - 1) % m] = bigrams(hay[i + m - 1]);
    double score = 0.0;
    for (size_t k : sample) score += dice(ring[(i + k) % m], needle_grams[k]);
    if (score > best_score) {
      best_score = score;
      best.first = i;
    }
  }
  // A needle longer than the file cannot be more similar than the share it covers.
  best.similarity = best_score / static_cast<double>(sample.size()) *
                    static_cast<double>(m) / static_cast<double>(needle.size());
  return best;
}

}  // namespace agent
