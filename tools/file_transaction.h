// FileTransaction: a set of file writes and deletions that happens completely or not at all
// (what apply_patch needs: a patch touching five files must not leave two of them changed).
//
// commit() first writes every new content to a temporary file beside its target (creating
// missing folders); any failure there removes the temporaries and changes nothing. Then each
// target is moved aside to a backup and its temporary renamed into place; if one of those
// steps fails, the steps already done are undone in reverse order (backups renamed back, new
// files removed, created folders removed), so the files are as they were. Backups are deleted
// only once every file is in place.
// Not protection against a crash half-way (backups are then left beside the files, named
// ".<name>.agent-old-*"), nor against other writers at the same moment.
// Thread-safety: one transaction per thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace agent {

class FileTransaction {
 public:
  virtual ~FileTransaction() = default;

  // `path` gets `content` (mode for the file, as created); missing folders are created.
  void write(std::filesystem::path path, std::string content, unsigned mode);
  // `path` is deleted; it must exist at commit time.
  void remove(std::filesystem::path path);

  // All or nothing. On failure the message names the file that failed.
  Status commit();

 protected:
  // rename(2); virtual so tests can make a step fail half-way.
  virtual Status rename_path(const std::filesystem::path& from, const std::filesystem::path& to);

 private:
  struct Op {
    std::filesystem::path path;
    std::optional<std::string> content;  // nullopt: delete
    unsigned mode = 0644;
    std::filesystem::path temp;    // staged new content
    std::filesystem::path backup;  // the original, moved aside
    bool replaced = false;         // the new content is in place
  };

  Status stage(Op& op);
  Status swap(Op& op);
  std::string roll_back(size_t done);  // what could not be restored, or ""
  void remove_created_folders();

  std::vector<Op> ops_;
  std::vector<std::filesystem::path> created_folders_;  // in creation order
};

}  // namespace agent
