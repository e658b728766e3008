#include "common/event.h"

namespace agent {

std::string Event::to_line() const {
  std::string line = "{\"type\":";
  line += dump_json(Json(type));
  if (data.is_object() && !data.empty()) {
    std::string rest = dump_json(data);  // "{...}"
    line += ',';
    line.append(rest, 1, std::string::npos);
  } else {
    line += '}';
  }
  return line;
}

Result<Event> event_from_line(std::string_view line, std::string_view where) {
  AGENT_ASSIGN_OR_RETURN(Json j, parse_json(line, where));
  if (!j.is_object()) return invalid_argument(std::string(where) + ": event must be an object");
  AGENT_ASSIGN_OR_RETURN(std::string type, get_string(j, "type", where));
  j.erase("type");
  return Event(type, std::move(j));
}

}  // namespace agent
