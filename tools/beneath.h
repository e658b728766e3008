// Opening paths beneath a folder without races. The file tools run in the agent's own process,
// outside the sandbox, while a command the model started may still be running in it and
// renaming folders or swapping one for a symbolic link. Checking a path string and then opening
// it again by name leaves a gap between the two; here every step goes through a folder that is
// already open (openat and friends), and folders are opened with openat2(RESOLVE_BENEATH), so
// a name can never lead out of the root, whatever changes under it meanwhile.
//
// Kernels without openat2 (before 5.6, or a seccomp filter that hides it) get the same rules
// from a walk one component at a time with O_NOFOLLOW, following symbolic links by reading
// them. That walk also resolves absolute symbolic links that point inside the root, which
// RESOLVE_BENEATH refuses outright.
// Knows nothing of tools or of the model. Thread-safety: reentrant.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

// An owned file descriptor, closed by the destructor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release();
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// A folder that the paths below are resolved in.
struct BeneathRoot {
  int fd = -1;                 // an open folder (O_PATH is enough)
  std::filesystem::path real;  // its absolute, symlink-free path
};

// An open folder beneath a root, and where it is.
struct BeneathDir {
  UniqueFd fd;      // O_PATH | O_DIRECTORY
  std::string rel;  // its symlink-free path relative to the root, '/'-separated; "" = the root
};

// Opens the folder `path` (relative; it may hold symbolic links and "..") beneath `root`.
// Returns 0 or an errno value: EXDEV when the path leads out of the root (by "..", by a
// symbolic link to a place outside, or by an absolute path), ELOOP after 40 links, ENOENT,
// ENOTDIR, EACCES ... as open(2) would.
int open_dir_beneath(const BeneathRoot& root, std::string_view path, BeneathDir* out);

// Opens `rel` (relative, no "..") beneath the folder `root_fd` with `flags`, refusing every
// symbolic link on the way and at the end (ELOOP), as a walk that never follows links needs.
// Returns the descriptor, or an invalid one with errno set.
UniqueFd open_beneath_no_symlinks(int root_fd, std::string_view rel, int flags);

// For tests: false makes every resolution take the walk that kernels without openat2 get.
void set_openat2_enabled(bool enabled);

// Splits a '/'-separated path into its components, dropping empty ones and ".".
std::vector<std::string> split_path(std::string_view path);

// `abs` relative to `root` when it starts with it as written (no normalisation): how an
// absolute symbolic link that points inside the root is followed. "" for the root itself.
bool relative_to_root(const std::filesystem::path& root, std::string_view abs, std::string* rel);

}  // namespace agent
