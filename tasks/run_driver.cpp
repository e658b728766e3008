#include "tasks/run_driver.h"

#include <algorithm>
#include <cstdio>

#include "common/fs.h"
#include "common/logging.h"
#include "sandbox/command_env.h"
#include "tasks/run_protection.h"
#include "tasks/cli.h"
#include "tasks/live_view.h"
#include "tasks/config/api_setup.h"
#include "tasks/signals.h"
#include "tools/git/git_repo.h"
#include "tools/git/git_snapshot.h"
#include "tools/tool_registry.h"

namespace agent::cli {

int exit_code_for(RunStatus status, const Status& error) {
  switch (status) {
    case RunStatus::kFinished: return kExitOk;
    case RunStatus::kBudget:
    case RunStatus::kContextFull: return kExitStopped;
    case RunStatus::kInterrupted: return kExitInterrupted;
    case RunStatus::kFailed:
      switch (error.code()) {
        case StatusCode::kUnauthenticated:
        case StatusCode::kPermissionDenied:
        case StatusCode::kInvalidArgument: return kExitUsage;
        case StatusCode::kInternal:
        case StatusCode::kDataLoss: return kExitInternal;
        default: return kExitBackend;
      }
  }
  return kExitInternal;
}

Result<std::vector<std::string>> write_patch(const RunState& state) {
  fs::path repo = state.settings.repo;
  AGENT_ASSIGN_OR_RETURN(fs::path workdir, find_git_workdir(repo));
  AGENT_ASSIGN_OR_RETURN(std::string end_tree, snapshot_worktree(workdir));
  AGENT_ASSIGN_OR_RETURN(TreeDiff diff, diff_trees(workdir, state.start_tree, end_tree));
  AGENT_RETURN_IF_ERROR(write_file_atomic(fs::path(state.settings.out_dir) / "patch.diff", diff.patch));
  return diff.files_changed;
}

Status write_result_json(const RunState& state, const std::vector<std::string>& files_changed) {
  const Usage& u = state.usage;
  Json r{{"status", state.finished_status ? std::string(run_status_name(*state.finished_status)) : "failed"},
         {"stop_reason", state.stop_reason},
         {"final_message", state.final_message},
         {"steps", state.steps},
         {"tool_calls", state.tool_calls},
         {"usage", to_json(u)},
         {"cache_hit_rate", u.prompt_tokens > 0 ? static_cast<double>(u.cached_tokens) / static_cast<double>(u.prompt_tokens) : 0.0},
         {"cost_usd", state.cost_usd},
         {"wall_s", state.elapsed_s},
         {"files_changed", files_changed},
         {"run_id", state.run_id},
         {"model", state.settings.model},
         {"backend", state.settings.backend},
         {"sessions", state.sessions}};
  return write_file_atomic(fs::path(state.settings.out_dir) / "result.json", r.dump(2) + "\n");
}

// --commit: the finished run's changes become one commit on the run's branch.
static void commit_result(const RunState& state, const RunOutcome& outcome) {
  if (outcome.status != RunStatus::kFinished) {
    std::fprintf(stderr, "agent: nothing committed: the run did not finish\n");
    return;
  }
  std::string issue;
  const auto& msgs = state.conversation.messages();
  if (msgs.size() > 1) issue = msgs[1].content;
  // The first line of the issue (after the runtime's own preface) makes the subject.
  size_t start = issue.find("\n\n");
  std::string rest = start == std::string::npos ? issue : issue.substr(start + 2);
  std::string subject = rest.substr(0, rest.find('\n'));
  while (!subject.empty() && (subject[0] == '#' || subject[0] == ' ')) subject.erase(0, 1);
  if (subject.size() > 72) subject = subject.substr(0, 69) + "...";
  std::string message = "agent: " + (subject.empty() ? std::string("changes") : subject) + "\n\n" +
                        outcome.final_message + "\n";
  auto id = git_commit_changes(state.settings.repo, message, GitIdentity{}, {});
  if (id.ok()) {
    std::fprintf(stderr, "agent: committed %s\n", id->substr(0, 12).c_str());
  } else if (id.status().code() != StatusCode::kFailedPrecondition) {
    std::fprintf(stderr, "agent: could not commit: %s\n", id.status().message().c_str());
  }
}

// The prices of the run's turns. `agent solve` refuses a broken price file before the run;
// one that broke since (or a resumed run's) falls back to the shipped prices, with a warning,
// rather than counting nothing.
static std::shared_ptr<const CostModel> run_cost_model(const RunSettings& settings) {
  auto model = cost_model_for(settings, process_env());
  if (!model.ok()) {
    std::fprintf(stderr, "agent: warning: %s; using the shipped prices\n", model.status().message().c_str());
    CostModel shipped;
    shipped.prices = PriceTable::shipped();
    shipped.priced = settings.backend == "api";
    auto url = api::parse_url(settings.base_url, "--base-url");
    shipped.deepseek = settings.base_url.empty() || (url.ok() && api::is_deepseek_host(url->host));
    return std::make_shared<CostModel>(std::move(shipped));
  }
  if (model->priced && model->price_of(settings.model) == nullptr) {
    std::fprintf(stderr, "agent: warning: no price is known for model %s on this server: cost is not counted "
                         "(add it to ~/.config/agent/prices.toml)\n", settings.model.c_str());
  }
  return std::make_shared<CostModel>(std::move(*model));
}

// Tokens, the share of the prompt served from the provider's cache, and the cost.
static void print_usage_summary(const RunState& state) {
  const Usage& u = state.usage;
  if (u.prompt_tokens == 0 && u.completion_tokens == 0) return;
  double hit = 100.0 * static_cast<double>(u.cached_tokens) / static_cast<double>(std::max<int64_t>(1, u.prompt_tokens));
  std::fprintf(stderr, "agent: %lld prompt tokens (cache hit rate %.1f%%), %lld output tokens, cost $%.4f\n",
               static_cast<long long>(u.prompt_tokens), hit, static_cast<long long>(u.completion_tokens), state.cost_usd);
}

int drive_run(RunState& state, Journal& journal, ModelBackend& backend, const DriveOptions& opts) {
  auto log = get_logger("run");
  const auto session_start = std::chrono::steady_clock::now();
  auto protection = RunProtection::create(state, opts.yes);
  if (!protection.ok()) {
    std::fprintf(stderr, "agent: %s\n", protection.status().message().c_str());
    return kExitUsage;
  }
  ToolRegistry tools = make_default_registry();
  ToolContext ctx;
  ctx.workspace = state.settings.repo;
  ctx.run_dir = state.settings.out_dir;
  // The API key's variable may have any name (api.key_env): it is dropped by name too.
  ctx.command_env = build_command_env(current_environment(), {}, secret_env_names(process_env()));
  ctx.git.run_branch = state.settings.branch;
  if (!opts.git_author_email.empty()) ctx.git.author_email = opts.git_author_email;
  if (!opts.git_author_name.empty()) ctx.git.author_name = opts.git_author_name;

  JsonEventPrinter json_printer(stdout);
  TerminalView terminal(stderr);
  EventObserver* observer = nullptr;
  StreamObserver* live = nullptr;
  if (opts.json) {
    observer = &json_printer;
  } else if (!opts.quiet) {
    observer = &terminal;
    live = &terminal;
  }

  CancelToken own_cancel;
  const CancelToken& cancel = opts.cancel != nullptr ? *opts.cancel : own_cancel;
  if (opts.cancel == nullptr) install_signal_handlers(own_cancel);
  PlannerHooks hooks;
  install_cost_hooks(hooks, run_cost_model(state.settings));
  (*protection)->attach(ctx, hooks);
  const bool warn_on_stderr = opts.json || opts.quiet;
  (*protection)->announce(journal, observer, state.elapsed_s, warn_on_stderr);
  Planner planner(state, backend, tools, ctx, journal, observer, live, std::move(hooks));
  RunOutcome outcome = planner.run(cancel);
  if (opts.cancel == nullptr) restore_signal_handlers();
  (*protection)->finish_session(
      journal, observer,
      state.elapsed_s + std::chrono::duration<double>(std::chrono::steady_clock::now() - session_start).count(),
      warn_on_stderr);

  if (state.settings.commit) commit_result(state, outcome);
  auto files = write_patch(state);
  std::vector<std::string> changed;
  if (files.ok()) {
    changed = *files;
  } else {
    log->error("could not write patch.diff: {}", files.status().to_string());
  }
  Status fin = planner.finish(outcome, changed);
  if (!fin.ok()) log->error("could not journal the end of the run: {}", fin.to_string());
  Status res = write_result_json(state, changed);
  if (!res.ok()) log->error("could not write result.json: {}", res.to_string());

  if (!opts.json && !opts.quiet) {
    if (outcome.status == RunStatus::kFinished && !outcome.final_message.empty()) {
      std::fputs(outcome.final_message.c_str(), stdout);
      if (outcome.final_message.back() != '\n') std::fputc('\n', stdout);
    }
    std::fprintf(stderr, "agent: %s after %lld turns and %lld tool calls; run folder %s\n",
                 std::string(run_status_name(outcome.status)).c_str(),
                 static_cast<long long>(state.steps), static_cast<long long>(state.tool_calls),
                 state.settings.out_dir.c_str());
    print_usage_summary(state);
    if (outcome.status == RunStatus::kFailed) {
      std::fprintf(stderr, "agent: %s\n", redact(outcome.stop_reason).c_str());
    } else if (outcome.status == RunStatus::kInterrupted) {
      std::fprintf(stderr, "agent: continue with: agent resume --out %s\n", state.settings.out_dir.c_str());
    }
  }
  std::fflush(stdout);
  if (!files.ok() || !res.ok()) return kExitInternal;
  return exit_code_for(outcome.status, outcome.error);
}

}  // namespace agent::cli
