#include "tools/file_at.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace agent {

namespace fs = std::filesystem;

PathAt path_at(const fs::path& abs) {
  PathAt p;
  p.name = abs.filename().string();
  p.abs = abs;
  std::vector<std::string> missing;
  for (fs::path dir = abs.parent_path();; dir = dir.parent_path()) {
    p.dir.reset(::open(dir.empty() ? "." : dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (p.dir.valid() || dir.empty() || dir == dir.parent_path()) break;
    missing.push_back(dir.filename().string());
  }
  p.missing.assign(missing.rbegin(), missing.rend());
  return p;
}

Status make_missing_dirs(PathAt& p, std::vector<CreatedDir>* created) {
  fs::path where = p.abs;
  if (!p.name.empty()) where = where.parent_path();
  for (size_t i = 0; i < p.missing.size(); ++i) where = where.parent_path();
  if (!p.dir.valid()) return not_found("no folder to create " + p.abs.string() + " in");
  for (const std::string& m : p.missing) {
    where /= m;
    const bool made = ::mkdirat(p.dir.get(), m.c_str(), 0755) == 0;
    if (!made && errno != EEXIST) return errno_status(errno, "create folder " + where.string());
    UniqueFd sub(::openat(p.dir.get(), m.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub.valid()) return errno_status(errno, "create folder " + where.string());
    if (made && created != nullptr) {
      created->push_back({UniqueFd(::fcntl(p.dir.get(), F_DUPFD_CLOEXEC, 0)), m, where});
    }
    p.dir = std::move(sub);
  }
  p.missing.clear();
  return ok_status();
}

std::string sibling_name(const std::string& name, const char* tag) {
  static std::atomic<unsigned long> counter{0};
  return "." + name + ".agent-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

Status write_new_file_at(int dir, const std::string& name, std::string_view data, unsigned mode,
                         const std::string& shown) {
  int fd = ::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return errno_status(errno, "create " + shown);
  Status st;
  for (size_t off = 0; off < data.size() && st.ok();) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) st = errno_status(errno, "write " + shown);
    else off += static_cast<size_t>(n);
  }
  if (st.ok() && ::fchmod(fd, static_cast<mode_t>(mode)) != 0) st = errno_status(errno, "chmod " + shown);
  if (st.ok() && ::fsync(fd) != 0) st = errno_status(errno, "fsync " + shown);
  ::close(fd);
  if (!st.ok()) ::unlinkat(dir, name.c_str(), 0);
  return st;
}

Status replace_file_at(int dir, const std::string& name, std::string_view data, unsigned mode,
                       const std::string& shown) {
  const std::string temp = sibling_name(name, "new");
  AGENT_RETURN_IF_ERROR(write_new_file_at(dir, temp, data, mode, shown));
  if (::renameat(dir, temp.c_str(), dir, name.c_str()) != 0) {
    Status st = errno_status(errno, "rename to " + shown);
    ::unlinkat(dir, temp.c_str(), 0);
    return st;
  }
  return ok_status();
}

Result<std::string> read_fd(int fd, uint64_t max_bytes, const std::string& shown) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return errno_status(errno, "stat " + shown);
  if (S_ISDIR(st.st_mode)) return invalid_argument(shown + " is a directory");
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    return resource_exhausted(shown + " is " + std::to_string(st.st_size) + " bytes, over the limit of " +
                              std::to_string(max_bytes));
  }
  std::string data;
  if (st.st_size > 0) data.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_status(errno, "read " + shown);
    if (n == 0) return data;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > max_bytes) {
      return resource_exhausted(shown + " is over the limit of " + std::to_string(max_bytes) + " bytes");
    }
  }
}

Result<std::string> read_file_at(int dir, const std::string& name, uint64_t max_bytes,
                                 const std::string& shown) {
  // O_NONBLOCK: a FIFO put there meanwhile must not hang the run; it is refused below.
  UniqueFd fd(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return errno_status(errno, "open " + shown);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return errno_status(errno, "stat " + shown);
  if (!S_ISREG(st.st_mode)) return invalid_argument(shown + " is not a regular file");
  return read_fd(fd.get(), max_bytes, shown);
}

}  // namespace agent
