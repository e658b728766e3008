// Our libgit2 git_status and git_diff (what the model's tools run, in-process) against the
// `git` command on the same large repository, side by side. The repository is generated here:
// N tracked files (default 5,000) in folders of 50, ~1.5 KB each; then 1% of them modified,
// 20 deleted and 50 untracked files added, so that both status and diff have work to do.
// Each operation runs once to warm the caches, then `reps` times; the median is printed with
// the ratio ours / git (below 1 = we are faster). `git` is timed as a tool that shells out
// would pay for it: process start included. Outputs are compared too (as sorted lines), so
// that a fast but wrong answer would show.
//
// Usage: git_bench [files] [reps]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "common/fs.h"
#include "tools/git/git_repo.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double time_ms(const std::function<void()>& f) {
  auto t0 = Clock::now();
  f();
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::string file_text(int i, int version) {
  std::string s;
  for (int line = 0; line < 30; ++line) {
    s += "line " + std::to_string(line) + " of file " + std::to_string(i) + " version " + std::to_string(version) +
         ": lorem ipsum dolor sit amet\n";
  }
  return s;
}

fs::path rel_path(int i) {
  char dir[32];
  std::snprintf(dir, sizeof dir, "src/d%03d", i / 50);
  return fs::path(dir) / ("f" + std::to_string(i) + ".txt");
}

// Plain writes: the repository is scratch, fsync per file would make generating it slow.
bool write(const fs::path& p, const std::string& text) {
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << text;
  return static_cast<bool>(f);
}

bool make_repo(const fs::path& repo, int files) {
  for (int i = 0; i < files; ++i) {
    if (!write(repo / rel_path(i), file_text(i, 0))) return false;
  }
  std::string cmd = "cd " + repo.string() + " && git init -q -b main && git add -A && "
                    "git -c user.name=b -c user.email=b@b commit -qm init";
  if (std::system(cmd.c_str()) != 0) return false;
  for (int i = 0; i < files; i += 100) {  // 1% modified
    if (!write(repo / rel_path(i), file_text(i, 1))) return false;
  }
  for (int i = 1; i < files && i <= 20 * 97; i += 97) fs::remove(repo / rel_path(i));  // 20 deleted
  for (int i = 0; i < 50; ++i) {
    if (!write(repo / "new" / ("n" + std::to_string(i) + ".txt"), file_text(i, 2))) return false;
  }
  return true;
}

std::string run_git(const fs::path& repo, const std::string& args, const fs::path& out) {
  std::string cmd = "git -C " + repo.string() + " " + args + " > " + out.string();
  if (std::system(cmd.c_str()) != 0) return "<git failed>";
  auto text = agent::read_file(out, 1ull << 30);
  return text.ok() ? *text : "";
}

// The lines of `text`, sorted: git lists untracked files after tracked changes, our status
// lists every entry in path order; the entries, not their order, must agree.
std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::sort(lines.begin(), lines.end());
  return lines;
}

struct Row {
  std::string name;
  double ours_ms = 0, git_ms = 0;
  bool same = false;
};

Row compare(const std::string& name, int reps, const std::function<std::string()>& ours,
            const std::function<std::string()>& git) {
  Row r;
  r.name = name;
  std::string a = ours(), b = git();  // warm-up, and the outputs compared
  r.same = sorted_lines(a) == sorted_lines(b);
  std::vector<double> t_ours, t_git;
  for (int i = 0; i < reps; ++i) {
    t_ours.push_back(time_ms([&] { ours(); }));
    t_git.push_back(time_ms([&] { git(); }));
  }
  r.ours_ms = median(t_ours);
  r.git_ms = median(t_git);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int files = argc > 1 ? std::atoi(argv[1]) : 5000;
  int reps = argc > 2 ? std::atoi(argv[2]) : 9;
  if (files < 100 || reps < 1) {
    std::fprintf(stderr, "usage: git_bench [files >= 100] [reps >= 1]\n");
    return 2;
  }
  auto tmp = agent::TempDir::create("agent-git-bench-");
  if (!tmp.ok()) return 1;
  fs::path repo = tmp->path() / "repo", out = tmp->path() / "git.out";
  auto t0 = Clock::now();
  if (!make_repo(repo, files)) {
    std::fprintf(stderr, "git_bench: could not generate the repository\n");
    return 1;
  }
  std::printf("repository: %d tracked files (%d modified, 20 deleted, 50 untracked), made in %.1f s\n\n", files,
              files / 100, std::chrono::duration<double>(Clock::now() - t0).count());
  std::vector<Row> rows;
  rows.push_back(compare("status", reps, [&] { return *agent::git_status_text(repo); },
                         [&] { return run_git(repo, "status --short --branch --untracked-files=all", out); }));
  rows.push_back(compare("diff (unstaged)", reps, [&] { return *agent::git_diff_text(repo, false, ""); },
                         [&] { return run_git(repo, "diff --no-color --no-ext-diff", out); }));
  rows.push_back(compare("diff (one folder)", reps, [&] { return *agent::git_diff_text(repo, false, "src/d000"); },
                         [&] { return run_git(repo, "diff --no-color --no-ext-diff -- src/d000", out); }));
  std::printf("%-20s %12s %12s %10s %13s\n", "operation", "ours (ms)", "git (ms)", "ours/git", "same entries");
  for (const auto& r : rows) {
    std::printf("%-20s %12.2f %12.2f %10.2f %13s\n", r.name.c_str(), r.ours_ms, r.git_ms,
                r.git_ms > 0 ? r.ours_ms / r.git_ms : 0.0, r.same ? "yes" : "no");
  }
  return 0;
}
