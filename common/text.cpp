#include "common/text.h"

#include <algorithm>
#include <cstdint>

namespace agent {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid/truncated.
size_t utf8_seq_len(std::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  unsigned char c = p[i];
  if (c < 0x80) return 1;
  size_t len;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
  else return 0;
  if (i + len > n) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((p[i + k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i + k] & 0x3F);
  }
  // Overlong forms, surrogates, out of range.
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  if (cp > 0x10FFFF) return 0;
  return len;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t len = utf8_seq_len(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string sanitize_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 16);
  for (size_t i = 0; i < s.size();) {
    size_t len = utf8_seq_len(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

size_t utf8_safe_prefix(std::string_view s, size_t max_bytes) {
  if (max_bytes >= s.size()) return s.size();
  size_t end = max_bytes;
  // Step back over continuation bytes to the start of the character that straddles the cut.
  size_t k = end;
  while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80 && end - k < 4) --k;
  return k;
}

std::string strip_ansi(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\x1b') {
      out += c;
      continue;
    }
    if (i + 1 >= s.size()) break;
    char k = s[i + 1];
    if (k == '[') {  // CSI: parameters and intermediates, then a final byte 0x40..0x7E
      size_t j = i + 2;
      while (j < s.size() && !(s[j] >= 0x40 && s[j] <= 0x7E)) ++j;
      i = j;
    } else if (k == ']') {  // OSC: until BEL or ESC '\'
      size_t j = i + 2;
      while (j < s.size() && s[j] != '\x07' && !(s[j] == '\x1b' && j + 1 < s.size() && s[j + 1] == '\\')) ++j;
      if (j < s.size() && s[j] == '\x1b') ++j;
      i = j;
    } else {
      i += 1;  // two-byte sequence such as ESC ( B or ESC =
      if (k == '(' || k == ')') ++i;
    }
  }
  return out;
}

std::string collapse_carriage_returns(std::string_view s) {
  if (s.find('\r') == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  size_t start = 0;
  while (start <= s.size()) {
    size_t nl = s.find('\n', start);
    size_t end = nl == std::string_view::npos ? s.size() : nl;
    std::string_view line = s.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF
    size_t cr = line.rfind('\r');
    if (cr != std::string_view::npos) line = line.substr(cr + 1);
    out.append(line);
    if (nl == std::string_view::npos) break;
    out += '\n';
    start = nl + 1;
  }
  return out;
}

std::string clean_terminal_output(std::string_view s) {
  return sanitize_utf8(collapse_carriage_returns(strip_ansi(s)));
}

bool looks_binary(std::string_view s) {
  return s.substr(0, 8192).find('\0') != std::string_view::npos;
}

size_t count_lines(std::string_view s) {
  if (s.empty()) return 0;
  size_t n = static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
  if (s.back() != '\n') ++n;
  return n;
}

Truncation truncate_head_tail(std::string_view s, size_t max_bytes, size_t max_lines) {
  Truncation t;
  t.total_bytes = s.size();
  t.total_lines = count_lines(s);
  if (s.size() <= max_bytes && t.total_lines <= max_lines) {
    t.text = std::string(s);
    return t;
  }
  t.truncated = true;
  size_t half_bytes = max_bytes / 2;
  size_t half_lines = std::max<size_t>(1, max_lines / 2);

  // Head: up to half_lines lines and half_bytes bytes.
  size_t head_end = 0, lines = 0;
  while (head_end < s.size() && lines < half_lines) {
    size_t nl = s.find('\n', head_end);
    size_t next = nl == std::string_view::npos ? s.size() : nl + 1;
    if (next > half_bytes) break;
    head_end = next;
    ++lines;
  }
  if (head_end == 0) head_end = utf8_safe_prefix(s, half_bytes);  // one huge first line

  // Tail: up to half_lines lines and half_bytes bytes, from the end.
  size_t tail_start = s.size();
  lines = 0;
  while (tail_start > head_end && lines < half_lines) {
    size_t search_end = tail_start >= 2 ? tail_start - 2 : 0;
    size_t nl = tail_start >= 2 ? s.rfind('\n', search_end) : std::string_view::npos;
    size_t prev = (nl == std::string_view::npos || nl < head_end) ? head_end : nl + 1;
    if (s.size() - prev > half_bytes) break;
    tail_start = prev;
    ++lines;
  }
  if (tail_start == s.size() && s.size() - head_end > 0) {
    // One huge last line: keep its last half_bytes bytes, starting on a character boundary.
    size_t start = s.size() > half_bytes ? s.size() - half_bytes : 0;
    start = std::max(start, head_end);
    while (start < s.size() && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) ++start;
    tail_start = start;
  }

  std::string_view head = s.substr(0, head_end);
  std::string_view tail = s.substr(tail_start);
  std::string_view middle = s.substr(head_end, tail_start - head_end);
  t.omitted_bytes = middle.size();
  t.omitted_lines = static_cast<size_t>(std::count(middle.begin(), middle.end(), '\n'));
  t.text.reserve(head.size() + tail.size() + 96);
  t.text.append(head);
  if (!t.text.empty() && t.text.back() != '\n') t.text += '\n';
  t.text += "[... ";
  t.text += std::to_string(t.omitted_lines);
  t.text += " lines, ";
  t.text += std::to_string(t.omitted_bytes);
  t.text += " bytes omitted ...]\n";
  t.text.append(tail);
  return t;
}

}  // namespace agent
