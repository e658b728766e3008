#include "common/fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace agent {

Result<std::string> read_file(const fs::path& path, uint64_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_status(errno, "open " + path.string());
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return errno_status(e, "stat " + path.string());
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return invalid_argument(path.string() + " is a directory");
  }
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return resource_exhausted(path.string() + " is " + std::to_string(st.st_size) +
                              " bytes, over the limit of " + std::to_string(max_bytes));
  }
  std::string data;
  if (st.st_size > 0) data.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return errno_status(e, "read " + path.string());
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > max_bytes) {
      ::close(fd);
      return resource_exhausted(path.string() + " is over the limit of " +
                                std::to_string(max_bytes) + " bytes");
    }
  }
  ::close(fd);
  return data;
}

static Status write_all(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_status(errno, "write " + path.string());
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return ok_status();
}

Status write_file_atomic(const fs::path& path, std::string_view data, unsigned mode) {
  if (path.has_parent_path()) AGENT_RETURN_IF_ERROR(make_dirs(path.parent_path()));
  // A fresh, unpredictable name created with O_EXCL: nothing planted beside the target (a
  // symbolic link, say) can redirect the write.
  std::string tmp = path.string() + ".tmp.XXXXXX";
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return errno_status(errno, "create a temporary file beside " + path.string());
  Status st = ::fchmod(fd, static_cast<mode_t>(mode)) == 0 ? ok_status() : errno_status(errno, "chmod " + tmp);
  if (st.ok()) st = write_all(fd, data, tmp);
  if (st.ok() && ::fsync(fd) != 0) st = errno_status(errno, "fsync " + tmp);
  ::close(fd);
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    st = errno_status(errno, "rename to " + path.string());
  }
  if (!st.ok()) ::unlink(tmp.c_str());
  return st;
}

Status make_dirs(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return errno_status(ec.value(), "create folder " + path.string());
  return ok_status();
}

Result<bool> dir_is_empty_or_missing(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return true;
  if (!fs::is_directory(path, ec)) return invalid_argument(path.string() + " is not a folder");
  auto it = fs::directory_iterator(path, ec);
  if (ec) return errno_status(ec.value(), "list " + path.string());
  return it == fs::directory_iterator();
}

AppendFile::~AppendFile() { close(); }

AppendFile::AppendFile(AppendFile&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)) {
  o.fd_ = -1;
}

AppendFile& AppendFile::operator=(AppendFile&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    path_ = std::move(o.path_);
    o.fd_ = -1;
  }
  return *this;
}

Status AppendFile::open(const fs::path& path) {
  close();
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) return errno_status(errno, "open " + path.string());
  path_ = path;
  return ok_status();
}

Status AppendFile::append_line(std::string_view line) {
  if (fd_ < 0) return failed_precondition("append to a closed file");
  std::string buf;
  buf.reserve(line.size() + 1);
  buf.append(line);
  buf += '\n';
  return write_all(fd_, buf, path_);
}

Status AppendFile::sync() {
  if (fd_ < 0) return ok_status();
  if (::fdatasync(fd_) != 0) return errno_status(errno, "fsync " + path_.string());
  return ok_status();
}

void AppendFile::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<TempDir> TempDir::create(std::string_view prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/" + std::string(prefix) + "XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) return errno_status(errno, "mkdtemp " + tmpl);
  return TempDir(fs::path(tmpl));
}

TempDir::~TempDir() {
  if (!path_.empty()) {
    std::error_code ec;
    // Make read-only folders writable first so removal succeeds.
    for (auto it = fs::recursive_directory_iterator(path_, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec)) {
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
      }
    }
    fs::remove_all(path_, ec);
  }
}

TempDir& TempDir::operator=(TempDir&& o) noexcept {
  if (this != &o) {
    TempDir old(std::move(path_));
    path_ = std::move(o.path_);
    o.path_.clear();
  }
  return *this;
}

}  // namespace agent
