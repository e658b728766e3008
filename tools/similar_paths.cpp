#include "tools/similar_paths.h"

#include <algorithm>
#include <tuple>

#include "tools/file_walker.h"

namespace agent {

namespace {

std::string_view base_name(std::string_view rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string_view::npos ? rel : rel.substr(slash + 1);
}

}  // namespace

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::vector<std::string> similar_paths(const std::filesystem::path& workspace,
                                       std::string_view missing_rel, size_t max_results) {
  constexpr size_t kMaxFilesLooked = 50000;
  WalkOptions options;
  options.max_files = kMaxFilesLooked;
  auto walked = walk_files(workspace, workspace, options);
  if (!walked.ok()) return {};
  const std::string_view want = base_name(missing_rel);
  // A typo in the name, or the right name in another folder.
  const size_t max_name_distance = std::max<size_t>(1, want.size() / 3);
  struct Candidate {
    size_t name_distance, path_distance;
    std::string rel;
  };
  std::vector<Candidate> found;
  for (const auto& f : walked->files) {
    size_t d = edit_distance(want, base_name(f.rel));
    if (d > max_name_distance) continue;
    found.push_back({d, edit_distance(missing_rel, f.rel), f.rel});
  }
  std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.name_distance, a.path_distance, a.rel) <
           std::tie(b.name_distance, b.path_distance, b.rel);
  });
  std::vector<std::string> out;
  for (size_t i = 0; i < found.size() && i < max_results; ++i) out.push_back(found[i].rel);
  return out;
}

}  // namespace agent
