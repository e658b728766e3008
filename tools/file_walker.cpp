#include "tools/file_walker.h"

#include <git2.h>

#include <algorithm>
#include <mutex>
#include <system_error>

namespace agent {

namespace fs = std::filesystem;

namespace {

void init_libgit2_once() {
  // libgit2 keeps global state set up by git_libgit2_init; it is never shut down because
  // other threads may still be walking.
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

// The ignore rules of the repository at the workspace root, or none.
class IgnoreRules {
 public:
  explicit IgnoreRules(const fs::path& workspace) {
    init_libgit2_once();
    // NO_SEARCH: the workspace is the repository root; a repository that merely encloses it
    // (a temp folder under someone's checkout) must not lend it its rules.
    if (git_repository_open_ext(&repo_, workspace.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH,
                                nullptr) != 0) {
      repo_ = nullptr;
      return;
    }
    const char* workdir = git_repository_workdir(repo_);
    std::error_code ec;
    fs::path root = workdir ? fs::canonical(workdir, ec) : fs::path();
    if (workdir == nullptr || ec) {
      disable();
      return;
    }
    prefix_ = workspace.lexically_relative(root).generic_string();
    if (prefix_ == ".") prefix_.clear();
    if (!prefix_.empty()) prefix_ += '/';
  }
  ~IgnoreRules() { disable(); }
  IgnoreRules(const IgnoreRules&) = delete;
  IgnoreRules& operator=(const IgnoreRules&) = delete;

  void disable() {
    if (repo_ != nullptr) git_repository_free(repo_);
    repo_ = nullptr;
  }

  // `rel` is workspace-relative. A trailing '/' tells libgit2 it is a folder, so rules such
  // as "build/" apply without another stat.
  bool ignored(const std::string& rel, bool is_dir) const {
    if (repo_ == nullptr) return false;
    std::string path = prefix_ + rel;
    if (is_dir) path += '/';
    int ignored = 0;
    if (git_ignore_path_is_ignored(&ignored, repo_, path.c_str()) != 0) return false;
    return ignored != 0;
  }

 private:
  git_repository* repo_ = nullptr;
  std::string prefix_;  // the workspace relative to the repository's work tree
};

std::string join_rel(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

bool glob_accepts(const WalkOptions& o, const std::string& rel, const std::string& start_rel) {
  if (o.glob == nullptr) return true;
  if (o.glob->matches(rel)) return true;
  if (!start_rel.empty() && rel.size() > start_rel.size() + 1) {
    return o.glob->matches(std::string_view(rel).substr(start_rel.size() + 1));
  }
  return false;
}

struct Walk {
  const fs::path& workspace;
  const WalkOptions& options;
  const IgnoreRules& rules;
  std::string start_rel;
  WalkResult result;

  bool full() const { return result.files.size() >= options.max_files; }

  // Lists one folder; pushes sub-folders onto `pending` (a stack of workspace-relative paths).
  void visit_folder(const std::string& dir_rel, std::vector<std::string>& pending) {
    std::error_code ec;
    fs::path dir = dir_rel.empty() ? workspace : workspace / dir_rel;
    fs::directory_iterator it(dir, ec);
    if (ec) {
      ++result.unreadable_folders;
      return;
    }
    for (; it != fs::directory_iterator() && !full(); it.increment(ec)) {
      const fs::directory_entry& e = *it;
      std::string name = e.path().filename().string();
      if (name == ".git") continue;  // a folder, or the gitlink file of a submodule
      std::string rel = join_rel(dir_rel, name);
      fs::file_status st = e.symlink_status(ec);
      if (ec) continue;
      if (fs::is_directory(st)) {
        if (!rules.ignored(rel, true)) pending.push_back(rel);
      } else if (fs::is_regular_file(st) || fs::is_symlink(st)) {
        if (rules.ignored(rel, false) || !glob_accepts(options, rel, start_rel)) continue;
        result.files.push_back({rel, e.path(), fs::is_symlink(st)});
      }
    }
    if (ec) ++result.unreadable_folders;
  }
};

}  // namespace

Result<WalkResult> walk_files(const fs::path& workspace, const fs::path& start,
                              const WalkOptions& options) {
  std::error_code ec;
  fs::file_status st = fs::symlink_status(start, ec);
  if (ec || !fs::exists(st)) return not_found("no such file or folder: " + start.string());
  IgnoreRules rules(workspace);
  std::string start_rel = start.lexically_relative(workspace).generic_string();
  if (start_rel == ".") start_rel.clear();
  Walk walk{workspace, options, rules, start_rel, {}};
  if (!fs::is_directory(st)) {
    // One named file: given explicitly, so ignore rules and the glob do not apply.
    if (fs::is_regular_file(st) || fs::is_symlink(st)) {
      walk.result.files.push_back({start_rel, start, fs::is_symlink(st)});
    }
    return std::move(walk.result);
  }
  if (!start_rel.empty() && rules.ignored(start_rel, true)) rules.disable();
  fs::directory_iterator probe(start, ec);
  if (ec) return permission_denied("cannot list " + start.string() + ": " + ec.message());
  std::vector<std::string> pending{start_rel};
  while (!pending.empty() && !walk.full()) {
    if (options.cancel != nullptr && options.cancel->cancelled()) {
      walk.result.cancelled = true;
      break;
    }
    std::string dir = std::move(pending.back());
    pending.pop_back();
    walk.visit_folder(dir, pending);
  }
  walk.result.hit_max_files = walk.full();
  std::sort(walk.result.files.begin(), walk.result.files.end(),
            [](const WalkedFile& a, const WalkedFile& b) { return a.rel < b.rel; });
  return std::move(walk.result);
}

}  // namespace agent
