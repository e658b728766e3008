// The journal: trajectory.jsonl, one Event per line, appended and flushed as each thing
// happens. It is the source of truth for `agent resume`.
//
// Each append is one write(2) of a whole line, so a crash leaves at most a truncated last
// line; readers drop such a tail and report it, but a corrupt line in the middle is DataLoss.
// sync() (fdatasync) is called at turn boundaries.
// Thread-safety: not synchronised; one writer per run.
#pragma once

#include <filesystem>
#include <vector>

#include "common/event.h"
#include "common/fs.h"

namespace agent {

class Journal {
 public:
  // Opens `path` for appending, creating it if missing.
  static Result<Journal> open(const std::filesystem::path& path);

  Status append(const Event& e);
  Status sync() { return file_.sync(); }
  const std::filesystem::path& path() const { return file_.path(); }

 private:
  AppendFile file_;
};

struct JournalContents {
  std::vector<Event> events;
  bool truncated_tail = false;  // the last line was cut short (crash mid-write) and dropped
};

// Cuts a truncated last line off (a write the crash cut short) so appends start on a fresh
// line. No-op for a journal that ends with a newline.
Status repair_journal_tail(const std::filesystem::path& path);

// Reads a whole journal. NotFound when the file is missing; DataLoss (naming the line) when
// a line other than the last is not a valid event.
Result<JournalContents> read_journal(const std::filesystem::path& path);

}  // namespace agent
