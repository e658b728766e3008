// agent bench run|eval|compare|merge: SWE-style benchmark batches (product.md).
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <set>

#include "common/fs.h"
#include "common/logging.h"
#include "sandbox/command_env.h"
#include "tasks/backend_factory.h"
#include "tasks/bench/batch_runner.h"
#include "tasks/bench/compare.h"
#include "tasks/bench/grading_sandbox.h"
#include "tasks/bench/merge.h"
#include "tasks/bench/predictions.h"
#include "tasks/commands.h"
#include "tasks/config/api_setup.h"
#include "tasks/config/run_config.h"
#include "tasks/signals.h"

namespace agent::cli {

namespace {

using namespace agent::bench;

struct BatchFlags {
  std::string tasks, out, shard, on_bad_line = "fail", preds;
  int workers = 1, runs = 1;
  bool resume = false, keep_checkouts = false, yes = false;
  double test_timeout = 1800, setup_timeout = 1800;
  // The model and its budgets: the same flags as `agent solve`.
  std::string model = "deepseek-v4-pro", reasoning = "high", backend = "auto", script, weights, base_url;
  std::string api = "openai", sandbox = "auto", network = "off";
  int64_t max_steps = 100, context_tokens = 1048576, max_output_tokens = 65536;
  double max_cost = 0, timeout = 0;
  std::string key_env = "DEEPSEEK_API_KEY";  // from config (api.key_env), not a flag
};

struct CompareFlags {
  std::string a, b;
  bool fail_if_worse = false, json = false;
  double alpha = 0.05;
};

struct MergeFlags {
  std::vector<std::string> dirs;
  std::string out;
};

int usage(const std::string& sub, const std::string& msg) {
  std::fprintf(stderr, "agent bench %s: %s\n", sub.c_str(), redact(msg).c_str());
  return kExitUsage;
}

// "I/N" with 1 <= I <= N.
bool parse_shard(const std::string& s, int* index, int* count) {
  size_t slash = s.find('/');
  if (slash == std::string::npos) return false;
  try {
    size_t a = 0, b = 0;
    *index = std::stoi(s.substr(0, slash), &a);
    *count = std::stoi(s.substr(slash + 1), &b);
    if (a != slash || b != s.size() - slash - 1) return false;
  } catch (const std::exception&) {
    return false;
  }
  return *count >= 1 && *index >= 1 && *index <= *count;
}

// Flags merged with the environment and the user's config file, as `agent solve` merges them.
// A task repository's own config is not read: task repositories are data under test.
Status apply_config(const CLI::App& app, BatchFlags* f) {
  Getenv env = process_env();
  AGENT_ASSIGN_OR_RETURN(RunConfig c, resolve_config(ConfigSources{user_config_path(env), "", env, flags_layer(app)}));
  for (const auto& w : c.warnings) std::fprintf(stderr, "agent bench run: warning: %s\n", redact(w).c_str());
  apply_run_config(*f, c);
  return ok_status();
}

// The agent's settings from the flags, checked; and the settings that must not change on --resume.
Status agent_settings(const BatchFlags& f, RunSettings* s, Json* recorded) {
  AGENT_ASSIGN_OR_RETURN(s->backend, resolve_backend_name(f.backend, !f.weights.empty(), process_env(), f.key_env,
                                                          "--script DIR"));
  auto reasoning = parse_reasoning_mode(f.reasoning);
  if (!reasoning.ok()) return invalid_argument("--reasoning: " + reasoning.status().message());
  if (f.sandbox != "auto" && f.sandbox != "strict" && f.sandbox != "off") {
    return invalid_argument("--sandbox must be auto, strict or off, got \"" + f.sandbox + "\"");
  }
  if (f.network != "off" && f.network != "on") return invalid_argument("--network must be off or on, got \"" + f.network + "\"");
  if (f.max_steps < 0 || f.max_cost < 0 || f.timeout < 0) {
    return invalid_argument("budgets (--max-steps, --max-cost, --timeout) must not be negative");
  }
  if (f.context_tokens < 8192 || f.max_output_tokens < 1) {
    return invalid_argument("--context-tokens must be at least 8192 and --max-output-tokens positive");
  }
  s->model = f.model;
  s->reasoning = *reasoning;
  s->api = f.api;
  s->base_url = f.base_url;
  s->weights = f.weights.empty() ? "" : fs::absolute(f.weights).lexically_normal().string();
  s->max_steps = f.max_steps;
  s->max_cost_usd = f.max_cost;
  s->timeout_s = f.timeout;
  s->context_tokens = f.context_tokens;
  s->max_output_tokens = f.max_output_tokens;
  s->sandbox = f.sandbox;
  s->network = f.network;
  if (s->backend == "scripted") {
    std::error_code ec;
    if (f.script.empty() || !fs::is_directory(f.script, ec)) {
      return invalid_argument("--backend scripted needs --script DIR, a folder holding one <instance_id>.jsonl per task" +
                              (f.script.empty() ? std::string() : " (" + f.script + " is not a folder)"));
    }
  } else {
    if (s->backend == "api" && s->base_url.empty()) s->base_url = api::default_base_url(s->api);
    // Fail now, not once per task, when the backend cannot be built or a budget cannot be priced.
    auto backend = make_backend(*s);
    if (!backend.ok()) return backend.status();
    AGENT_RETURN_IF_ERROR(validate_costs(*s, process_env()));
  }
  *recorded = Json{{"backend", s->backend}, {"model", s->model}, {"reasoning", f.reasoning}, {"api", s->api},
                   {"base_url", s->base_url}, {"weights", s->weights}, {"max_steps", s->max_steps},
                   {"max_cost", s->max_cost_usd}, {"timeout", s->timeout_s}, {"context_tokens", s->context_tokens},
                   {"max_output_tokens", s->max_output_tokens}, {"sandbox", s->sandbox}, {"network", s->network}};
  return ok_status();
}

// Seconds from a flag as milliseconds (at least 1: a positive limit never becomes none).
std::chrono::milliseconds flag_ms(double seconds) {
  return std::chrono::milliseconds(std::max<int64_t>(1, static_cast<int64_t>(std::llround(seconds * 1000.0))));
}

// Instance ids of a tasks file: its good lines' and, apart, those of skipped bad lines.
struct TaskIds {
  std::set<std::string> good, skipped;
};

// The plan shared by run and eval: tasks (sharded), folder, timeouts. Returns an exit code
// (kExitUsage after printing) or -1. `ids` (optional) gets the file's instance ids.
int common_plan(const std::string& sub, const BatchFlags& f, BatchPlan* plan, TaskIds* ids = nullptr) {
  if (f.workers < 1) return usage(sub, "--workers must be at least 1");
  if (f.runs < 1) return usage(sub, "--runs must be at least 1");
  if (!(f.test_timeout > 0) || !(f.setup_timeout > 0) || f.test_timeout > 1e9 || f.setup_timeout > 1e9) {
    return usage(sub, "--test-timeout and --setup-timeout must be positive numbers of seconds");
  }
  if (f.on_bad_line != "skip" && f.on_bad_line != "fail") {
    return usage(sub, "--on-bad-line must be skip or fail, got \"" + f.on_bad_line + "\"");
  }
  int shard_index = 0, shard_count = 0;
  if (!f.shard.empty() && !parse_shard(f.shard, &shard_index, &shard_count)) {
    return usage(sub, "--shard must be I/N with 1 <= I <= N, got \"" + f.shard + "\"");
  }
  auto file = load_tasks(f.tasks, f.on_bad_line == "skip" ? OnBadLine::kSkip : OnBadLine::kFail);
  if (!file.ok()) return usage(sub, file.status().message());
  for (const auto& bad : file->bad_lines) {
    std::fprintf(stderr, "agent bench %s: skipping %s:%zu: %s\n", sub.c_str(), f.tasks.c_str(), bad.line,
                 bad.message.c_str());
  }
  if (ids != nullptr) {
    for (const auto& t : file->tasks) ids->good.insert(t.instance_id);
    for (const auto& bad : file->bad_lines) {
      if (!bad.instance_id.empty() && !ids->good.count(bad.instance_id)) ids->skipped.insert(bad.instance_id);
    }
  }
  BatchManifest& m = plan->manifest;
  m.tasks_file = file->path.string();
  m.tasks_digest = file->digest;
  m.shard_index = shard_index;
  m.shard_count = shard_count;
  m.runs = f.runs;
  for (size_t i = 0; i < file->tasks.size(); ++i) {
    if (shard_count > 0 && static_cast<int>(i % static_cast<size_t>(shard_count)) != shard_index - 1) continue;
    m.instances.emplace_back(i, file->tasks[i].instance_id);
    plan->tasks.push_back(file->tasks[i]);
  }
  plan->out = fs::absolute(f.out).lexically_normal();
  plan->workers = f.workers;
  plan->resume = f.resume;
  plan->eval.test_timeout = flag_ms(f.test_timeout);
  plan->eval.setup_timeout = flag_ms(f.setup_timeout);
  plan->eval.keep_checkout = f.keep_checkouts;
  plan->eval.env = build_command_env(current_environment(), {"PYTHONDONTWRITEBYTECODE=1"},
                                     secret_env_names(process_env()));
  plan->progress_tty = ::isatty(2) == 1;
  return -1;
}

int execute(const std::string& sub, const std::string& sandbox_flag, BatchPlan& plan) {
  // setup_cmd may fetch dependencies; the tests run without the network. Both go through the
  // sandbox --sandbox chooses, with the batch's time limits.
  auto mode = parse_sandbox_mode(sandbox_flag);
  if (!mode.ok()) return usage(sub, "--sandbox must be auto, strict or off, got \"" + sandbox_flag + "\"");
  auto sandboxes = GradingSandboxes::create(*mode);
  if (!sandboxes.ok()) return usage(sub, "--sandbox " + sandbox_flag + ": " + sandboxes.status().message());
  plan.eval.sandboxes = &*sandboxes;
  CancelToken cancel;
  install_signal_handlers(cancel);
  int rc = run_batch(plan, cancel);
  restore_signal_handlers();
  return rc;
}

int run_bench_run(const BatchFlags& given, const CLI::App& app) {
  BatchFlags f = given;
  if (Status c = apply_config(app, &f); !c.ok()) return usage("run", c.message());
  BatchPlan plan;
  plan.manifest.kind = "run";
  if (int rc = common_plan("run", f, &plan); rc >= 0) return rc;
  Json recorded;
  Status s = agent_settings(f, &plan.agent, &recorded);
  if (!s.ok()) return usage("run", s.message());
  plan.script_dir = f.script.empty() ? "" : fs::absolute(f.script).lexically_normal().string();
  plan.yes = f.yes;
  recorded["script_dir"] = plan.script_dir;
  recorded["yes"] = f.yes;
  recorded["test_timeout"] = f.test_timeout;
  recorded["setup_timeout"] = f.setup_timeout;
  plan.manifest.settings = recorded;
  plan.manifest.model = f.model;
  return execute("run", f.sandbox, plan);
}

int run_bench_eval(const BatchFlags& f) {
  BatchPlan plan;
  plan.manifest.kind = "eval";
  if (f.preds.empty()) return usage("eval", "--preds FILE is required");
  TaskIds ids;
  if (int rc = common_plan("eval", f, &plan, &ids); rc >= 0) return rc;
  auto preds = load_predictions(f.preds, ids.good, ids.skipped);
  if (!preds.ok()) return usage("eval", preds.status().message());
  for (const auto& [id, where] : preds->ignored) {
    std::fprintf(stderr, "agent bench eval: warning: %s: the prediction for %s is not graded: its task line was skipped\n",
                 where.c_str(), quoted_for_message(id).c_str());
  }
  plan.preds = std::move(preds->by_id);
  plan.manifest.model = preds->model;
  plan.manifest.settings = Json{{"preds_digest", preds->digest}, {"test_timeout", f.test_timeout},
                                {"setup_timeout", f.setup_timeout}, {"sandbox", f.sandbox}};
  return execute("eval", f.sandbox, plan);
}

int run_bench_compare(const CompareFlags& f) {
  if (!(f.alpha > 0 && f.alpha < 1)) return usage("compare", "--alpha must be between 0 and 1");
  auto a = load_result_set(f.a);
  if (!a.ok()) return usage("compare", a.status().message());
  auto b = load_result_set(f.b);
  if (!b.ok()) return usage("compare", b.status().message());
  CompareReport r = compare_results(*a, *b, f.alpha);
  if (r.tasks.empty()) {
    std::string why = f.a + " and " + f.b + " share no task";
    if (!r.left_out.empty()) {
      why = "no task has results for every run in both " + f.a + " and " + f.b + " (" +
            std::to_string(r.left_out.size()) + " shared tasks lack some; finish the batches with --resume)";
    }
    return usage("compare", why);
  }
  if (f.json && !r.left_out.empty()) {  // the text form says so itself
    std::fprintf(stderr, "agent bench compare: warning: %zu shared tasks left out (no result for every run on both "
                 "sides): see left_out\n", r.left_out.size());
  }
  std::string text = f.json ? to_json(r).dump(2) + "\n" : format_compare(r);
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
  return f.fail_if_worse && r.b_significantly_worse ? kExitStopped : kExitOk;
}

int run_bench_merge(const MergeFlags& f) {
  std::vector<fs::path> dirs(f.dirs.begin(), f.dirs.end());
  auto r = merge_batches(dirs, f.out);
  if (!r.ok()) return usage("merge", r.status().message());
  for (int k : r->missing_shards) std::fprintf(stderr, "agent bench merge: warning: shard %d is missing\n", k);
  std::fprintf(stderr, "bench: merged %zu folders: %zu tasks, %zu results; report in %s\n", dirs.size(), r->instances,
               r->results, (fs::path(f.out) / "report.md").string().c_str());
  return kExitOk;
}

void add_batch_flags(CLI::App* sub, BatchFlags& f) {
  sub->add_option("--tasks", f.tasks, "Tasks: SWE-bench style JSON lines")->required();
  sub->add_option("--out", f.out, "The batch folder (empty, or an earlier batch's with --resume)")->required();
  sub->add_option("--workers", f.workers, "Tasks run at once (default 1)");
  sub->add_flag("--resume", f.resume, "Continue the batch in --out where it stopped");
  sub->add_option("--shard", f.shard, "I/N: only tasks I, I+N, I+2N, ... of the file (1-based)");
  sub->add_option("--on-bad-line", f.on_bad_line, "A malformed task line: skip (reported) or fail (default)");
  sub->add_option("--test-timeout", f.test_timeout, "Seconds the tests of one task may run (default 1800)");
  sub->add_option("--setup-timeout", f.setup_timeout, "Seconds setup_cmd may run (default 1800)");
  sub->add_flag("--keep-checkouts", f.keep_checkouts, "Keep each task's checkouts (default: removed when done)");
  sub->add_option("--sandbox", f.sandbox, "Isolation of every command: auto, strict or off (default auto)");
}

void add_model_flags(CLI::App* sub, BatchFlags& f) {
  sub->add_option("--runs", f.runs, "Run every task K times (default 1)");
  sub->add_option("--model", f.model, "Model name (default deepseek-v4-pro)");
  sub->add_option("--reasoning", f.reasoning, "off, high or max (default high)");
  sub->add_option("--backend", f.backend, "auto, api, engine or scripted (default auto)");
  sub->add_option("--script", f.script, "Scripted backend: folder with one <instance_id>.jsonl per task");
  sub->add_option("--weights", f.weights, "Engine backend: model folder or GGUF file");
  sub->add_option("--base-url", f.base_url, "API backend: server base URL");
  sub->add_option("--api", f.api, "API backend wire format: openai or anthropic");
  sub->add_option("--max-steps", f.max_steps, "Most model turns per task (default 100; 0 = no limit)");
  sub->add_option("--max-cost", f.max_cost, "Most USD per task (default no limit)");
  sub->add_option("--timeout", f.timeout, "Most seconds of agent wall time per task (default no limit)");
  sub->add_option("--context-tokens", f.context_tokens, "The model's context window (default 1048576)");
  sub->add_option("--max-output-tokens", f.max_output_tokens, "Output tokens per model turn (default 65536)");
  sub->add_option("--network", f.network, "Network for the agent's commands: off or on (default off)");
  sub->add_flag("--yes", f.yes, "Approve actions that policies mark `ask` (default: refused, the model is told)");
}

}  // namespace

Command add_bench_command(CLI::App& app) {
  CLI::App* bench = app.add_subcommand("bench", "SWE-style benchmark batches, grading and A/B comparison");
  bench->require_subcommand(1);
  auto run = std::make_shared<BatchFlags>();
  CLI::App* run_sub = bench->add_subcommand("run", "Run the agent on every task and grade the results");
  add_batch_flags(run_sub, *run);
  add_model_flags(run_sub, *run);
  auto eval = std::make_shared<BatchFlags>();
  CLI::App* eval_sub = bench->add_subcommand("eval", "Grade given predictions, like the official harness");
  add_batch_flags(eval_sub, *eval);
  eval_sub->add_option("--preds", eval->preds, "Predictions: JSON lines or a JSON list (official format)")->required();
  auto cmp = std::make_shared<CompareFlags>();
  CLI::App* cmp_sub = bench->add_subcommand("compare", "A/B comparison of two batch folders on the same tasks");
  cmp_sub->add_option("DIR_A", cmp->a, "Batch folder A (the baseline)")->required();
  cmp_sub->add_option("DIR_B", cmp->b, "Batch folder B")->required();
  cmp_sub->add_flag("--fail-if-worse", cmp->fail_if_worse, "Exit 1 when B is significantly worse than A");
  cmp_sub->add_option("--alpha", cmp->alpha, "Significance level (default 0.05)");
  cmp_sub->add_flag("--json", cmp->json, "Print the comparison as JSON");
  auto merge = std::make_shared<MergeFlags>();
  CLI::App* merge_sub = bench->add_subcommand("merge", "Join the folders of a sharded batch");
  merge_sub->add_option("DIR", merge->dirs, "Shard folders")->required();
  merge_sub->add_option("--out", merge->out, "The merged batch folder (new or empty)")->required();
  return Command{bench, [=] {
                   if (run_sub->parsed()) return run_bench_run(*run, *run_sub);
                   if (eval_sub->parsed()) return run_bench_eval(*eval);
                   if (cmp_sub->parsed()) return run_bench_compare(*cmp);
                   return run_bench_merge(*merge);
                 }};
}

}  // namespace agent::cli
