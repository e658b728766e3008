#include "tools/file_transaction.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace agent {

namespace fs = std::filesystem;

void FileTransaction::write(PathAt target, std::string content, unsigned mode) {
  ops_.push_back({std::move(target), std::move(content), mode, {}, {}, false});
}

void FileTransaction::remove(PathAt target) {
  ops_.push_back({std::move(target), std::nullopt, 0, {}, {}, false});
}

void FileTransaction::write(const fs::path& path, std::string content, unsigned mode) {
  write(path_at(path), std::move(content), mode);
}

void FileTransaction::remove(const fs::path& path) { remove(path_at(path)); }

Status FileTransaction::rename_at(int dir, const std::string& from, const std::string& to) {
  if (::renameat(dir, from.c_str(), dir, to.c_str()) != 0) {
    return errno_status(errno, "rename " + from + " to " + to);
  }
  return ok_status();
}

Status FileTransaction::stage(Op& op) {
  if (!op.content) return ok_status();
  const std::string shown = op.target.abs.string();
  // Missing folders are created one by one and remembered, so a rollback can remove them.
  Status st = make_missing_dirs(op.target, &created_folders_);
  if (!st.ok()) return st.with_context("cannot write " + shown);
  op.temp = sibling_name(op.target.name, "new");
  st = write_new_file_at(op.target.dir.get(), op.temp, *op.content, op.mode, shown);
  if (!st.ok()) op.temp.clear();  // write_new_file_at removed it
  return st.ok() ? st : st.with_context("cannot write " + shown);
}

Status FileTransaction::swap(Op& op) {
  const int dir = op.target.dir.get();
  const std::string& name = op.target.name;
  struct stat st {};
  // Whatever is there (a symbolic link included) is moved aside, never written through.
  if (op.target.missing.empty() && ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    std::string backup = sibling_name(name, "old");
    Status moved = rename_at(dir, name, backup);
    if (!moved.ok()) return moved.with_context("cannot replace " + op.target.abs.string());
    op.backup = backup;
  } else if (!op.content) {
    return errno_status(op.target.missing.empty() ? errno : ENOENT, "delete " + op.target.abs.string());
  }
  if (op.content) {
    Status placed = rename_at(dir, op.temp, name);
    if (!placed.ok()) return placed.with_context("cannot replace " + op.target.abs.string());
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
    const int dir = op.target.dir.get();
    if (op.replaced) ::unlinkat(dir, op.target.name.c_str(), 0);
    if (!op.backup.empty()) {
      if (::renameat(dir, op.backup.c_str(), dir, op.target.name.c_str()) == 0) {
        op.backup.clear();
      } else {
        failures += "; could not restore " + op.target.abs.string() + " (its old content is in " +
                    (op.target.abs.parent_path() / op.backup).string() + ")";
      }
    }
    op.replaced = false;
  }
  for (Op& op : ops_) {
    if (!op.temp.empty()) ::unlinkat(op.target.dir.get(), op.temp.c_str(), 0);
    op.temp.clear();
  }
  remove_created_folders();
  return failures;
}

void FileTransaction::remove_created_folders() {
  for (auto it = created_folders_.rbegin(); it != created_folders_.rend(); ++it) {
    ::unlinkat(it->parent.get(), it->name.c_str(), AT_REMOVEDIR);
  }
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
    if (!op.backup.empty()) ::unlinkat(op.target.dir.get(), op.backup.c_str(), 0);
    op.backup.clear();
  }
  ops_.clear();
  created_folders_.clear();
  return ok_status();
}

}  // namespace agent
