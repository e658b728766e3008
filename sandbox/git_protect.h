// What inside a workspace must stay read-only for sandboxed commands, because something
// outside the sandbox runs it later: git hooks (a planted .git/hooks/pre-commit runs at the
// user's next commit), git config (core.hooksPath, aliases, filters, fsmonitor run commands),
// hook folders that config points into the workspace (core.hooksPath = .husky), and the
// agent's own project config (.agent/: a planted policy would apply to the next run).
// Nested repositories and submodules' git folders are covered too.
//
// A read-only bind alone would not do: `mv .git .git-old; mkdir .git` would swap the whole
// folder. So each git folder, and every directory between it and the workspace root, is also
// made a mount point, which rename(2) and rmdir(2) refuse (EBUSY).
// Must not know: policies. Thread-safety: pure functions (they read the file system).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace agent {

struct ProtectedPaths {
  std::vector<std::filesystem::path> mount_points;  // bound on themselves, stay writable
  std::vector<std::filesystem::path> read_only;     // bound on themselves, read-only
  std::vector<std::filesystem::path> created;       // missing hooks folders created empty
  bool scan_truncated = false;                      // the walk hit `max_entries`
};

// Walks `workspace` (not following symbolic links, at most `max_entries` entries).
ProtectedPaths find_protected_paths(const std::filesystem::path& workspace,
                                    size_t max_entries = 500000);

// Every hook file (not *.sample) of every repository in `workspace` (and core.hooksPath
// folders), with a fingerprint of its content: compared before and after a run to report
// hooks the run created or changed where the mounts could not stop it (new repositories).
std::map<std::string, std::string> snapshot_git_hooks(const std::filesystem::path& workspace,
                                                      size_t max_entries = 500000);

// Paths present in `after` that are absent from or different in `before`.
std::vector<std::string> changed_hooks(const std::map<std::string, std::string>& before,
                                       const std::map<std::string, std::string>& after);

}  // namespace agent
