#include "inference/api/sse_parser.h"

#include <cstring>

namespace agent::api {

namespace {

// The first CR or LF at or after `pos` (memchr for each is faster than find_first_of).
size_t find_eol(std::string_view s, size_t pos) {
  const char* base = s.data() + pos;
  size_t n = s.size() - pos;
  const void* lf = std::memchr(base, '\n', n);
  size_t limit = lf ? static_cast<size_t>(static_cast<const char*>(lf) - base) : n;
  const void* cr = std::memchr(base, '\r', limit);
  if (cr) return pos + static_cast<size_t>(static_cast<const char*>(cr) - base);
  return lf ? pos + limit : std::string_view::npos;
}

}  // namespace

Status SseParser::feed(std::string_view in, const Handler& on_event) {
  size_t pos = 0;
  if (skip_lf_ && !in.empty()) {
    if (in.front() == '\n') pos = 1;
    skip_lf_ = false;
  }
  while (pos < in.size()) {
    size_t eol = find_eol(in, pos);
    if (eol == std::string_view::npos) {
      if (line_.size() + (in.size() - pos) > kMaxLineBytes) {
        return data_loss("event stream line longer than " + std::to_string(kMaxLineBytes >> 20) + " MiB");
      }
      line_.append(in.substr(pos));
      break;
    }
    std::string_view line = in.substr(pos, eol - pos);
    if (!line_.empty()) {
      line_.append(line);
      line = line_;
    }
    size_t next = eol + 1;
    if (in[eol] == '\r') {
      if (next < in.size()) {
        if (in[next] == '\n') ++next;
      } else {
        skip_lf_ = true;
      }
    }
    pos = next;
    Status s = process_line(line, on_event);
    line_.clear();
    if (!s.ok()) return s;
  }
  return ok_status();
}

Status SseParser::process_line(std::string_view line, const Handler& on_event) {
  if (line.empty()) {
    if (!has_data_) {
      current_ = SseEvent();  // an event without data is not dispatched
      has_fields_ = false;
      return ok_status();
    }
    ++events_;
    Status s = on_event(current_);
    current_.event.clear();
    current_.data.clear();
    has_data_ = false;
    has_fields_ = false;
    return s;
  }
  if (line.front() == ':') {
    ++comments_;
    return ok_status();
  }
  size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  has_fields_ = true;
  if (field == "data") {
    if (has_data_) current_.data += '\n';
    current_.data.append(value);
    has_data_ = true;
  } else if (field == "event") {
    current_.event.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) current_.id.assign(value);
  }
  // "retry" and unknown fields are ignored, as the format requires.
  return ok_status();
}

}  // namespace agent::api
