// agent solve: run the agent on an issue in a repository's working tree.
#include <cstdio>
#include <iostream>
#include <iterator>

#include "common/fs.h"
#include "common/logging.h"
#include "inference/engine_backend/engine_backend.h"
#include "tasks/backend_factory.h"
#include "tasks/commands.h"
#include "tasks/config/api_setup.h"
#include "tasks/live_view.h"
#include "tools/git/git_repo.h"
#include "tools/git/git_snapshot.h"
#include "tasks/run_driver.h"
#include "tasks/run_protection.h"
#include "tasks/new_run.h"
#include "tasks/run_folder.h"

namespace agent::cli {

namespace {

struct SolveFlags {
  std::string repo, issue, model = "deepseek-v4-pro", reasoning = "high", backend = "auto";
  std::string script, weights, base_url, api = "openai", sandbox = "auto", network = "off", out;
  std::string branch, device = "cpu";
  bool commit = false;
  int64_t max_steps = 100, context_tokens = 1048576, max_output_tokens = 65536;
  double max_cost = 0, timeout = 0;
  bool yes = false, json = false;
  std::string key_env = "DEEPSEEK_API_KEY";  // from config, not a flag
};

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "agent solve: %s\n", redact(msg).c_str());
  return kExitUsage;
}

Result<std::string> read_issue(const std::string& path) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    auto r = read_file(path, 16ull << 20);
    if (!r.ok()) return invalid_argument("--issue " + path + ": " + r.status().message());
    text = std::move(*r);
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return invalid_argument("--issue " + path + ": the issue text is empty");
  }
  return text;
}

// --commit needs a clean start (the commit must hold only the agent's changes) and a branch;
// --branch creates the branch and switches to it without touching files.
Status prepare_branch(const SolveFlags& f, const fs::path& workdir) {
  if (f.commit) {
    auto dirty = git_is_dirty(workdir);
    if (!dirty.ok()) return dirty.status();
    if (*dirty) {
      return invalid_argument("--commit needs a clean working tree (commit or stash your changes "
                              "first) so that the commit holds only the agent's changes");
    }
    auto current = git_current_branch(workdir);
    if (!current.ok()) return current.status();
    if (current->empty() && f.branch.empty()) {
      return invalid_argument("--commit: HEAD is detached; pass --branch NAME");
    }
  }
  if (f.branch.empty()) return ok_status();
  Status s = git_create_and_switch_branch(workdir, f.branch);
  return s.ok() ? s : s.with_context("--branch " + f.branch);
}

int run_solve(const SolveFlags& given, const CLI::App& app) {
  SolveFlags f = given;
  std::error_code ec;
  fs::path repo = fs::weakly_canonical(f.repo, ec);
  if (ec || !fs::is_directory(repo)) return usage_error("--repo " + f.repo + ": no such folder");
  auto workdir = find_git_workdir(repo);
  if (!workdir.ok()) {
    return usage_error("--repo " + f.repo + ": " + workdir.status().message() +
                       " (the agent records its changes with git; run `git init` first)");
  }
  auto config = load_command_config(app, workdir->string(), process_env());
  if (!config.ok()) return usage_error(config.status().message());
  for (const auto& w : config->warnings) std::fprintf(stderr, "agent solve: warning: %s\n", redact(w).c_str());
  apply_run_config(f, *config);  // flags merged with the environment and the config files
  auto issue = read_issue(f.issue);
  if (!issue.ok()) return usage_error(issue.status().message());
  auto reasoning = parse_reasoning_mode(f.reasoning);
  if (!reasoning.ok()) return usage_error("--reasoning: " + reasoning.status().message());
  auto backend_name = resolve_backend_name(f.backend, !f.weights.empty(), process_env(), f.key_env, "--script FILE");
  if (!backend_name.ok()) return usage_error(backend_name.status().message());
  if (f.sandbox != "auto" && f.sandbox != "strict" && f.sandbox != "off") {
    return usage_error("--sandbox must be auto, strict or off, got \"" + f.sandbox + "\"");
  }
  if (f.network != "off" && f.network != "on") {
    return usage_error("--network must be off or on, got \"" + f.network + "\"");
  }
  if (f.max_steps < 0 || f.max_cost < 0 || f.timeout < 0) {
    return usage_error("budgets (--max-steps, --max-cost, --timeout) must not be negative");
  }
  if (f.context_tokens < 8192 || f.max_output_tokens < 1) {
    return usage_error("--context-tokens must be at least 8192 and --max-output-tokens positive");
  }
  // The embedded engine holds the whole context in memory: unless asked for more, it gets the
  // engine's default (64K tokens) rather than the model's 1M.
  if (*backend_name == "engine" && app.count("--context-tokens") == 0 &&
      f.context_tokens == SolveFlags{}.context_tokens) {
    f.context_tokens = EngineBackendOptions{}.max_context;
  }

  RunSettings s;
  s.repo = repo.string();
  s.backend = *backend_name;
  s.api = f.api;
  s.base_url = f.base_url;
  s.script = f.script.empty() ? "" : fs::absolute(f.script).lexically_normal().string();
  s.weights = f.weights.empty() ? "" : fs::absolute(f.weights).lexically_normal().string();
  if (auto d = parse_engine_device(f.device); d.ok()) {
    s.device = d->to_string();
  } else {
    return usage_error(d.status().message());
  }
  s.model = f.model;
  s.reasoning = *reasoning;
  s.max_steps = f.max_steps;
  s.max_cost_usd = f.max_cost;
  s.timeout_s = f.timeout;
  s.context_tokens = f.context_tokens;
  s.max_output_tokens = f.max_output_tokens;
  s.sandbox = f.sandbox;
  s.network = f.network;
  // Policy files, `--sandbox strict` and `--network on` are checked before a run folder exists.
  if (Status pf = preflight_protection(s); !pf.ok()) return usage_error(pf.message());
  s.branch = f.branch;
  s.commit = f.commit;

  if (s.backend == "api" && s.base_url.empty()) s.base_url = api::default_base_url(s.api);
  auto backend = make_backend(s);
  if (!backend.ok()) return usage_error(backend.status().message());
  if (Status c = validate_costs(s, process_env()); !c.ok()) return usage_error(c.message());
  if (Status g = prepare_branch(f, *workdir); !g.ok()) return usage_error(g.message());
  auto out = prepare_run_folder(f.out, *workdir);
  if (!out.ok()) return usage_error(out.status().message());
  s.out_dir = out->string();
  add_log_file(*out / "agent.log");

  auto run = create_run(s, *issue);
  if (!run.ok()) {
    std::fprintf(stderr, "agent solve: %s\n", run.status().message().c_str());
    return kExitInternal;
  }
  if (f.json) JsonEventPrinter(stdout).on_event(make_run_started_event(run->state));
  DriveOptions opts;
  opts.json = f.json;
  opts.yes = f.yes;
  return drive_run(run->state, run->journal, **backend, opts);
}

}  // namespace

Command add_solve_command(CLI::App& app) {
  auto flags = std::make_shared<SolveFlags>();
  CLI::App* sub = app.add_subcommand("solve", "Solve an issue in a repository's working tree");
  sub->add_option("--repo", flags->repo, "The repository (a git working tree)")->required();
  sub->add_option("--issue", flags->issue, "The issue text: a file, or - for stdin")->required();
  sub->add_option("--model", flags->model, "Model name (default deepseek-v4-pro)");
  sub->add_option("--reasoning", flags->reasoning, "off, high or max (default high)");
  sub->add_option("--backend", flags->backend, "auto, api, engine or scripted (default auto)");
  sub->add_option("--script", flags->script, "Scripted backend: JSONL file, one model turn per line");
  sub->add_option("--weights", flags->weights, "Engine backend: model folder or GGUF file");
  sub->add_option("--device", flags->device, "Engine backend: cpu (default) or cuda[:N]");
  sub->add_option("--base-url", flags->base_url, "API backend: server base URL");
  sub->add_option("--api", flags->api, "API backend wire format: openai or anthropic");
  sub->add_option("--max-steps", flags->max_steps, "Most model turns (default 100; 0 = no limit)");
  sub->add_option("--max-cost", flags->max_cost, "Most USD to spend (default no limit)");
  sub->add_option("--timeout", flags->timeout, "Most seconds of wall time (default no limit)");
  sub->add_option("--context-tokens", flags->context_tokens, "The model's context window (default 1048576)");
  sub->add_option("--max-output-tokens", flags->max_output_tokens, "Output tokens per model turn, reasoning included (default 65536)");
  sub->add_option("--sandbox", flags->sandbox, "auto, strict or off (default auto)");
  sub->add_option("--network", flags->network, "Network for commands: off or on (default off)");
  sub->add_flag("--yes", flags->yes, "Approve actions that policies mark `ask`");
  sub->add_option("--out", flags->out, "Run folder (default under ~/.local/state/agent/runs)");
  sub->add_flag("--json", flags->json, "Print the journal's events as JSON lines on stdout");
  sub->add_option("--branch", flags->branch, "Create this branch and switch to it before the run");
  sub->add_flag("--commit", flags->commit, "Commit the result when the model finishes");
  return Command{sub, [flags, sub] { return run_solve(*flags, *sub); }};
}

}  // namespace agent::cli
