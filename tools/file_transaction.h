// FileTransaction: a set of file writes and deletions that happens completely or not at all
// (what apply_patch needs: a patch touching five files must not leave two of them changed).
//
// commit() first writes every new content to a temporary file beside its target (creating
// missing folders); any failure there removes the temporaries and changes nothing. Then each
// target is moved aside to a backup and its temporary renamed into place; if one of those
// steps fails, the steps already done are undone in reverse order (backups renamed back, new
// files removed, created folders removed), so the files are as they were. Backups are deleted
// only once every file is in place.
// Every step goes through the descriptor of the file's folder (file_at.h), opened when the
// file was added: folders renamed or swapped for symbolic links meanwhile cannot send a write
// elsewhere.
// Not protection against a crash half-way (backups are then left beside the files, named
// ".<name>.agent-old-*"), nor against other writers at the same moment.
// Thread-safety: one transaction per thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "tools/file_at.h"

namespace agent {

class FileTransaction {
 public:
  virtual ~FileTransaction() = default;

  // `target` gets `content` (mode for the file, as created); missing folders are created.
  void write(PathAt target, std::string content, unsigned mode);
  // `target` is deleted; it must exist at commit time.
  void remove(PathAt target);
  // The same for paths the caller chose itself (their folders are opened by name, following
  // symbolic links: not for paths the model named).
  void write(const std::filesystem::path& path, std::string content, unsigned mode);
  void remove(const std::filesystem::path& path);

  // All or nothing. On failure the message names the file that failed.
  Status commit();

 protected:
  // renameat(2) of two names in the folder `dir`; virtual so tests can make a step fail
  // half-way.
  virtual Status rename_at(int dir, const std::string& from, const std::string& to);

 private:
  struct Op {
    PathAt target;
    std::optional<std::string> content;  // nullopt: delete
    unsigned mode = 0644;
    std::string temp;    // staged new content, beside the target
    std::string backup;  // the original, moved aside
    bool replaced = false;  // the new content is in place
  };

  Status stage(Op& op);
  Status swap(Op& op);
  std::string roll_back(size_t done);  // what could not be restored, or ""
  void remove_created_folders();

  std::vector<Op> ops_;
  std::vector<CreatedDir> created_folders_;  // in creation order
};

}  // namespace agent
