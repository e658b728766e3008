// Suggestions for a path that does not exist: the workspace files whose names are closest to
// it ("src/mian.py" -> "src/main.py"), so an error can say what the model probably meant.
// Thread-safety: reentrant.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

// At most `max_results` workspace-relative paths, best first; empty when nothing is close.
// Looks at a bounded number of files (ignore rules apply), so it stays cheap on huge trees.
std::vector<std::string> similar_paths(const std::filesystem::path& workspace,
                                       std::string_view missing_rel, size_t max_results = 5);

// The edit distance (insertions, deletions, substitutions of bytes) between a and b.
size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace agent
