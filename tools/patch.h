// Patches as apply_patch reads them, in two formats, parsed into one model.
//
// (1) The envelope models are trained on (Codex's apply_patch format):
//       *** Begin Patch
//       *** Add File: path        then the file's lines, each prefixed '+'
//       *** Delete File: path
//       *** Update File: path     optionally followed by "*** Move to: new/path"
//       @@ optional anchor line   (several @@ lines narrow down step by step)
//        context / -removed / +added lines, no line numbers
//       *** End of File           (optional: the hunk ends the file)
//       *** End Patch
// (2) Unified diffs as `git diff` and `diff -u` print them, with git's extended headers
//     (new file mode, deleted file mode, rename from/to) and "\ No newline at end of file".
//     Line numbers are kept only as a hint of where to look first.
//
// Parsing checks structure only; whether hunks fit the files is patch_apply's business.
// Errors name the patch line and are written for the model. Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace agent {

struct HunkLine {
  char op = ' ';  // ' ' context, '-' removed, '+' added
  std::string text;
};

struct Hunk {
  std::vector<std::string> anchors;  // envelope "@@ text" lines, found in order before the hunk
  std::vector<HunkLine> lines;
  bool end_of_file = false;     // the hunk's lines end the file
  size_t old_start = 0;         // 1-based line the diff says the hunk starts at; 0 = unknown
  bool old_no_newline = false;  // "\ No newline at end of file" after an old line
  bool new_no_newline = false;  // ... after a new line
  size_t patch_line = 0;        // where the hunk starts in the patch (1-based), for messages

  std::vector<std::string> old_lines() const;  // context and removed lines
  std::vector<std::string> new_lines() const;  // context and added lines
};

enum class FileChangeKind { kAdd, kDelete, kUpdate };

struct FileChange {
  FileChangeKind kind = FileChangeKind::kUpdate;
  std::string path;      // as the patch names it, relative to the repository root
  std::string move_to;   // kUpdate with a rename; empty otherwise
  std::string content;   // kAdd: the whole new file
  std::vector<Hunk> hunks;  // kUpdate; a unified diff's kDelete keeps its hunks to check them
  size_t patch_line = 0;
};

struct Patch {
  std::vector<FileChange> changes;
  bool unified = false;  // parsed from a unified diff (line-number hints, no-newline markers)
};

// Detects the format and parses it. A patch that changes nothing is an error.
Result<Patch> parse_patch(std::string_view text);

// The two parsers, over the patch's lines (without '\n' or a trailing '\r'); `first_line` is
// the 1-based number of lines[0] in what the model sent.
Result<Patch> parse_envelope_patch(const std::vector<std::string>& lines, size_t first_line);
Result<Patch> parse_unified_diff(const std::vector<std::string>& lines, size_t first_line);

// The numbers of a unified hunk header "@@ -12,5 +12,6 @@ ..." (a missing count means 1).
struct HunkHeader {
  size_t old_start = 0, old_count = 1, new_start = 0, new_count = 1;
};
bool parse_hunk_header(std::string_view line, HunkHeader* out);

}  // namespace agent
