// Text helpers for what programs print and models read: UTF-8 repair, terminal escape
// removal, progress-bar collapsing, and head+tail truncation that says what it cut.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace agent {

bool is_valid_utf8(std::string_view s);
// Invalid sequences become U+FFFD; valid text is returned unchanged.
std::string sanitize_utf8(std::string_view s);
// Length of the longest prefix of `s` that does not end inside a UTF-8 sequence.
size_t utf8_safe_prefix(std::string_view s, size_t max_bytes);

// Removes ANSI/VT escape sequences (CSI, OSC, and two-byte ESC sequences).
std::string strip_ansi(std::string_view s);
// Keeps, on each line, only what follows the last bare '\r' (progress bars redraw that way).
std::string collapse_carriage_returns(std::string_view s);
// strip_ansi + collapse_carriage_returns + sanitize_utf8: what a model should read.
std::string clean_terminal_output(std::string_view s);

// True when the data looks binary (a NUL byte in its first 8 KiB).
bool looks_binary(std::string_view s);

struct Truncation {
  std::string text;          // what to show
  bool truncated = false;
  size_t total_bytes = 0;
  size_t total_lines = 0;
  size_t omitted_bytes = 0;
  size_t omitted_lines = 0;
};

// Keeps the head and the tail of `s` (each at most half of the byte and line budgets), cut at
// line boundaries where possible and never inside a UTF-8 character, with a marker in between
// that counts what was left out.
Truncation truncate_head_tail(std::string_view s, size_t max_bytes, size_t max_lines);

size_t count_lines(std::string_view s);

}  // namespace agent
