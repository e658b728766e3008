#include "tools/text_lines.h"

#include <algorithm>

#include "common/text.h"

namespace agent {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::string numbered_line(size_t number, std::string_view text, size_t max_bytes) {
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  std::string num = std::to_string(number);
  std::string out(num.size() < 6 ? 6 - num.size() : 0, ' ');
  out += num;
  out += '\t';
  if (text.size() > max_bytes) {
    size_t keep = utf8_safe_prefix(text, max_bytes);
    out += sanitize_utf8(text.substr(0, keep));
    out += " [... " + std::to_string(text.size() - keep) + " more bytes on this line]";
  } else {
    out += sanitize_utf8(text);
  }
  out += '\n';
  return out;
}

std::string numbered_lines(const std::vector<std::string_view>& lines, size_t begin, size_t end) {
  std::string out;
  end = std::min(end, lines.size());
  for (size_t i = begin; i < end; ++i) out += numbered_line(i + 1, lines[i]);
  return out;
}

size_t line_number_at(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

bool uses_crlf(std::string_view text) {
  size_t crlf = 0, lf = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') continue;
    if (i > 0 && text[i - 1] == '\r') {
      ++crlf;
    } else {
      ++lf;
    }
  }
  return crlf > lf;
}

std::string lf_to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

}  // namespace agent
