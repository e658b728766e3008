#include "agent/journal.h"

#include <unistd.h>

#include <cerrno>

namespace agent {

Result<Journal> Journal::open(const std::filesystem::path& path) {
  Journal j;
  AGENT_RETURN_IF_ERROR(j.file_.open(path));
  return j;
}

Status Journal::append(const Event& e) { return file_.append_line(e.to_line()); }

Status repair_journal_tail(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.status();
  if (text->empty() || text->back() == '\n') return ok_status();
  size_t keep = text->rfind('\n');
  keep = keep == std::string::npos ? 0 : keep + 1;
  if (::truncate(path.c_str(), static_cast<off_t>(keep)) != 0) {
    return errno_status(errno, "truncate " + path.string());
  }
  return ok_status();
}

Result<JournalContents> read_journal(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.status();
  JournalContents out;
  const std::string& s = *text;
  size_t pos = 0;
  size_t line_no = 0;
  while (pos < s.size()) {
    size_t nl = s.find('\n', pos);
    bool last = nl == std::string::npos;
    std::string_view line(s.data() + pos, (last ? s.size() : nl) - pos);
    pos = last ? s.size() : nl + 1;
    ++line_no;
    if (line.empty()) continue;
    std::string where = path.string() + " line " + std::to_string(line_no);
    auto e = event_from_line(line, where);
    if (!e.ok()) {
      // Only an unterminated last line can be a write the crash cut short.
      if (last) {
        out.truncated_tail = true;
        break;
      }
      return data_loss(e.status().message());
    }
    out.events.push_back(std::move(*e));
  }
  return out;
}

}  // namespace agent
