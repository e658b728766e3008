#include "inference/engine/tokenizer/pre_tokenizer.h"

#include "inference/engine/tokenizer/unicode_classes.h"

namespace agent::engine {

namespace {

constexpr uint8_t kLetterOrMark = kClassLetter | kClassMark;
constexpr uint8_t kPunctOrSymbol = kClassPunct | kClassSymbol;

// A view of one piece with the class table at hand. Offsets are relative to `base`.
struct Scanner {
  const unsigned char* base;
  const uint8_t* table;
  size_t end;  // the piece's end: look-ahead stops here

  Utf8Char at(size_t pos) const { return decode_utf8(base + pos, base + end); }
  uint8_t cls(Utf8Char c) const { return c.cp == kInvalidCodePoint ? 0 : unicode_class(table, c.cp); }

  // End of the run of characters, from `pos`, whose class has any of `bits`.
  size_t run(size_t pos, uint8_t bits) const {
    while (pos < end) {
      Utf8Char c = at(pos);
      if (!(cls(c) & bits)) break;
      pos += c.len;
    }
    return pos;
  }
};

bool is_ascii_punct(uint32_t cp) {
  return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) || (cp >= 0x5B && cp <= 0x60) ||
         (cp >= 0x7B && cp <= 0x7E);
}
bool is_ascii_letter(unsigned char b) { return (b | 0x20) >= 'a' && (b | 0x20) <= 'z'; }
bool is_cr_lf(uint32_t cp) { return cp == '\r' || cp == '\n'; }

// The whitespace alternatives \s*[\r\n]+ | \s+(?!\S) | \s+ at `pos` (a space character).
size_t match_space(const Scanner& s, size_t pos) {
  size_t last_newline_end = 0;  // end of the last \r or \n of the run, 0 if none
  size_t last_char_start = pos;
  size_t q = pos;
  while (q < s.end) {
    Utf8Char c = s.at(q);
    if (!(s.cls(c) & kClassSpace)) break;
    last_char_start = q;
    q += c.len;
    if (is_cr_lf(c.cp)) last_newline_end = q;
  }
  // \s*[\r\n]+ backtracks \s* to the run's last newline.
  if (last_newline_end != 0) return last_newline_end;
  // \s+(?!\S): the whole run at the piece's end, else all but its last character.
  if (q == s.end) return q;
  if (last_char_start > pos) return last_char_start;
  return q;  // \s+: a single space before a non-space
}

// Rule 3 at `pos`: the end of the match that starts there, or 0 when none does.
size_t match_rule3(const Scanner& s, size_t pos) {
  Utf8Char c0 = s.at(pos);
  uint8_t k0 = s.cls(c0);
  size_t p1 = pos + c0.len;
  // [!"#...~][A-Za-z]+
  if (is_ascii_punct(c0.cp) && p1 < s.end && is_ascii_letter(s.base[p1])) {
    size_t q = p1;
    while (q < s.end && is_ascii_letter(s.base[q])) ++q;
    return q;
  }
  // [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+
  if (!is_cr_lf(c0.cp) && !(k0 & (kClassLetter | kPunctOrSymbol)) && p1 < s.end &&
      (s.cls(s.at(p1)) & kLetterOrMark)) {
    return s.run(p1, kLetterOrMark);
  }
  if (k0 & kLetterOrMark) return s.run(pos, kLetterOrMark);
  // ' ?[\p{P}\p{S}]+[\r\n]*'
  bool space_then_punct = c0.cp == ' ' && p1 < s.end && (s.cls(s.at(p1)) & kPunctOrSymbol);
  if (space_then_punct || (k0 & kPunctOrSymbol)) {
    size_t q = s.run(space_then_punct ? p1 : pos, kPunctOrSymbol);
    while (q < s.end && (s.base[q] == '\r' || s.base[q] == '\n')) ++q;
    return q;
  }
  if (k0 & kClassSpace) return match_space(s, pos);
  return 0;
}

// Rule 3 over one piece [begin, end): every match is a piece, and so is each gap.
void split_rule3(const unsigned char* base, const uint8_t* table, size_t begin, size_t end,
                 std::vector<size_t>* ends) {
  // Offsets relative to `begin` keep 0 free to mean "no match".
  Scanner s{base + begin, table, end - begin};
  size_t pos = 0;
  size_t gap_start = 0;
  while (pos < s.end) {
    size_t m = match_rule3(s, pos);
    if (m == 0) {
      pos += s.at(pos).len;
      continue;
    }
    if (gap_start < pos) ends->push_back(begin + pos);
    ends->push_back(begin + m);
    pos = m;
    gap_start = m;
  }
  if (gap_start < s.end) ends->push_back(end);
}

// Rule 2 over one piece: runs of CJK characters are pieces; gaps go on to rule 3.
void split_rule2(const unsigned char* base, const uint8_t* table, size_t begin, size_t end,
                 std::vector<size_t>* ends) {
  Scanner s{base, table, end};
  size_t gap_start = begin;
  size_t pos = begin;
  while (pos < end) {
    Utf8Char c = s.at(pos);
    if (!(s.cls(c) & kClassCjk)) {
      pos += c.len;
      continue;
    }
    if (gap_start < pos) split_rule3(base, table, gap_start, pos, ends);
    size_t q = s.run(pos, kClassCjk);
    split_rule3(base, table, pos, q, ends);
    pos = q;
    gap_start = q;
  }
  if (gap_start < end) split_rule3(base, table, gap_start, end, ends);
}

}  // namespace

void pre_tokenize_deepseek_v3(std::string_view text, std::vector<size_t>* ends) {
  const auto* base = reinterpret_cast<const unsigned char*>(text.data());
  const uint8_t* table = unicode_class_table();
  Scanner s{base, table, text.size()};
  // Rule 1: \p{N}{1,3}, greedy, so a run of digits splits into groups of three from its start.
  size_t gap_start = 0;
  size_t pos = 0;
  while (pos < s.end) {
    Utf8Char c = s.at(pos);
    if (!(s.cls(c) & kClassNumber)) {
      pos += c.len;
      continue;
    }
    if (gap_start < pos) split_rule2(base, table, gap_start, pos, ends);
    size_t q = pos + c.len;
    for (int n = 1; n < 3 && q < s.end; ++n) {
      Utf8Char d = s.at(q);
      if (!(s.cls(d) & kClassNumber)) break;
      q += d.len;
    }
    split_rule2(base, table, pos, q, ends);
    pos = q;
    gap_start = q;
  }
  if (gap_start < s.end) split_rule2(base, table, gap_start, s.end, ends);
}

}  // namespace agent::engine
