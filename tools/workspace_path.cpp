#include "tools/workspace_path.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <optional>
#include <system_error>

namespace agent {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxLinks = 40;

bool is_within(const fs::path& p, const fs::path& root) {
  auto pi = p.begin();
  for (auto ri = root.begin(); ri != root.end(); ++ri, ++pi) {
    if (ri->empty()) continue;  // trailing separator
    if (pi == p.end() || *pi != *ri) return false;
  }
  return true;
}

bool has_git_component(const fs::path& rel) {
  for (const auto& part : rel) {
    if (part == ".git") return true;
  }
  return false;
}

std::string join(const std::vector<std::string>& parts, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) out += (out.empty() ? "" : "/") + parts[i];
  return out;
}

Status outside(std::string_view path, bool through_link) {
  return permission_denied("path \"" + std::string(path) + "\" is outside the repository" +
                           (through_link ? " (through a symbolic link)" : "") +
                           "; paths are relative to the repository root");
}

Status in_git(std::string_view path) {
  return permission_denied("path \"" + std::string(path) + "\" is inside a .git folder, which file tools do not change");
}

// The folder a path is resolved beneath, and the path relative to it (lexically normal).
struct Rooted {
  fs::path root;
  std::string rel;
};

Result<Rooted> choose_root(const ToolContext& ctx, std::string_view path, PathAccess access) {
  fs::path p(path);
  fs::path joined = (p.is_absolute() ? p : ctx.workspace / p).lexically_normal();
  auto rooted = [&](const fs::path& candidate) -> std::optional<Rooted> {
    for (const fs::path* root : {&ctx.run_dir, &ctx.workspace}) {
      if (root->empty() || (root == &ctx.run_dir && access != PathAccess::kRead)) continue;
      if (!is_within(candidate, *root)) continue;
      std::string rel = candidate.lexically_relative(*root).generic_string();
      return Rooted{*root, rel == "." ? "" : rel};
    }
    return std::nullopt;
  };
  if (auto r = rooted(joined)) return *r;
  // An absolute path through a symbolic link above the root (/tmp -> /private/tmp): what is
  // above the root is not the sandbox's to change, and the rest is resolved beneath it again.
  std::error_code ec;
  if (p.is_absolute()) {
    fs::path canon = fs::weakly_canonical(joined, ec);
    if (!ec) {
      if (auto r = rooted(canon)) return *r;
    }
  }
  return outside(path, false);
}

// Opens `parent` beneath the root, or else the deepest folder on the way that exists, the rest
// going to `missing`.
int open_deepest(const BeneathRoot& root, const std::string& parent, BeneathDir* dir,
                 std::vector<std::string>* missing) {
  missing->clear();
  std::vector<std::string> parts = split_path(parent);
  for (;;) {
    int err = open_dir_beneath(root, join(parts), dir);
    if (err == 0) return 0;
    if ((err != ENOENT && err != ENOTDIR) || parts.empty() || parts.back() == "..") return err;
    missing->insert(missing->begin(), parts.back());
    parts.pop_back();
  }
}

// Where a symbolic link in the folder `dir_rel` leads, relative to the root; nullopt: outside.
// Leading ".." steps are taken here, on the folder's real path.
std::optional<std::string> link_target(const BeneathRoot& root, const std::string& dir_rel,
                                       const std::string& target) {
  std::string rel;
  if (!target.empty() && target[0] == '/') {
    if (!relative_to_root(root.real, target, &rel)) return std::nullopt;
    return rel;
  }
  std::vector<std::string> base = split_path(dir_rel), parts = split_path(target);
  size_t i = 0;
  for (; i < parts.size() && parts[i] == ".."; ++i) {
    if (base.empty()) return std::nullopt;
    base.pop_back();
  }
  std::string head = join(base), tail = join(parts, i);
  return head.empty() ? tail : tail.empty() ? head : head + "/" + tail;
}

// The text of a symbolic link, or "" with errno set.
std::string read_link(int dir, const std::string& name) {
  std::string buf(PATH_MAX, '\0');
  ssize_t n = ::readlinkat(dir, name.c_str(), buf.data(), buf.size());
  if (n <= 0 || static_cast<size_t>(n) >= buf.size()) {
    if (n >= 0) errno = ENAMETOOLONG;
    return "";
  }
  buf.resize(static_cast<size_t>(n));
  return buf;
}

}  // namespace

Result<ToolPath> open_tool_path(const ToolContext& ctx, std::string_view path, PathAccess access,
                                LastLink last) {
  if (path.empty()) return invalid_argument("empty path");
  if (path.find('\0') != std::string_view::npos) return invalid_argument("path contains a NUL byte");
  AGENT_ASSIGN_OR_RETURN(Rooted r, choose_root(ctx, path, access));
  if (access == PathAccess::kWrite && has_git_component(r.rel)) return in_git(path);
  auto cannot = [&](int err) {
    return invalid_argument("cannot resolve path \"" + std::string(path) + "\": " + std::strerror(err));
  };
  UniqueFd root_fd(::open(r.root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) return cannot(errno);
  const BeneathRoot root{root_fd.get(), r.root};
  ToolPath tp;
  std::string rel = r.rel;
  for (int links = 0;; ++links) {
    std::vector<std::string> parts = split_path(rel);
    std::string name = parts.empty() || parts.back() == ".." ? "" : parts.back();
    if (!name.empty()) parts.pop_back();
    BeneathDir dir;
    const int err = open_deepest(root, join(parts), &dir, &tp.at.missing);
    if (err == EXDEV) return outside(path, true);
    if (err != 0 && !(tp.through_link && (err == ENOENT || err == ENOTDIR))) return cannot(err);
    tp.at.dir = std::move(dir.fd);
    tp.at.name = name;
    tp.at.abs = dir.rel.empty() ? r.root : r.root / dir.rel;
    for (const auto& m : tp.at.missing) tp.at.abs /= m;
    if (!name.empty()) tp.at.abs /= name;
    tp.exists = false;
    if (err != 0 || !tp.at.missing.empty()) break;
    const int rc = name.empty() ? ::fstat(tp.at.dir.get(), &tp.st)
                                : ::fstatat(tp.at.dir.get(), name.c_str(), &tp.st, AT_SYMLINK_NOFOLLOW);
    if (rc != 0 && errno != ENOENT) return cannot(errno);
    tp.exists = rc == 0;
    if (!tp.exists || !S_ISLNK(tp.st.st_mode) || last == LastLink::kKeep) break;
    if (links >= kMaxLinks) return cannot(ELOOP);
    std::string target = read_link(tp.at.dir.get(), name);
    if (target.empty()) return cannot(errno);
    auto next = link_target(root, dir.rel, target);
    if (!next) return outside(path, true);
    rel = std::move(*next);
    tp.through_link = true;
  }
  if (access == PathAccess::kWrite &&
      has_git_component(tp.at.abs.lexically_relative(ctx.workspace))) {
    return in_git(path);
  }
  return tp;
}

Result<fs::path> resolve_tool_path(const ToolContext& ctx, std::string_view path, PathAccess access) {
  AGENT_ASSIGN_OR_RETURN(ToolPath tp, open_tool_path(ctx, path, access));
  return std::move(tp.at.abs);
}

std::string display_path(const ToolContext& ctx, const fs::path& abs) {
  if (is_within(abs, ctx.workspace)) {
    fs::path rel = abs.lexically_relative(ctx.workspace);
    return rel.empty() || rel == "." ? "." : rel.string();
  }
  return abs.string();
}

}  // namespace agent
