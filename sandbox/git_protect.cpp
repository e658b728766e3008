#include "sandbox/git_protect.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace agent {

namespace fs = std::filesystem;

namespace {

struct GitDir {
  fs::path gitdir;
  fs::path worktree;  // empty for submodule git folders under .git/modules
};

bool is_within(const fs::path& p, const fs::path& root) {
  auto [r, q] = std::mismatch(root.begin(), root.end(), p.begin(), p.end());
  return r == root.end();
}

std::string slurp(const fs::path& p, size_t max = 1 << 20) {
  std::ifstream in(p, std::ios::binary);
  std::string s(max, '\0');
  in.read(s.data(), static_cast<std::streamsize>(max));
  s.resize(static_cast<size_t>(in.gcount()));
  return s;
}

std::string trim(std::string s) {
  auto sp = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && sp(s.back())) s.pop_back();
  size_t i = 0;
  while (i < s.size() && sp(s[i])) ++i;
  s.erase(0, i);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// core.hooksPath from a git config file (plain `[core]` section, `hooksPath = value`).
std::string hooks_path_setting(const fs::path& config) {
  std::istringstream in(slurp(config));
  std::string line, section, value;
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t[0] == '[') {
      section = lower(trim(t.substr(1, t.find(']') - 1)));
      continue;
    }
    size_t eq = t.find('=');
    if (section == "core" && eq != std::string::npos && lower(trim(t.substr(0, eq))) == "hookspath") {
      value = trim(t.substr(eq + 1));
    }
  }
  return value;
}

// The target of a `.git` file ("gitdir: <path>"), resolved against its folder.
fs::path gitfile_target(const fs::path& gitfile) {
  std::string text = slurp(gitfile, 4096);
  if (text.rfind("gitdir:", 0) != 0) return {};
  fs::path target = trim(text.substr(7));
  if (target.is_relative()) target = gitfile.parent_path() / target;
  std::error_code ec;
  fs::path canon = fs::canonical(target, ec);
  return ec ? fs::path() : canon;
}

void add_submodule_dirs(const fs::path& gitdir, std::vector<GitDir>& out) {
  std::error_code ec;
  fs::path modules = gitdir / "modules";
  if (!fs::is_directory(modules, ec)) return;
  for (auto it = fs::recursive_directory_iterator(modules, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_directory(ec) && fs::exists(it->path() / "HEAD", ec) && fs::exists(it->path() / "config", ec)) {
      out.push_back({it->path(), {}});
    }
  }
}

std::vector<GitDir> find_git_dirs(const fs::path& ws, size_t max_entries, bool* truncated,
                                  std::vector<fs::path>* gitfiles) {
  std::vector<GitDir> dirs;
  std::error_code ec;
  size_t seen = 0;
  auto it = fs::recursive_directory_iterator(ws, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (++seen > max_entries) {
      *truncated = true;
      break;
    }
    if (it->path().filename() != ".git") continue;
    it.disable_recursion_pending();  // the git folder's own contents are handled below
    std::error_code e2;
    auto st = it->symlink_status(e2);
    if (e2) continue;
    if (fs::is_directory(st)) {
      dirs.push_back({it->path(), it->path().parent_path()});
    } else if (fs::is_regular_file(st)) {
      gitfiles->push_back(it->path());
      fs::path target = gitfile_target(it->path());
      if (!target.empty() && is_within(target, ws)) dirs.push_back({target, it->path().parent_path()});
    }
  }
  size_t n = dirs.size();
  for (size_t i = 0; i < n; ++i) add_submodule_dirs(dirs[i].gitdir, dirs);
  return dirs;
}

// The folders that hold hooks for `g`: its hooks folder (through a symlink too) and a
// core.hooksPath inside the workspace.
std::vector<fs::path> hook_dirs(const GitDir& g, const fs::path& ws) {
  std::vector<fs::path> out;
  std::error_code ec;
  fs::path hooks = g.gitdir / "hooks";
  fs::path real = fs::weakly_canonical(hooks, ec);
  if (!ec && is_within(real, ws)) out.push_back(real);
  std::string hp = hooks_path_setting(g.gitdir / "config");
  if (!hp.empty() && hp[0] != '~') {
    fs::path p = hp;
    if (p.is_relative()) p = (g.worktree.empty() ? g.gitdir : g.worktree) / p;
    fs::path canon = fs::weakly_canonical(p, ec);
    if (!ec && is_within(canon, ws) && fs::is_directory(canon, ec)) out.push_back(canon);
  }
  return out;
}

template <typename T>
void sort_unique(std::vector<T>& v) {
  std::sort(v.begin(), v.end(), [](const fs::path& a, const fs::path& b) {
    auto da = std::distance(a.begin(), a.end());
    auto db = std::distance(b.begin(), b.end());
    return da != db ? da < db : a < b;
  });
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

ProtectedPaths find_protected_paths(const fs::path& workspace, size_t max_entries) {
  ProtectedPaths out;
  std::vector<fs::path> gitfiles;
  auto dirs = find_git_dirs(workspace, max_entries, &out.scan_truncated, &gitfiles);
  std::error_code ec;
  for (const auto& f : gitfiles) out.read_only.push_back(f);
  for (const auto& g : dirs) {
    // The git folder and every folder above it up to the workspace become mount points.
    for (fs::path p = g.gitdir; p != workspace && is_within(p, workspace) && p.has_relative_path();
         p = p.parent_path()) {
      out.mount_points.push_back(p);
    }
    fs::path hooks = g.gitdir / "hooks";
    if (!fs::exists(fs::symlink_status(hooks, ec))) {
      // A missing hooks folder could be created and filled: create it (empty, as git init
      // would) so that it can be bound read-only.
      if (fs::create_directory(hooks, ec)) out.created.push_back(hooks);
    }
    for (const auto& h : hook_dirs(g, workspace)) out.read_only.push_back(h);
    if (fs::is_regular_file(g.gitdir / "config", ec)) out.read_only.push_back(g.gitdir / "config");
  }
  fs::path agent_dir = workspace / ".agent";
  if (fs::is_directory(fs::symlink_status(agent_dir, ec))) out.read_only.push_back(agent_dir);
  sort_unique(out.mount_points);
  sort_unique(out.read_only);
  return out;
}

std::map<std::string, std::string> snapshot_git_hooks(const fs::path& workspace, size_t max_entries) {
  std::map<std::string, std::string> snap;
  bool truncated = false;
  std::vector<fs::path> gitfiles;
  std::error_code ec;
  for (const auto& g : find_git_dirs(workspace, max_entries, &truncated, &gitfiles)) {
    fs::path config = g.gitdir / "config";
    if (fs::is_regular_file(config, ec)) {
      snap[config.string()] = std::to_string(std::hash<std::string>{}(slurp(config)));
    }
    for (const auto& dir : hook_dirs(g, workspace)) {
      for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec) || it->path().extension() == ".sample") continue;
        std::string body = slurp(it->path());
        snap[it->path().string()] = std::to_string(body.size()) + ":" +
                                    std::to_string(std::hash<std::string>{}(body));
      }
    }
  }
  return snap;
}

std::vector<std::string> changed_hooks(const std::map<std::string, std::string>& before,
                                       const std::map<std::string, std::string>& after) {
  std::vector<std::string> out;
  for (const auto& [path, print] : after) {
    auto it = before.find(path);
    if (it == before.end() || it->second != print) out.push_back(path);
  }
  return out;
}

}  // namespace agent
