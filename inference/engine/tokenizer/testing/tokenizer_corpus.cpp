#include "inference/engine/tokenizer/testing/tokenizer_corpus.h"

#include <cstdio>
#include <random>

#include "inference/engine/tokenizer/testing/corpus_samples.h"

namespace agent::engine::testing {

namespace {

void append_utf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

struct Range {
  uint32_t first;
  uint32_t last;
};

// Character pools of the random mixes: one script, class or edge case each.
const std::vector<std::vector<Range>>& pools() {
  static const std::vector<std::vector<Range>> k = {
      {{0x20, 0x7E}},                                                    // ASCII
      {{'a', 'z'}, {'A', 'Z'}},                                          // letters
      {{'0', '9'}, {0x660, 0x669}, {0x966, 0x96F}, {0xFF10, 0xFF19},     // digits
       {0xB2, 0xB3}, {0xBC, 0xBE}, {0x2160, 0x217F}, {0x2460, 0x2473}},  // other numbers
      {{' ', ' '}, {'\t', '\r'}, {0xA0, 0xA0}, {0x3000, 0x3000},         // whitespace
       {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}},
      {{0x4E00, 0x9FFF}, {0x3400, 0x34FF}},                              // CJK (in and past 9FA5)
      {{0x3041, 0x3096}, {0x309D, 0x309F}, {0x30A1, 0x30FF}},            // kana
      {{0x3001, 0x3003}, {0x300C, 0x3011}, {0xFF01, 0xFF5E}},            // CJK punctuation
      {{0xAC00, 0xD7A3}},                                                // Hangul
      {{0xC0, 0xFF}, {0x100, 0x17F}, {0x300, 0x36F}},                    // Latin + marks
      {{0x391, 0x3C9}, {0x410, 0x44F}, {0x5D0, 0x5EA}, {0x621, 0x64A}},  // Greek..Arabic
      {{0x905, 0x939}, {0x93E, 0x94D}, {0xE01, 0xE3A}},                  // Devanagari, Thai
      {{0x1F600, 0x1F64F}, {0x1F300, 0x1F5FF}, {0x1F680, 0x1F6C5},       // emoji
       {0x1F3FB, 0x1F3FF}, {0x1F1E6, 0x1F1FF}, {0x200D, 0x200D}, {0xFE0F, 0xFE0F}},
      {{0x2190, 0x22FF}, {0x2500, 0x257F}, {0x20A0, 0x20B8}},            // symbols
      {{0x2010, 0x2027}, {0x2030, 0x205E}, {0xA1, 0xBF}},                // punctuation
      {{0x1, 0x8}, {0xE, 0x1F}, {0x7F, 0x7F}, {0xE000, 0xE0FF}},         // controls, private use
  };
  return k;
}

uint32_t pick(const std::vector<Range>& pool, std::mt19937_64& rng) {
  uint64_t total = 0;
  for (const Range& r : pool) total += r.last - r.first + 1;
  uint64_t k = rng() % total;
  for (const Range& r : pool) {
    uint64_t n = r.last - r.first + 1;
    if (k < n) return r.first + static_cast<uint32_t>(k);
    k -= n;
  }
  return pool.back().last;
}

// A piece of a fixed sample, cut at character boundaries.
std::string sample_slice(const std::vector<std::string>& samples, std::mt19937_64& rng) {
  const std::string& s = samples[rng() % samples.size()];
  size_t a = rng() % (s.size() + 1);
  size_t b = a + rng() % 80;
  auto is_cont = [&](size_t i) { return i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80; };
  while (is_cont(a)) ++a;
  if (b > s.size()) b = s.size();
  while (is_cont(b)) ++b;
  return a < b ? s.substr(a, b - a) : std::string();
}

}  // namespace

std::vector<std::string> fixed_corpus() {
  std::vector<std::string> out;
  for (const auto* group : {&code_samples(), &prose_samples(), &number_samples(),
                            &whitespace_samples(), &token_string_samples()}) {
    out.insert(out.end(), group->begin(), group->end());
  }
  // Long runs: whitespace, digits, one word, CJK, emoji.
  for (size_t n : {1, 2, 3, 7, 16, 64, 257, 1000}) {
    out.push_back(std::string(n, ' '));
    out.push_back("x" + std::string(n, ' ') + "y");
    out.push_back(std::string(n, '\n') + "z" + std::string(n, '\t'));
    out.push_back(std::string(n, '9'));
  }
  out.push_back(std::string(500, 'a'));
  std::string cjk, emoji, mixed;
  for (int i = 0; i < 400; ++i) append_utf8(0x4E00 + static_cast<uint32_t>(i * 37 % 20000), &cjk);
  for (int i = 0; i < 200; ++i) append_utf8(0x1F600 + static_cast<uint32_t>(i % 80), &emoji);
  for (int i = 0; i < 300; ++i) mixed += (i % 3 == 0) ? " \t" : (i % 3 == 1 ? "\r\n" : "  \n ");
  out.push_back(cjk);
  out.push_back(emoji);
  out.push_back(mixed);
  return out;
}

std::vector<std::string> random_corpus(uint64_t seed, size_t count, size_t max_chars) {
  std::mt19937_64 rng(seed);
  const auto& p = pools();
  std::vector<std::string> all = fixed_corpus();
  std::vector<std::string> out;
  out.reserve(count);
  for (size_t d = 0; d < count; ++d) {
    std::string text;
    size_t budget = 1 + rng() % max_chars;
    while (text.size() < budget) {
      switch (rng() % 4) {
        case 0:
        case 1: {  // a run from one pool
          const auto& pool = p[rng() % p.size()];
          for (size_t n = 1 + rng() % 12; n > 0; --n) append_utf8(pick(pool, rng), &text);
          break;
        }
        case 2:
          text += sample_slice(all, rng);
          break;
        default:
          text += sample_slice(token_string_samples(), rng);
          break;
      }
    }
    out.push_back(std::move(text));
  }
  return out;
}

std::string long_conversation(size_t min_bytes) {
  std::vector<std::string> docs = fixed_corpus();
  std::vector<std::string> more = random_corpus(7, 3000, 400);
  docs.insert(docs.end(), more.begin(), more.end());
  std::string out = "<｜begin▁of▁sentence｜>You are a coding agent.";
  for (size_t i = 0; out.size() < min_bytes; ++i) {
    const std::string& d = docs[i % docs.size()];
    switch (i % 3) {
      case 0: out += "<｜User｜>" + d; break;
      case 1: out += "<｜Assistant｜><think>" + d + "</think>"; break;
      default: out += d + "<｜end▁of▁sentence｜>"; break;
    }
  }
  return out;
}

}  // namespace agent::engine::testing

namespace agent::engine::testing {

std::string escape_for_log(const std::string& s, size_t max_bytes) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < max_bytes; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c == '"' || c == '\\') (out += '\\') += static_cast<char>(c);
    else if (c < 0x20 || c >= 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + (s.size() > max_bytes ? "\"..." : "\"");
}

}  // namespace agent::engine::testing
