// Line helpers shared by the file tools: splitting text into lines, the cat -n style numbered
// listing the model reads (and quotes back in edits), and line-ending detection.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

// Lines without their '\n'; a final '\n' does not start another line ("" has no lines).
std::vector<std::string_view> split_lines(std::string_view text);

// One line as read_file prints it: the 1-based number right-aligned in 6 columns, a tab, the
// text (a trailing '\r' dropped, invalid UTF-8 replaced, cut after `max_bytes` with a note of
// what was left out), '\n'.
std::string numbered_line(size_t number, std::string_view text, size_t max_bytes = 2000);

// Lines [begin, end) of `lines` (0-based indexes), numbered from begin + 1.
std::string numbered_lines(const std::vector<std::string_view>& lines, size_t begin, size_t end);

// The 1-based line on which byte `offset` of `text` lies.
size_t line_number_at(std::string_view text, size_t offset);

// True when most line breaks of `text` are "\r\n".
bool uses_crlf(std::string_view text);
// Every '\n' not already preceded by '\r' becomes "\r\n".
std::string lf_to_crlf(std::string_view text);

}  // namespace agent
