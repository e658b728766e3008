// Task checkouts through libgit2: each task gets its own working tree at base_commit in the
// batch folder; the source repository or bundle is only ever read.
//
// A checkout borrows its objects through git's alternates mechanism (like `git clone
// --shared`): for a repository source it points at that repository's object database, for a
// bundle at a bare repository the bundle was unpacked into once per batch. Objects the run
// writes (snapshots, commits) go to the checkout's own database.
// Thread-safety: RepoSources is safe to share between threads; the free functions are
// reentrant (one caller per checkout).
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace agent::bench {

class RepoSources {
 public:
  // Bundles are unpacked under `cache_dir` (created on first use).
  explicit RepoSources(std::filesystem::path cache_dir) : cache_dir_(std::move(cache_dir)) {}

  // The object database holding repo_path's objects. A bundle is unpacked on the first call
  // for it (an unpacked copy left by an earlier, killed batch is reused: unpacking ends with
  // an atomic rename). Errors name repo_path.
  Result<std::filesystem::path> objects_dir(const std::string& repo_path);

 private:
  std::filesystem::path cache_dir_;
  std::mutex mu_;
  std::map<std::string, std::filesystem::path> known_;
  std::map<std::string, std::unique_ptr<std::mutex>> unpacking_;
};

// Unpacks a git bundle (v2 or v3, SHA-1, no prerequisites) into a new bare repository at
// `bare_dir` with the bundle's refs.
Status unpack_bundle(const std::filesystem::path& bundle, const std::filesystem::path& bare_dir);

// Creates `dest` (must not exist) as a git working tree whose HEAD is `commit` (detached), with
// every tracked file checked out. NotFound when the objects do not hold the commit.
Status checkout_commit(const std::filesystem::path& objects_dir, const std::string& commit,
                       const std::filesystem::path& dest);

// Puts `paths` (relative to the working tree) back to their content at HEAD; paths HEAD does
// not have are deleted. What SWE-bench's eval script does to test files before applying
// test_patch. Checks every path with check_checkout_paths first and touches nothing when one
// fails.
Status restore_paths(const std::filesystem::path& workdir, const std::vector<std::string>& paths);

// InvalidArgument naming the first path that is not a plain path inside the working tree:
// empty, absolute, leaving it after normalisation ("a/../../x"), inside .git, or below a
// folder that resolves (through symbolic links) outside it. Patches come from models and task
// files: nothing they name may reach files outside the checkout.
Status check_checkout_paths(const std::filesystem::path& workdir, const std::vector<std::string>& paths);

// Applies a unified diff to the working tree exactly (like `git apply`: no fuzz). Nothing is
// changed when it fails.
Status git_apply_patch(const std::filesystem::path& workdir, std::string_view patch);

// `patch` with a "diff --git" header (and new/deleted file mode lines) before each file of a
// plain `diff -u` style patch, the form libgit2's parser needs; git-style sections unchanged.
std::string with_git_headers(std::string_view patch);

// The paths a unified diff touches (old and new names of "--- "/"+++ " headers, "diff --git"
// lines, renames and copies), without a/ b/ prefixes, sorted. Hunk bodies are skipped by their
// line counts, so a removed "-- x" or added "++ y" line is content, not a file name. Names are
// returned as written: check them with check_checkout_paths before touching files.
std::vector<std::string> diff_paths(std::string_view patch);

}  // namespace agent::bench
