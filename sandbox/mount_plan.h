// MountPlan: the file-system view of a sandboxed command, computed once per sandbox from its
// config and turned into the child's mount steps and Landlock rules (child_plan.h).
//
// The view (mount namespace): every inherited mount read-only and nosuid; a private tmpfs
// on /tmp; a minimal /dev (null, zero, full, random, urandom, tty, a private devpts and
// /dev/shm); the user's home hidden behind the private HOME (a host folder, or a tmpfs) with
// toolchains and allowed paths bound back read-only; the workspace bound writable; git
// hooks/config and .agent bound read-only (git_protect.h); a fresh /proc for the command's
// pid namespace. Without a mount namespace only the Landlock rules apply.
// Thread-safety: an immutable value once built.
#pragma once

#include <deque>
#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"
#include "sandbox/child_plan.h"
#include "sandbox/git_protect.h"
#include "sandbox/sandbox_config.h"

namespace agent {

struct MountPlan {
  std::vector<ChildMount> mounts;
  int n_slots = 0;
  std::vector<ChildLandlockRule> landlock;
  std::filesystem::path command_home;           // HOME inside the sandbox (empty: unchanged)
  std::vector<std::string> env;                 // HOME, caches, TMPDIR
  std::vector<std::filesystem::path> visible_home;  // bound back read-only
  std::vector<std::filesystem::path> visible_tmp;   // PATH folders under /tmp, bound back read-only
  bool home_hidden = false;
  ProtectedPaths protected_paths;

  MountPlan() = default;
  MountPlan(MountPlan&&) = default;
  MountPlan& operator=(MountPlan&&) = default;
  MountPlan(const MountPlan&) = delete;
  MountPlan& operator=(const MountPlan&) = delete;

  // Storage for the strings the steps point to (deque: stable addresses).
  const char* keep(std::string s) { return strings_.emplace_back(std::move(s)).c_str(); }

 private:
  std::deque<std::string> strings_;
};

// The paths under `home` that stay visible: toolchains found on PATH (a known toolchain root
// such as ~/.pyenv or ~/.nvm whole, otherwise only the PATH folder itself, so ~/.cargo/bin
// but not ~/.cargo/credentials), ~/.rustup, ~/.gitconfig, ~/.config/git, and what
// config.home_visible adds. Existing paths only, none inside another.
std::vector<std::filesystem::path> visible_home_paths(const SandboxConfig& config);

// The PATH folders under /tmp that stay visible (read-only) over the private /tmp: toolchains
// someone unpacked there. Not those inside the workspace (visible anyway) nor those holding
// it (the workspace is mounted on its own). Existing folders only, none inside another.
std::vector<std::filesystem::path> visible_tmp_paths(const SandboxConfig& config);

Result<MountPlan> build_mount_plan(const SandboxConfig& config, const SandboxLayers& layers);

}  // namespace agent
