// File-system helpers with Status errors that name the path: whole-file reads, atomic writes
// (temp file + fsync + rename: readers never see half a file), and an append-only line file
// for journals.
// Thread-safety: functions are reentrant; AppendFile is not synchronised.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"

namespace agent {

namespace fs = std::filesystem;

// Reads a whole file; refuses files over `max_bytes` with ResourceExhausted.
Result<std::string> read_file(const fs::path& path, uint64_t max_bytes = UINT64_MAX);

// Writes `data` to `path` atomically, creating missing parent folders. `mode` for new files.
Status write_file_atomic(const fs::path& path, std::string_view data, unsigned mode = 0644);

Status make_dirs(const fs::path& path);

// A folder is "empty" when it does not exist or has no entries.
Result<bool> dir_is_empty_or_missing(const fs::path& path);

// Appends whole lines to a file opened with O_APPEND; each append is one write(2) so a crash
// leaves at most a truncated last line, which readers must tolerate.
class AppendFile {
 public:
  AppendFile() = default;
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;
  AppendFile(AppendFile&& o) noexcept;
  AppendFile& operator=(AppendFile&& o) noexcept;

  Status open(const fs::path& path);
  Status append_line(std::string_view line);  // adds '\n'
  Status sync();                              // fdatasync
  void close();
  bool is_open() const { return fd_ >= 0; }
  const fs::path& path() const { return path_; }

 private:
  int fd_ = -1;
  fs::path path_;
};

// A fresh temporary folder (mkdtemp under $TMPDIR or /tmp), removed by the destructor.
class TempDir {
 public:
  static Result<TempDir> create(std::string_view prefix);
  TempDir() = default;
  ~TempDir();
  TempDir(TempDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempDir& operator=(TempDir&& o) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  explicit TempDir(fs::path p) : path_(std::move(p)) {}
  fs::path path_;
};

}  // namespace agent
