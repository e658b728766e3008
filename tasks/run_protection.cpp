#include "tasks/run_protection.h"

#include <cstdio>
#include <cstdlib>

#include "common/fs.h"
#include "common/logging.h"
#include "sandbox/git_protect.h"
#include "sandbox/host_probe.h"
#include "sandbox/isolated_sandbox.h"
#include "sandbox/process_sandbox.h"
#include "tasks/policy_loader.h"

namespace agent::cli {

namespace {

struct Built {
  std::unique_ptr<Sandbox> sandbox;
  Json event = Json::object();
  std::vector<std::string> warnings;
};

std::vector<fs::path> path_dirs() {
  std::vector<fs::path> out;
  const char* p = std::getenv("PATH");
  std::string path = p ? p : "";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    std::string dir = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!dir.empty() && dir[0] == '/') out.emplace_back(dir);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

SandboxConfig make_config(const RunSettings& s, const policy::SandboxSettings& cfg, NetworkMode net) {
  SandboxConfig c;
  c.workspace = s.repo;
  c.network = net;
  const char* home = std::getenv("HOME");
  std::error_code ec;
  if (home != nullptr && *home == '/') c.home = fs::weakly_canonical(home, ec);
  c.private_home = fs::path(s.out_dir) / "sandbox-home";
  for (const auto& v : cfg.home_visible) c.home_visible.emplace_back(v);
  c.path_dirs = path_dirs();
  ResourceLimits& l = c.limits;
  if (cfg.memory_bytes) l.memory_bytes = *cfg.memory_bytes;
  if (cfg.max_processes) l.max_processes = *cfg.max_processes;
  if (cfg.cpu_seconds) l.cpu_seconds = *cfg.cpu_seconds;
  if (cfg.file_size_bytes) l.file_size_bytes = *cfg.file_size_bytes;
  if (cfg.open_files) l.open_files = *cfg.open_files;
  if (cfg.tmp_size_bytes) l.tmp_size_bytes = *cfg.tmp_size_bytes;
  return c;
}

Json relative_paths(const std::vector<fs::path>& v, const std::string& root) {
  Json j = Json::array();
  for (const auto& p : v) j.push_back(p.lexically_relative(root).string());
  return j;
}

Result<Built> build_sandbox(const RunSettings& s, const policy::SandboxSettings& cfg) {
  AGENT_ASSIGN_OR_RETURN(SandboxMode mode, parse_sandbox_mode(s.sandbox));
  AGENT_ASSIGN_OR_RETURN(NetworkMode net, parse_network_mode(s.network));
  Built b;
  b.event = {{"mode", s.sandbox}, {"network", s.network}};
  auto choice = choose_layers(mode, net, host_capabilities());
  if (!choice.ok()) return invalid_argument(choice.status().message());
  b.warnings = choice->warnings;
  b.event["skipped"] = choice->skipped;
  if (mode == SandboxMode::kOff) {
    b.sandbox = std::make_unique<ProcessSandbox>();
    b.event["name"] = "process";
    b.event["layers"] = Json::array();
    return b;
  }
  SandboxConfig config = make_config(s, cfg, net);
  AGENT_RETURN_IF_ERROR(make_dirs(config.private_home));
  AGENT_ASSIGN_OR_RETURN(auto isb, IsolatedSandbox::create(std::move(config), choice->layers));
  const MountPlan& plan = isb->mount_plan();
  b.event["name"] = std::string(isb->name());
  b.event["layers"] = isb->layers().to_json();
  b.event["home_hidden"] = plan.home_hidden;
  Json visible = Json::array();
  for (const auto& v : plan.visible_home) visible.push_back(v.string());
  b.event["home_visible"] = visible;
  b.event["read_only"] = relative_paths(plan.protected_paths.read_only, s.repo);
  b.event["private_home"] = isb->config().private_home.string();
  for (const auto& n : isb->notes()) b.warnings.push_back(n);
  b.sandbox = std::move(isb);
  return b;
}

Status check_network(const RunSettings& s, Approver& approver) {
  policy::Decision d = policy::decide_network(s.network == "on", approver.config());
  ApprovalDecision a = approver.approve_decision(d, "use the network (--network on)");
  if (!a.allowed) return invalid_argument("--network on: " + a.reason);
  return ok_status();
}

}  // namespace

Status preflight_protection(const RunSettings& s) {
  AGENT_ASSIGN_OR_RETURN(SandboxMode mode, parse_sandbox_mode(s.sandbox));
  AGENT_ASSIGN_OR_RETURN(NetworkMode net, parse_network_mode(s.network));
  AGENT_ASSIGN_OR_RETURN(LoadedPolicy p, load_policy(s.repo, mode != SandboxMode::kOff));
  auto choice = choose_layers(mode, net, host_capabilities());
  if (!choice.ok()) return invalid_argument(choice.status().message());
  if (policy::decide_network(net == NetworkMode::kOn, p.config).verdict == policy::Verdict::kDeny) {
    return invalid_argument("--network on: the policy denies network access (" +
                            (p.files.empty() ? std::string("built-in") : p.files.back()) + ")");
  }
  return ok_status();
}

Result<std::unique_ptr<RunProtection>> RunProtection::create(const RunState& state, bool yes) {
  const RunSettings& s = state.settings;
  std::unique_ptr<RunProtection> p(new RunProtection());
  p->workspace_ = s.repo;
  AGENT_ASSIGN_OR_RETURN(LoadedPolicy policy, load_policy(s.repo, s.sandbox != "off"));
  p->prompter_ = std::make_unique<TerminalPrompter>();
  p->approver_ = std::make_unique<Approver>(policy.config, s.repo, approval_mode(yes), p->prompter_.get());
  AGENT_RETURN_IF_ERROR(check_network(s, *p->approver_));
  AGENT_ASSIGN_OR_RETURN(Built built, build_sandbox(s, policy.sandbox));
  p->sandbox_ = std::move(built.sandbox);
  p->event_ = std::move(built.event);
  p->warnings_ = std::move(built.warnings);
  p->event_["shell"] = policy.sandbox.shell.value_or("persistent");
  p->event_["policy_files"] = policy.files;
  p->hooks_before_ = snapshot_git_hooks(s.repo);
  return p;
}

RunProtection::~RunProtection() {
  if (shell_) shell_->close();
}

void RunProtection::attach(ToolContext& ctx, PlannerHooks& hooks) {
  ctx.sandbox = sandbox_.get();
  // One bash for the whole session (cd and exports carry over); "oneshot" starts a fresh
  // one per command. See docs/sandbox.md for why persistent is the default.
  if (event_.value("shell", "persistent") == "persistent") {
    shell_ = std::make_unique<PersistentShell>(*sandbox_, ctx.workspace, ctx.command_env);
    ctx.shell = shell_.get();
  }
  hooks.approve = [this](const ToolCall& call, const Json& args) { return approver_->approve(call, args); };
}

void RunProtection::announce(Journal& journal, EventObserver* observer, double t, bool to_stderr) {
  Json data = event_;
  data["t"] = t;
  std::vector<Event> events = {Event(event_type::kSandbox, std::move(data))};
  for (const auto& w : warnings_) events.emplace_back(event_type::kWarning, Json{{"message", w}, {"t", t}});
  for (const auto& e : events) {
    Status st = journal.append(e);
    if (!st.ok()) get_logger("run")->error("could not journal the sandbox event: {}", st.to_string());
    if (observer != nullptr) observer->on_event(e);
  }
  if (to_stderr) {
    for (const auto& w : warnings_) std::fprintf(stderr, "agent: WARNING: %s\n", w.c_str());
  }
}

void RunProtection::finish_session(Journal& journal, EventObserver* observer, double t, bool to_stderr) {
  if (shell_) shell_->close();
  auto changed = changed_hooks(hooks_before_, snapshot_git_hooks(workspace_));
  if (changed.empty()) return;
  std::string list;
  for (const auto& c : changed) list += "\n  " + c;
  std::string msg = "git hooks or config were created or changed during the run; they run outside "
                    "the sandbox at your next git command. Review them:" + list;
  Event e(event_type::kWarning, Json{{"message", msg}, {"files", changed}, {"t", t}});
  Status st = journal.append(e);
  if (!st.ok()) get_logger("run")->error("could not journal the hook audit: {}", st.to_string());
  if (observer != nullptr) observer->on_event(e);
  if (to_stderr) std::fprintf(stderr, "agent: WARNING: %s\n", msg.c_str());
}

}  // namespace agent::cli
