// agent doctor: what this machine supports for sandboxing and what is configured (policy
// files, the layers each --sandbox mode would use, the shell mode). Exit 0, or 2 when a policy
// file is broken (naming it) — the same check `agent solve` makes before a run.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "common/fs.h"
#include "policies/policy.h"
#include "sandbox/host_probe.h"
#include "sandbox/seccomp_filter.h"
#include "tasks/commands.h"
#include "tasks/policy_loader.h"

namespace agent::cli {

namespace {

struct DoctorFlags {
  std::string repo = ".";
};

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

void print_modes(const HostCapabilities& caps) {
  std::printf("\nsandbox modes on this machine:\n");
  for (auto [mode, name] : {std::pair{SandboxMode::kAuto, "auto"}, {SandboxMode::kStrict, "strict"}}) {
    for (auto [net, net_name] : {std::pair{NetworkMode::kOff, "off"}, {NetworkMode::kOn, "on"}}) {
      auto c = choose_layers(mode, net, caps);
      if (!c.ok()) {
        std::printf("  --sandbox %s --network %s: refused: %s\n", name, net_name, c.status().message().c_str());
        continue;
      }
      std::vector<std::string> layers = c->layers.names();
      if (net == NetworkMode::kOn) {
        layers.erase(std::remove_if(layers.begin(), layers.end(),
                                    [](const std::string& l) { return l == "net-ns" || l == "landlock-net"; }),
                     layers.end());
      }
      std::printf("  --sandbox %s --network %s: %s\n", name, net_name, join(layers).c_str());
      for (const auto& w : c->warnings) std::printf("      warning: %s\n", w.c_str());
    }
  }
  auto off = choose_layers(SandboxMode::kOff, NetworkMode::kOff, caps);
  std::printf("  --sandbox off: no isolation (%s)\n", off.ok() && !off->warnings.empty() ? off->warnings[0].c_str() : "");
  auto skipped = choose_layers(SandboxMode::kAuto, NetworkMode::kOff, caps);
  if (skipped.ok()) {
    for (const auto& s : skipped->skipped) std::printf("  not used: %s\n", s.c_str());
  }
}

int print_policy(const std::string& repo) {
  std::printf("\npolicy:\n  user file: %s%s\n", user_policy_path().c_str(),
              fs::exists(user_policy_path()) ? "" : " (none)");
  std::printf("  project file: %s%s\n", project_policy_path(repo).c_str(),
              fs::exists(project_policy_path(repo)) ? "" : " (none)");
  auto p = load_policy(repo, true);
  if (!p.ok()) {
    std::printf("  ERROR: %s\n", p.status().message().c_str());
    return kExitUsage;
  }
  const auto& d = p->config.defaults;
  std::printf("  %zu command rules, %zu write rules; defaults: command %s, write %s, dynamic %s, "
              "opaque %s, network %s\n",
              p->config.commands.size(), p->config.writes.size(),
              std::string(policy::verdict_name(d.command)).c_str(), std::string(policy::verdict_name(d.write)).c_str(),
              std::string(policy::verdict_name(d.dynamic)).c_str(), std::string(policy::verdict_name(d.opaque)).c_str(),
              std::string(policy::verdict_name(d.network)).c_str());
  std::printf("  shell: %s\n", p->sandbox.shell.value_or("persistent").c_str());
  if (!p->sandbox.home_visible.empty()) {
    std::printf("  home paths made visible: %s\n", join(p->sandbox.home_visible).c_str());
  }
  return kExitOk;
}

int run_doctor(const DoctorFlags& f) {
  const HostCapabilities& caps = host_capabilities();
  std::printf("agent doctor\n\nthis machine:\n");
  for (const auto& line : describe_capabilities(caps)) std::printf("  %s\n", line.c_str());
  std::printf("  seccomp filter: denies %s\n", join(SeccompProgram::denied_syscalls()).c_str());
  bool bwrap = ::access("/usr/bin/bwrap", X_OK) == 0;
  std::printf("  bubblewrap (for bench/sandbox_bench only): %s\n", bwrap ? "/usr/bin/bwrap" : "not installed");
  print_modes(caps);
  std::error_code ec;
  fs::path repo = fs::weakly_canonical(f.repo, ec);
  return print_policy(repo.string());
}

}  // namespace

Command add_doctor_command(CLI::App& app) {
  auto flags = std::make_shared<DoctorFlags>();
  CLI::App* sub = app.add_subcommand("doctor", "Show what this machine supports and what is configured");
  sub->add_option("--repo", flags->repo, "Repository whose project policy to check (default: current folder)");
  return Command{sub, [flags] { return run_doctor(*flags); }};
}

}  // namespace agent::cli
