// sandbox_bench: the latency of one trivial command (/bin/true), side by side in one run:
//   plain      posix_spawn + waitpid, no isolation (and `bash -c` for the shell's own cost)
//   bwrap      bubblewrap --unshare-all (Debian's, as Codex and Claude Code use it), with the
//              same binds as our view, with and without `bash -c`
//   one-shot   our IsolatedSandbox with every layer strict requires: fresh namespaces, mounts,
//              Landlock, seccomp, rlimits for this one command (it runs `bash -c /bin/true`)
//   landlock   the same without namespaces (what `auto` falls back to)
//   shell      /bin/true through the run's persistent sandboxed shell
// Prints medians and p90s and the ratios the sandbox issue sets as goals: one-shot under half
// of bwrap's median, the persistent shell close to plain fork/exec.
// Usage: sandbox_bench [runs=200]
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "common/fs.h"
#include "sandbox/command_env.h"
#include "sandbox/host_probe.h"
#include "sandbox/isolated_sandbox.h"
#include "sandbox/persistent_shell.h"

extern char** environ;

namespace {

using namespace agent;
using Clock = std::chrono::steady_clock;

struct Stats {
  double median = 0, p90 = 0;
  bool ok = false;
};

Stats measure(int runs, const std::function<bool()>& once) {
  for (int i = 0; i < 10; ++i) {
    if (!once()) return {};
  }
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto t0 = Clock::now();
    if (!once()) return {};
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[ms.size() * 9 / 10], true};
}

bool spawn_wait(const std::vector<std::string>& argv) {
  std::vector<char*> a;
  for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
  a.push_back(nullptr);
  pid_t pid;
  if (::posix_spawn(&pid, a[0], nullptr, nullptr, a.data(), environ) != 0) return false;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::vector<std::string> bwrap_argv(const fs::path& ws, bool via_bash) {
  std::vector<std::string> v = {"/usr/bin/bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/",
                                "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                                "--bind", ws.string(), ws.string(), "--chdir", ws.string()};
  if (via_bash) {
    v.insert(v.end(), {"/bin/bash", "-c", "/bin/true"});
  } else {
    v.push_back("/bin/true");
  }
  return v;
}

SandboxConfig config_for(const fs::path& ws) {
  SandboxConfig c;
  c.workspace = ws;
  const char* home = std::getenv("HOME");
  if (home != nullptr) c.home = fs::weakly_canonical(home);
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "";
  for (size_t s = 0, e; s <= p.size(); s = e + 1) {
    e = p.find(':', s);
    if (e == std::string::npos) e = p.size();
    if (e > s && p[s] == '/') c.path_dirs.emplace_back(p.substr(s, e - s));
  }
  return c;
}

void row(const char* name, const Stats& s, const char* note) {
  if (!s.ok) {
    std::printf("  %-44s %10s %10s   %s\n", name, "-", "-", note);
    return;
  }
  std::printf("  %-44s %8.3f ms %7.3f ms   %s\n", name, s.median, s.p90, note);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 200;
  auto tmp = TempDir::create("agent-sbx-bench-");
  if (!tmp.ok()) return 1;
  fs::path ws = fs::canonical(tmp->path());
  const HostCapabilities& caps = host_capabilities();
  auto strict = choose_layers(SandboxMode::kStrict, NetworkMode::kOff, caps);
  if (!strict.ok()) {
    std::fprintf(stderr, "sandbox_bench: strict is not available here: %s\n", strict.status().message().c_str());
    return 1;
  }
  auto one_shot = IsolatedSandbox::create(config_for(ws), strict->layers);
  SandboxLayers no_ns = strict->layers;
  no_ns.user_ns = no_ns.mount_ns = no_ns.pid_ns = no_ns.net_ns = no_ns.ipc_ns = no_ns.uts_ns = no_ns.pid_limit = false;
  auto landlock_only = IsolatedSandbox::create(config_for(ws), no_ns);
  if (!one_shot.ok() || !landlock_only.ok()) return 1;
  std::vector<std::string> env = build_command_env(current_environment());
  PersistentShell shell(**one_shot, ws, env);
  auto run_in = [&](Sandbox& s) {
    CommandSpec spec;
    spec.command = "/bin/true";
    spec.cwd = ws;
    spec.env = env;
    auto r = s.run(spec);
    return r.ok() && r->exit_code == 0;
  };
  auto via_shell = [&] {
    CommandSpec spec;
    spec.command = "/bin/true";
    auto r = shell.run(spec);
    return r.ok() && r->result.exit_code == 0;
  };
  bool have_bwrap = ::access("/usr/bin/bwrap", X_OK) == 0;

  std::printf("sandbox_bench: %d runs of /bin/true each, after 10 warm-up runs; %s\n", runs, caps.kernel.c_str());
  std::printf("  strict layers: %s\n\n", [&] {
    std::string s;
    for (const auto& n : (*one_shot)->layers().names()) s += (s.empty() ? "" : ",") + n;
    return s;
  }().c_str());
  std::printf("  %-44s %10s %10s\n", "launch", "median", "p90");
  Stats plain = measure(runs, [] { return spawn_wait({"/bin/true"}); });
  Stats plain_bash = measure(runs, [] { return spawn_wait({"/bin/bash", "-c", "/bin/true"}); });
  Stats shell_s = measure(runs, via_shell);
  Stats ours = measure(runs, [&] { return run_in(**one_shot); });
  Stats ll = measure(runs, [&] { return run_in(**landlock_only); });
  Stats bw = have_bwrap ? measure(runs, [&] { return spawn_wait(bwrap_argv(ws, false)); }) : Stats{};
  Stats bw_bash = have_bwrap ? measure(runs, [&] { return spawn_wait(bwrap_argv(ws, true)); }) : Stats{};
  row("plain fork/exec: /bin/true", plain, "");
  row("plain fork/exec: bash -c /bin/true", plain_bash, "");
  row("persistent sandboxed shell: /bin/true", shell_s, "one bash per run, in the strict sandbox");
  row("one-shot, strict sandbox: bash -c /bin/true", ours, "new namespaces + mounts per command");
  row("one-shot, Landlock+seccomp (no namespaces)", ll, "auto's fallback");
  row("bwrap --unshare-all: /bin/true", bw, have_bwrap ? "" : "bwrap not installed (scripts/install-deps.sh)");
  row("bwrap --unshare-all: bash -c /bin/true", bw_bash, "");
  std::printf("\nratios (medians):\n");
  if (bw.ok) {
    std::printf("  one-shot strict / bwrap /bin/true         = %.2f   (goal: < 0.5)\n", ours.median / bw.median);
    std::printf("  one-shot strict / bwrap bash -c /bin/true = %.2f   (same command line on both sides)\n",
                ours.median / bw_bash.median);
  }
  std::printf("  persistent shell / plain fork/exec        = %.2f   (goal: close to 1)\n", shell_s.median / plain.median);
  std::printf("  one-shot strict / plain bash -c           = %.2f\n", ours.median / plain_bash.median);
  return 0;
}
