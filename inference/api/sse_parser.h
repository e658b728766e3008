// Incremental parser of a text/event-stream body (the WHATWG Server-Sent Events format), fed
// with whatever byte ranges the network delivers: lines may be split anywhere, end in LF, CRLF
// or CR, and events are dispatched at blank lines. Comment lines (": keep-alive", which
// DeepSeek sends while a request waits in its queue) are counted and skipped; several "data:"
// lines join with '\n'. Knows nothing of what the data means ("[DONE]" is the backend's).
// Thread-safety: one parser per stream, used from one thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace agent::api {

struct SseEvent {
  std::string event;  // "event:" field; empty means "message"
  std::string data;   // the joined "data:" lines
  std::string id;
};

class SseParser {
 public:
  using Handler = std::function<Status(const SseEvent&)>;

  // Parses `bytes`, calling `on_event` for every event completed by them. Stops at the first
  // non-OK status the handler returns and returns it; DataLoss for a line over the limit.
  Status feed(std::string_view bytes, const Handler& on_event);

  // True when no partial line or undispatched event is pending (a clean end of stream).
  bool at_boundary() const { return line_.empty() && !has_fields_; }
  size_t comments() const { return comments_; }
  size_t events() const { return events_; }

  static constexpr size_t kMaxLineBytes = 64u << 20;

 private:
  Status process_line(std::string_view line, const Handler& on_event);

  std::string line_;       // the start of a line split across feeds
  bool skip_lf_ = false;   // the previous feed ended with '\r': a leading '\n' belongs to it
  SseEvent current_;
  bool has_data_ = false;
  bool has_fields_ = false;
  size_t comments_ = 0;
  size_t events_ = 0;
};

}  // namespace agent::api
