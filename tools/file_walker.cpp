#include "tools/file_walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <system_error>

#include "tools/beneath.h"

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
  int root_fd;  // the workspace, open
  const WalkOptions& options;
  const IgnoreRules& rules;
  std::string start_rel;
  WalkResult result;

  bool full() const { return result.files.size() >= options.max_files; }

  // Lists one folder; pushes sub-folders onto `pending` (a stack of workspace-relative paths).
  // The folder is opened beneath the root without following any symbolic link, so one
  // swapped in for it meanwhile is not entered.
  void visit_folder(const std::string& dir_rel, std::vector<std::string>& pending) {
    UniqueFd fd = open_beneath_no_symlinks(root_fd, dir_rel, O_RDONLY | O_DIRECTORY);
    DIR* dir = fd.valid() ? ::fdopendir(fd.get()) : nullptr;
    if (dir == nullptr) {
      ++result.unreadable_folders;
      return;
    }
    fd.release();  // the DIR owns it now
    errno = 0;
    for (dirent* e; !full() && (e = ::readdir(dir)) != nullptr; errno = 0) {
      std::string name = e->d_name;
      if (name == "." || name == ".." || name == ".git") continue;  // .git: a folder, or a submodule's gitlink
      std::string rel = join_rel(dir_rel, name);
      unsigned char type = e->d_type;
      struct stat st {};
      if (type == DT_UNKNOWN) {
        if (::fstatat(::dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
      }
      if (type == DT_DIR) {
        if (!rules.ignored(rel, true)) pending.push_back(rel);
      } else if (type == DT_REG || type == DT_LNK) {
        if (rules.ignored(rel, false) || !glob_accepts(options, rel, start_rel)) continue;
        result.files.push_back({rel, workspace / rel, type == DT_LNK});
      }
    }
    if (errno != 0) ++result.unreadable_folders;
    ::closedir(dir);
  }
};

}  // namespace

Result<WalkResult> walk_files(const fs::path& workspace, const fs::path& start,
                              const WalkOptions& options) {
  UniqueFd root(::open(workspace.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  std::string start_rel = start.lexically_relative(workspace).generic_string();
  if (start_rel == ".") start_rel.clear();
  struct stat st {};
  UniqueFd start_fd = root.valid() ? open_beneath_no_symlinks(root.get(), start_rel, O_PATH | O_NOFOLLOW)
                                   : UniqueFd();
  if (!start_fd.valid() || ::fstat(start_fd.get(), &st) != 0) {
    return not_found("no such file or folder: " + start.string());
  }
  IgnoreRules rules(workspace);
  Walk walk{workspace, root.get(), options, rules, start_rel, {}};
  if (!S_ISDIR(st.st_mode)) {
    // One named file: given explicitly, so ignore rules and the glob do not apply.
    if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
      walk.result.files.push_back({start_rel, start, S_ISLNK(st.st_mode) != 0});
    }
    return std::move(walk.result);
  }
  if (!start_rel.empty() && rules.ignored(start_rel, true)) rules.disable();
  if (!open_beneath_no_symlinks(root.get(), start_rel, O_RDONLY | O_DIRECTORY).valid()) {
    return permission_denied("cannot list " + start.string() + ": " + std::strerror(errno));
  }
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
