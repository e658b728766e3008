// Runtime overhead of the agent itself, model time excluded: scripted sessions of 20, 100 and
// 1,000 turns, each turn one cheap shell command whose ~2.8 KB of output grows the history
// (1,000 turns ≈ 1M tokens by the runtime's own 3-bytes-per-token estimate). Prints, per
// session length: overhead per turn (wall time minus time inside tool calls, divided by
// turns), its median in the first and last tenth of the session (flat = the history's size
// does not matter), and the agent process's peak RSS. Codex CLI and Claude Code figures are
// the published anchors for the same workload on a 2-core machine (docs/benchmarks.md): they
// are not run here, so the ratios are against those figures.
//
// Usage: runtime_bench [path/to/agent] [turns...]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/fs.h"
#include "common/json.h"

namespace {

using agent::Json;
namespace fs = std::filesystem;

struct Sample {
  int turns = 0;
  double wall_s = 0, tool_s = 0, first_median_ms = 0, last_median_ms = 0;
  long peak_rss_kb = 0;
  int exit_code = -1;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

Sample run_session(const std::string& agent, const fs::path& dir, int turns) {
  Sample s;
  s.turns = turns;
  fs::path repo = dir / ("repo" + std::to_string(turns));
  fs::create_directories(repo);
  std::string init = "cd " + repo.string() +
                     " && git init -q && printf 'x\\n' > a.txt && git add -A && "
                     "git -c user.name=b -c user.email=b@b commit -qm init";
  if (std::system(init.c_str()) != 0) return s;
  std::string script;
  for (int i = 0; i < turns; ++i) {
    Json call{{"name", "shell"}, {"arguments", {{"command", "head -c 2600 /dev/zero | tr '\\0' x; echo ' turn " + std::to_string(i) + "'"}}}};
    script += Json{{"tool_calls", Json::array({call})}}.dump() + "\n";
  }
  script += Json{{"content", "done"}}.dump() + "\n";
  fs::path script_path = dir / ("script" + std::to_string(turns) + ".jsonl");
  fs::path issue = dir / "issue.md";
  fs::path out = dir / ("run" + std::to_string(turns));
  if (!agent::write_file_atomic(script_path, script).ok() || !agent::write_file_atomic(issue, "bench").ok()) return s;

  std::fflush(stdout);
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(agent.c_str(), agent.c_str(), "solve", "--repo", repo.c_str(), "--issue", issue.c_str(),
          "--backend", "scripted", "--script", script_path.c_str(), "--out", out.c_str(),
          "--max-steps", "0", "--json", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  s.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  s.peak_rss_kb = ru.ru_maxrss;

  // Per turn: time from one tool result to the next, minus the time inside the tool.
  auto text = agent::read_file(out / "trajectory.jsonl");
  if (!text.ok()) return s;
  std::vector<double> per_turn;
  double prev_end = -1;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    Json e = Json::parse(text->substr(pos, nl - pos));
    pos = nl + 1;
    if (e["type"] != "tool_finished") continue;
    double d = e.value("duration_s", 0.0);
    s.tool_s += d;
    double t = e.value("t", 0.0);
    if (prev_end >= 0) per_turn.push_back((t - prev_end - d) * 1000.0);
    prev_end = t;
  }
  size_t tenth = std::max<size_t>(1, per_turn.size() / 10);
  s.first_median_ms = median(std::vector<double>(per_turn.begin(), per_turn.begin() + static_cast<long>(std::min(tenth, per_turn.size()))));
  s.last_median_ms = median(std::vector<double>(per_turn.end() - static_cast<long>(std::min(tenth, per_turn.size())), per_turn.end()));
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::string agent = argc > 1 ? argv[1] : "build/tasks/agent";
  std::vector<int> sizes;
  for (int i = 2; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {20, 100, 1000};
  auto dir = agent::TempDir::create("agent-runtime-bench-");
  if (!dir.ok()) return 1;
  // Published anchors (agent-field-notes.md): ms of runtime overhead per turn, peak MB.
  const double codex_ms = 56, claude_ms = 70, codex_mb = 150, claude_mb = 250;
  std::printf("%6s %10s %10s %12s %12s %12s %9s %10s %10s\n", "turns", "wall_s", "tools_s",
              "ms/turn", "first10%", "last10%", "peak_MB", "vs_codex", "vs_claude");
  int rc = 0;
  for (int n : sizes) {
    Sample s = run_session(agent, dir->path(), n);
    if (s.exit_code != 0) {
      std::printf("%6d  session failed (exit %d)\n", n, s.exit_code);
      rc = 1;
      continue;
    }
    double ms = (s.wall_s - s.tool_s) * 1000.0 / n;
    double mb = static_cast<double>(s.peak_rss_kb) / 1024.0;
    std::printf("%6d %10.2f %10.2f %12.2f %12.2f %12.2f %9.1f %9.3fx %9.3fx\n", n, s.wall_s, s.tool_s, ms,
                s.first_median_ms, s.last_median_ms, mb, ms / codex_ms, ms / claude_ms);
  }
  std::printf("\nvs_codex / vs_claude: our ms per turn over Codex CLI's best published 56 ms and "
              "Claude Code's 70 ms (lower is better).\n"
              "Peak memory anchors: Codex ~%.0f MB, Claude Code ~%.0f MB.\n", codex_mb, claude_mb);
  return rc;
}
