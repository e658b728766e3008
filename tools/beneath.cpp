#include "tools/beneath.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <deque>

namespace agent {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxLinks = 40;  // as the kernel's MAXSYMLINKS
constexpr int kOpenat2Retries = 3;

std::atomic<bool> g_openat2_enabled{true};  // tests switch it off
std::atomic<bool> g_openat2_missing{false};  // the kernel said ENOSYS once

// openat2(2), or -1 with errno = ENOSYS when it is not to be used.
int sys_openat2(int dir, std::string_view path, int flags, unsigned long long resolve) {
  if (!g_openat2_enabled.load() || g_openat2_missing.load()) {
    errno = ENOSYS;
    return -1;
  }
  std::string p = path.empty() ? std::string(".") : std::string(path);
  open_how how{};
  how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC);
  how.resolve = resolve | RESOLVE_NO_MAGICLINKS;
  for (int i = 0;; ++i) {
    long fd = ::syscall(SYS_openat2, dir, p.c_str(), &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    // EAGAIN: a rename raced a ".." step; the kernel asks to try again.
    if (errno != EAGAIN || i + 1 >= kOpenat2Retries) break;
  }
  if (errno == ENOSYS) g_openat2_missing.store(true);
  return -1;
}

// openat2 is absent, or filtered by a seccomp policy: the walk gives the same answer.
bool openat2_unusable(int err) { return err == ENOSYS || err == EPERM || err == EINVAL || err == E2BIG; }

bool read_link(int dir, const std::string& name, std::string* out) {
  std::string buf(PATH_MAX, '\0');
  ssize_t n = ::readlinkat(dir, name.c_str(), buf.data(), buf.size());
  if (n < 0 || static_cast<size_t>(n) >= buf.size()) return false;
  buf.resize(static_cast<size_t>(n));
  *out = std::move(buf);
  return true;
}

bool is_symlink_at(int dir, const std::string& name) {
  struct stat st {};
  return ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

// Where the open folder `fd` is, relative to the root, as /proc/self/fd tells.
bool rel_from_proc(int fd, const fs::path& root, std::string* rel) {
  std::string where;
  if (!read_link(AT_FDCWD, "/proc/self/fd/" + std::to_string(fd), &where) || where.empty() || where[0] != '/') {
    return false;
  }
  return relative_to_root(root, where, rel);
}

// The walk: one component at a time, each opened with O_NOFOLLOW in the folder opened before
// it. A symbolic link is read and its text put in front of the components still to go; ".."
// goes back to the folder held before, never through the file system, so it cannot climb
// above the root however folders are moved meanwhile.
int walk_dir(const BeneathRoot& root, std::string_view path, BeneathDir* out) {
  std::vector<UniqueFd> fds;  // fds[i]: the folder names[0..i]
  std::vector<std::string> names;
  std::deque<std::string> todo;
  auto restart_at = [&](std::string_view p) -> int {
    std::string rel(p);
    if (!p.empty() && p[0] == '/') {
      if (!relative_to_root(root.real, p, &rel)) return EXDEV;
      fds.clear();
      names.clear();
    }
    auto parts = split_path(rel);
    todo.insert(todo.begin(), parts.begin(), parts.end());
    return 0;
  };
  if (int err = restart_at(path)) return err;
  int links = 0;
  while (!todo.empty()) {
    std::string c = std::move(todo.front());
    todo.pop_front();
    if (c == "..") {
      if (names.empty()) return EXDEV;
      names.pop_back();
      fds.pop_back();
      continue;
    }
    const int dir = fds.empty() ? root.fd : fds.back().get();
    UniqueFd fd(::openat(dir, c.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.valid()) {
      fds.push_back(std::move(fd));
      names.push_back(std::move(c));
      continue;
    }
    const int err = errno;
    std::string target;
    if ((err != ENOTDIR && err != ELOOP) || !is_symlink_at(dir, c) || !read_link(dir, c, &target)) return err;
    if (++links > kMaxLinks) return ELOOP;
    if (int e = restart_at(target)) return e;
  }
  out->fd = fds.empty() ? UniqueFd(::fcntl(root.fd, F_DUPFD_CLOEXEC, 0)) : std::move(fds.back());
  if (!out->fd.valid()) return errno;
  out->rel.clear();
  for (const auto& n : names) out->rel += (out->rel.empty() ? "" : "/") + n;
  return 0;
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) reset(o.release());
  return *this;
}

int UniqueFd::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

bool relative_to_root(const fs::path& root, std::string_view abs, std::string* rel) {
  const std::string r = root.string();
  if (abs.empty() || abs[0] != '/') return false;
  if (r == "/") {
    *rel = std::string(abs.substr(1));
    return true;
  }
  if (abs.size() < r.size() || abs.compare(0, r.size(), r) != 0) return false;
  if (abs.size() > r.size() && abs[r.size()] != '/') return false;
  *rel = std::string(abs.size() > r.size() ? abs.substr(r.size() + 1) : std::string_view());
  return true;
}

int open_dir_beneath(const BeneathRoot& root, std::string_view path, BeneathDir* out) {
  UniqueFd fd(sys_openat2(root.fd, path, O_PATH | O_DIRECTORY, RESOLVE_BENEATH));
  if (fd.valid()) {
    std::string rel;
    if (rel_from_proc(fd.get(), root.real, &rel)) {
      out->fd = std::move(fd);
      out->rel = std::move(rel);
      return 0;
    }
    // No /proc: the walk knows where it went.
  } else if (!openat2_unusable(errno) && errno != EXDEV) {
    return errno;
  }
  // EXDEV is checked again by the walk: an absolute symbolic link may point inside the root.
  return walk_dir(root, path, out);
}

UniqueFd open_beneath_no_symlinks(int root_fd, std::string_view rel, int flags) {
  UniqueFd fd(sys_openat2(root_fd, rel, flags, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS));
  if (fd.valid() || !openat2_unusable(errno)) return fd;
  std::vector<std::string> parts = split_path(rel);
  UniqueFd held;
  int dir = root_fd;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] == "..") {
      errno = EXDEV;
      return UniqueFd();
    }
    held.reset(::openat(dir, parts[i].c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!held.valid()) {
      if (errno == ENOTDIR && is_symlink_at(dir, parts[i])) errno = ELOOP;
      return UniqueFd();
    }
    dir = held.get();
  }
  if (parts.empty()) return UniqueFd(::openat(root_fd, ".", flags | O_CLOEXEC));
  if (parts.back() == "..") {
    errno = EXDEV;
    return UniqueFd();
  }
  return UniqueFd(::openat(dir, parts.back().c_str(), flags | O_NOFOLLOW | O_CLOEXEC));
}

void set_openat2_enabled(bool enabled) { g_openat2_enabled.store(enabled); }

}  // namespace agent
