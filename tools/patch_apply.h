// What a parsed patch does to the workspace, computed in memory: every file's new content,
// every hunk located (with the matching tiers of line_match.h), before anything is written. A
// failure names the file and the hunk and shows the closest part of the file.
// Thread-safety: reentrant (reads the file system, writes nothing).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tools/patch.h"
#include "tools/tool.h"

namespace agent {

struct PlannedFile {
  std::filesystem::path abs;
  std::optional<std::string> content;  // nullopt: delete the file
  unsigned mode = 0644;
};

struct PatchPlan {
  std::vector<PlannedFile> files;    // the paths whose content changes, in patch order
  std::vector<std::string> summary;  // one line per change: "A x", "M x (+3 -1)", "D x", ...
  std::vector<std::string> notes;    // hunks that matched only leniently
};

// Resolves every path (workspace rules, no .git), reads the files and applies the hunks in
// memory. Changes to the same file in one patch apply one after the other. The paths in the
// plan are where the files were when it was made: apply_patch opens them again, beneath the
// workspace, to write them.
Result<PatchPlan> plan_patch(const Patch& patch, const ToolContext& ctx);

// `content` with `hunks` applied. `where` names the file in messages; `unified` turns on
// line-number hints and "\ No newline at end of file" handling. Lenient matches are
// described in `notes`.
Result<std::string> apply_hunks(std::string_view content, const std::vector<Hunk>& hunks,
                                bool unified, const std::string& where,
                                std::vector<std::string>* notes);

}  // namespace agent
