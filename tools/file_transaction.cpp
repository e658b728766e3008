#include "tools/file_transaction.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>

namespace agent {

namespace fs = std::filesystem;

namespace {

// A name beside `path` that no other transaction of this or another process uses.
fs::path sibling(const fs::path& path, const char* tag) {
  static std::atomic<unsigned long> counter{0};
  return path.parent_path() / ("." + path.filename().string() + ".agent-" + tag + "-" +
                               std::to_string(::getpid()) + "-" + std::to_string(++counter));
}

Status write_new_file(const fs::path& path, const std::string& data, unsigned mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno_status(errno, "create " + path.string());
  Status st;
  for (size_t off = 0; off < data.size() && st.ok();) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) st = errno_status(errno, "write " + path.string());
    else off += static_cast<size_t>(n);
  }
  if (st.ok() && ::fchmod(fd, mode) != 0) st = errno_status(errno, "chmod " + path.string());
  if (st.ok() && ::fsync(fd) != 0) st = errno_status(errno, "fsync " + path.string());
  ::close(fd);
  if (!st.ok()) ::unlink(path.c_str());
  return st;
}

}  // namespace

void FileTransaction::write(fs::path path, std::string content, unsigned mode) {
  ops_.push_back({std::move(path), std::move(content), mode, {}, {}, false});
}

void FileTransaction::remove(fs::path path) {
  ops_.push_back({std::move(path), std::nullopt, 0, {}, {}, false});
}

Status FileTransaction::rename_path(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return errno_status(errno, "rename " + from.string() + " to " + to.string());
  }
  return ok_status();
}

Status FileTransaction::stage(Op& op) {
  if (!op.content) return ok_status();
  // Create missing folders one by one, remembering them so a rollback can remove them.
  std::vector<fs::path> missing;
  for (fs::path p = op.path.parent_path(); !p.empty() && !fs::exists(p); p = p.parent_path()) {
    missing.push_back(p);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0755) != 0) {
      return errno_status(errno, "create folder " + it->string()).with_context("cannot write " + op.path.string());
    }
    created_folders_.push_back(*it);
  }
  op.temp = sibling(op.path, "new");
  Status st = write_new_file(op.temp, *op.content, op.mode);
  if (!st.ok()) op.temp.clear();  // write_new_file removed it
  return st.ok() ? st : st.with_context("cannot write " + op.path.string());
}

Status FileTransaction::swap(Op& op) {
  struct stat st {};
  if (::lstat(op.path.c_str(), &st) == 0) {
    fs::path backup = sibling(op.path, "old");
    AGENT_RETURN_IF_ERROR(rename_path(op.path, backup));
    op.backup = backup;
  } else if (!op.content) {
    return errno_status(errno, "delete " + op.path.string());
  }
  if (op.content) {
    AGENT_RETURN_IF_ERROR(rename_path(op.temp, op.path));
    op.temp.clear();
    op.replaced = true;
  }
  return ok_status();
}

std::string FileTransaction::roll_back(size_t done) {
  // Undo the swaps of ops [0, done] in reverse; the op at `done` may be half swapped.
  std::string failures;
  for (size_t i = done + 1; i-- > 0;) {
    Op& op = ops_[i];
    if (op.replaced) ::unlink(op.path.c_str());
    if (!op.backup.empty()) {
      if (::rename(op.backup.c_str(), op.path.c_str()) == 0) {
        op.backup.clear();
      } else {
        failures += "; could not restore " + op.path.string() + " (its old content is in " +
                    op.backup.string() + ")";
      }
    }
    op.replaced = false;
  }
  for (Op& op : ops_) {
    if (!op.temp.empty()) ::unlink(op.temp.c_str());
    op.temp.clear();
  }
  remove_created_folders();
  return failures;
}

void FileTransaction::remove_created_folders() {
  for (auto it = created_folders_.rbegin(); it != created_folders_.rend(); ++it) ::rmdir(it->c_str());
  created_folders_.clear();
}

Status FileTransaction::commit() {
  for (size_t i = 0; i < ops_.size(); ++i) {
    Status st = stage(ops_[i]);
    if (!st.ok()) {
      (void)roll_back(ops_.size() - 1);  // nothing swapped yet: removes temporaries and folders
      return st;
    }
  }
  for (size_t i = 0; i < ops_.size(); ++i) {
    Status st = swap(ops_[i]);
    if (!st.ok()) {
      std::string failures = roll_back(i);
      return failures.empty() ? st : Status(st.code(), st.message() + failures);
    }
  }
  for (Op& op : ops_) {
    if (!op.backup.empty()) ::unlink(op.backup.c_str());
    op.backup.clear();
  }
  ops_.clear();
  created_folders_.clear();
  return ok_status();
}

}  // namespace agent
