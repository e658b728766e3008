#include "sandbox/mount_plan.h"

#include <algorithm>
#include <set>

#include "sandbox/landlock_abi.h"

namespace agent {

namespace fs = std::filesystem;

namespace {

using Op = ChildMount::Op;

// First components under the home that are whole toolchain installations (no secrets):
// visible entirely, because their shims need more than the folder on PATH.
const char* const kToolchainRoots[] = {".pyenv", ".rbenv", ".nodenv", ".goenv", ".nvm",
                                       ".volta", ".rustup", ".sdkman", ".bun", ".deno",
                                       ".juliaup", ".elan", ".ghcup", ".opam", ".dotnet",
                                       ".jenv", "go", "sdk"};
const char* const kDevices[] = {"null", "zero", "full", "random", "urandom", "tty"};

bool is_within(const fs::path& p, const fs::path& root) {
  auto [r, q] = std::mismatch(root.begin(), root.end(), p.begin(), p.end());
  return r == root.end();
}

bool strictly_within(const fs::path& p, const fs::path& root) {
  return p != root && is_within(p, root);
}

size_t depth(const fs::path& p) { return static_cast<size_t>(std::distance(p.begin(), p.end())); }

class Builder {
 public:
  Builder(MountPlan& plan) : plan_(plan) {}

  int open_source(const fs::path& p, bool optional = false) {
    int slot = plan_.n_slots++;
    ChildMount m{Op::kOpenSource};
    m.source = plan_.keep(p.string());
    m.slot = slot;
    m.optional = optional;
    plan_.mounts.push_back(m);
    return slot;
  }
  void step(Op op, const fs::path& path, const std::string& source = {}, unsigned mode = 0755,
            bool optional = false, int slot = -1) {
    ChildMount m{op};
    m.path = plan_.keep(path.string());
    if (!source.empty()) m.source = plan_.keep(source);
    m.mode = mode;
    m.optional = optional;
    m.slot = slot;
    plan_.mounts.push_back(m);
  }
  // `target` may lie under a mount made here (tmpfs, private home) that hides the original
  // folders: create the path down to it, the last component as a file when it is one.
  void ensure_target(const fs::path& target, bool is_dir) {
    const fs::path* root = nullptr;
    for (const auto& r : fresh_) {
      if (strictly_within(target, r) && (root == nullptr || depth(r) > depth(*root))) root = &r;
    }
    if (root == nullptr) return;
    fs::path cur = *root;
    fs::path rel = target.lexically_relative(*root);
    for (auto it = rel.begin(); it != rel.end(); ++it) {
      cur /= *it;
      bool last = std::next(it) == rel.end();
      step(last && !is_dir ? Op::kMkfile : Op::kMkdir, cur);
    }
  }
  void fresh(const fs::path& p) { fresh_.push_back(p); }

 private:
  MountPlan& plan_;
  std::vector<fs::path> fresh_;
};

void add_dev(Builder& b, const std::vector<int>& dev_slots) {
  b.step(Op::kTmpfs, "/dev", "mode=0755,size=1m");
  b.fresh("/dev");
  for (size_t i = 0; i < std::size(kDevices); ++i) {
    fs::path d = fs::path("/dev") / kDevices[i];
    b.step(Op::kMkfile, d, {}, 0644, true);
    b.step(Op::kBind, d, {}, 0, true, dev_slots[i]);
  }
  b.step(Op::kSymlink, "/dev/fd", "/proc/self/fd");
  b.step(Op::kSymlink, "/dev/stdin", "/proc/self/fd/0");
  b.step(Op::kSymlink, "/dev/stdout", "/proc/self/fd/1");
  b.step(Op::kSymlink, "/dev/stderr", "/proc/self/fd/2");
  b.step(Op::kSymlink, "/dev/ptmx", "pts/ptmx");
  b.step(Op::kMkdir, "/dev/pts");
  // Ptys for programs that need a terminal; a private instance shows none of the host's.
  b.step(Op::kDevpts, "/dev/pts", "newinstance,ptmxmode=0666,mode=0620", 0, true);
  b.step(Op::kMkdir, "/dev/shm", {}, 01777);
}

// The home is hidden unless it is the workspace or inside it (then it is the workspace).
bool hide_home(const SandboxConfig& c) {
  std::error_code ec;
  return !c.home.empty() && c.home.has_relative_path() && fs::is_directory(c.home, ec) &&
         !is_within(c.home, c.workspace);
}

void add_landlock(MountPlan& plan, const SandboxConfig& c, const SandboxLayers& layers) {
  if (layers.landlock_abi <= 0) return;
  uint64_t w = landlock_write_rights(layers.landlock_abi);
  auto rule = [&](const fs::path& p, uint64_t access) {
    plan.landlock.push_back({plan.keep(p.string()), access});
  };
  rule(c.workspace, w);
  rule("/tmp", w);
  if (!plan.command_home.empty()) rule(plan.command_home, w);
  rule("/dev/shm", w);
  rule("/dev/pts", w);
  for (const char* d : {"null", "zero", "full", "tty", "ptmx"}) {
    rule(fs::path("/dev") / d, LANDLOCK_ACCESS_FS_WRITE_FILE | (layers.landlock_abi >= 3 ? kLandlockTruncate : 0));
  }
}

// The candidates that `keep` accepts, outermost first, leaving out any inside another.
template <typename Keep>
std::vector<fs::path> outermost(std::vector<fs::path> cand, Keep keep) {
  std::sort(cand.begin(), cand.end(), [](const fs::path& a, const fs::path& b) {
    return depth(a) < depth(b) || (depth(a) == depth(b) && a < b);
  });
  std::vector<fs::path> out;
  for (const auto& p : cand) {
    if (!keep(p)) continue;
    bool covered = std::any_of(out.begin(), out.end(), [&](const fs::path& o) { return is_within(p, o); });
    if (!covered) out.push_back(p);
  }
  return out;
}

}  // namespace

std::vector<fs::path> visible_home_paths(const SandboxConfig& c) {
  std::vector<fs::path> cand;
  if (c.home.empty()) return cand;
  for (const auto& d : c.path_dirs) {
    if (!d.is_absolute() || !strictly_within(d.lexically_normal(), c.home)) continue;
    fs::path rel = d.lexically_normal().lexically_relative(c.home);
    std::string first = rel.begin()->string();
    bool root = std::find(std::begin(kToolchainRoots), std::end(kToolchainRoots), first) !=
                std::end(kToolchainRoots);
    cand.push_back(root ? c.home / first : d.lexically_normal());
  }
  for (const char* d : {".rustup", ".gitconfig", ".config/git"}) cand.push_back(c.home / d);
  for (const auto& v : c.home_visible) cand.push_back(v.is_absolute() ? v : c.home / v);
  std::error_code ec;
  return outermost(std::move(cand), [&](const fs::path& p) { return fs::exists(p, ec) && strictly_within(p, c.home); });
}

std::vector<fs::path> visible_tmp_paths(const SandboxConfig& c) {
  std::vector<fs::path> cand;
  for (const auto& d : c.path_dirs) {
    fs::path n = d.lexically_normal();
    if (!n.is_absolute() || !strictly_within(n, "/tmp")) continue;
    if (is_within(n, c.workspace) || is_within(c.workspace, n)) continue;
    cand.push_back(n);
  }
  std::error_code ec;
  return outermost(std::move(cand), [&](const fs::path& p) { return fs::is_directory(p, ec); });
}

Result<MountPlan> build_mount_plan(const SandboxConfig& c, const SandboxLayers& layers) {
  MountPlan plan;
  std::error_code ec;
  if (!c.workspace.is_absolute() || !fs::is_directory(c.workspace, ec)) {
    return invalid_argument("sandbox workspace " + c.workspace.string() + " is not a folder");
  }
  if (!layers.mount_ns) {
    if (!c.private_home.empty()) {
      plan.command_home = c.private_home;
      plan.env = private_home_env(c.private_home);
      if (fs::is_directory(c.home / ".rustup", ec)) plan.env.push_back("RUSTUP_HOME=" + (c.home / ".rustup").string());
    }
    add_landlock(plan, c, layers);
    return plan;
  }
  Builder b(plan);
  plan.home_hidden = hide_home(c);
  plan.protected_paths = find_protected_paths(c.workspace);
  if (plan.home_hidden) plan.visible_home = visible_home_paths(c);
  plan.visible_tmp = visible_tmp_paths(c);
  // Sources first: once something is mounted over them they can no longer be reached.
  // The workspace needs an fd only when a mount made below hides it (it lives under /tmp or
  // the home); otherwise it is bound onto itself by path, which is cheaper.
  const bool ws_hidden = is_within(c.workspace, "/tmp") || is_within(c.workspace, "/dev") ||
                         (plan.home_hidden && is_within(c.workspace, c.home));
  int ws_slot = ws_hidden ? b.open_source(c.workspace) : -1;
  int home_slot = plan.home_hidden && !c.private_home.empty() ? b.open_source(c.private_home) : -1;
  std::vector<int> vis_slots, dev_slots;
  for (const auto& v : plan.visible_home) vis_slots.push_back(b.open_source(v));
  std::vector<int> tmp_slots;
  for (const auto& v : plan.visible_tmp) tmp_slots.push_back(b.open_source(v));
  for (const char* d : kDevices) dev_slots.push_back(b.open_source(fs::path("/dev") / d, true));

  b.step(Op::kRootReadOnly, "/");
  b.step(Op::kTmpfs, "/tmp", "mode=1777,size=" + std::to_string(c.limits.tmp_size_bytes));
  b.fresh("/tmp");
  add_dev(b, dev_slots);
  // The home and the workspace, the outer one first when one holds the other.
  auto mount_home = [&] {
    b.ensure_target(c.home, true);
    if (home_slot >= 0) {
      b.step(Op::kBind, c.home, {}, 0, false, home_slot);
      b.step(Op::kClearReadOnly, c.home);
    } else {
      b.step(Op::kTmpfs, c.home, "mode=0700,size=" + std::to_string(c.limits.tmp_size_bytes));
    }
    b.fresh(c.home);
  };
  auto mount_workspace = [&] {
    b.ensure_target(c.workspace, true);
    if (ws_slot >= 0) {
      b.step(Op::kBind, c.workspace, {}, 0, false, ws_slot);
    } else {
      b.step(Op::kBindSelf, c.workspace);
    }
    b.step(Op::kClearReadOnly, c.workspace);
  };
  if (plan.home_hidden && depth(c.home) <= depth(c.workspace)) mount_home();
  mount_workspace();
  if (plan.home_hidden && depth(c.home) > depth(c.workspace)) mount_home();
  for (size_t i = 0; i < plan.visible_home.size(); ++i) {
    const fs::path& v = plan.visible_home[i];
    b.ensure_target(v, fs::is_directory(v, ec));
    // No kSetReadOnly: a bind copies its source mount's flags, and every source mount is
    // read-only since kRootReadOnly.
    b.step(Op::kBind, v, {}, 0, false, vis_slots[i]);
  }
  for (size_t i = 0; i < plan.visible_tmp.size(); ++i) {
    b.ensure_target(plan.visible_tmp[i], true);
    b.step(Op::kBind, plan.visible_tmp[i], {}, 0, false, tmp_slots[i]);  // read-only, as above
  }
  for (const auto& m : plan.protected_paths.mount_points) b.step(Op::kBindSelf, m);
  for (const auto& r : plan.protected_paths.read_only) {
    b.step(Op::kBindSelf, r);
    b.step(Op::kSetReadOnly, r);
  }
  b.step(Op::kProc, "/proc");
  if (plan.home_hidden) {
    plan.command_home = c.home;
    plan.env = private_home_env(c.home);
  } else if (!c.home.empty()) {
    plan.env = {"TMPDIR=/tmp"};
  }
  add_landlock(plan, c, layers);
  return plan;
}

}  // namespace agent
