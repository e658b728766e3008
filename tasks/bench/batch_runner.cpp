#include "tasks/bench/batch_runner.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "common/fs.h"
#include "common/logging.h"
#include "tasks/bench/agent_phase.h"
#include "tasks/bench/checkout.h"
#include "tasks/bench/progress.h"
#include "tasks/bench/report.h"
#include "tasks/cli.h"

namespace agent::bench {

namespace {

struct Job {
  const BenchTask* task;
  int run;
};

// Shared by the workers: the queue, the results file and the progress display.
struct Shared {
  Shared(BatchPlan& p, CancelToken& c, size_t total)
      : plan(p), cancel(c), sources(p.out / "repos"), progress(stderr, p.progress_tty, total) {}

  BatchPlan& plan;
  CancelToken& cancel;
  RepoSources sources;
  std::vector<Job> jobs;
  std::atomic<size_t> next{0};
  std::mutex results_mu;
  AppendFile results;
  Progress progress;
  std::atomic<bool> infra_failed{false};  // results.jsonl could not be written
  std::string infra_message;
  std::atomic<size_t> backend_failures{0};  // tasks recorded as infra_failure this session
};

void grade_into(const BenchTask& task, const std::string& patch, const fs::path& objects, const fs::path& dir,
                const EvalOptions& opts, TaskResult* r, bool* cancelled) {
  r->model_patch = patch;
  if (patch.empty()) {
    r->outcome = "empty_patch";
    return;
  }
  EvalResult e = evaluate_patch(task, patch, objects, dir, opts);
  if (e.cancelled) {
    *cancelled = true;
    return;
  }
  r->patch_applied = e.patch_applied;
  r->apply_method = e.apply_method;
  r->tests_before = e.before;
  r->tests_after = e.after;
  r->tests_timed_out = e.tests_timed_out;
  r->error = e.error;
  r->eval_wall_s = e.wall_s;
  r->outcome = !e.error.empty() ? "error" : e.resolved ? "resolved" : "unresolved";
}

// One (task, run). Returns false when the batch was interrupted before it finished.
bool run_job(Shared& sh, const Job& job, TaskResult* r) {
  auto started = std::chrono::steady_clock::now();
  const BenchTask& task = *job.task;
  BatchPlan& plan = sh.plan;
  fs::path dir = plan.out / "tasks" / task.instance_id / ("run-" + std::to_string(job.run));
  std::error_code ec;
  fs::remove_all(dir, ec);  // a task left half done by a killed batch starts again from scratch
  r->instance_id = task.instance_id;
  r->run = job.run;
  r->model = plan.manifest.model;
  Status made = make_dirs(dir);
  auto objects = made.ok() ? sh.sources.objects_dir(task.repo_path) : Result<fs::path>(made);
  bool cancelled = false;
  if (!objects.ok()) {
    r->outcome = "error";
    r->error = objects.status().message();
  } else if (plan.manifest.kind == "run") {
    r->has_agent = true;
    AgentOutcome a = run_agent(task, plan.agent, plan.script_dir, *objects, dir, plan.eval, plan.yes);
    if (a.cancelled) return false;
    r->agent_status = a.status;
    r->stop_reason = a.stop_reason;
    r->agent_error = a.agent_error;
    r->steps = a.steps;
    r->tool_calls = a.tool_calls;
    r->usage = a.usage;
    r->cost_usd = a.cost_usd;
    r->agent_wall_s = a.wall_s;
    if (!a.infra_error.empty()) {
      r->outcome = "error";
      r->error = a.infra_error;
    } else if (a.backend_failed) {
      // Not graded, and not the model's result: recorded so the reports show it, and redone by
      // --resume (the batch exits 3).
      r->outcome = TaskResult::kInfraFailure;
      r->error = "the model backend failed: " + a.agent_error;
      get_logger("bench")->info("{} run {}: {}", task.instance_id, job.run, r->error);
    } else {
      EvalOptions opts = plan.eval;
      opts.tests_before = true;
      grade_into(task, a.patch, *objects, dir, opts, r, &cancelled);
    }
  } else {
    const Prediction& p = plan.preds.at(task.instance_id);
    r->model = p.model;
    grade_into(task, p.patch, *objects, dir, plan.eval, r, &cancelled);
  }
  r->wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return !cancelled;
}

void worker(Shared& sh) {
  while (!sh.cancel.cancelled()) {
    size_t i = sh.next.fetch_add(1);
    if (i >= sh.jobs.size()) return;
    sh.progress.started();
    TaskResult r;
    if (!run_job(sh, sh.jobs[i], &r)) {
      sh.progress.abandoned();
      return;
    }
    std::lock_guard<std::mutex> lock(sh.results_mu);
    Status s = sh.results.append_line(dump_json(to_json(r)));
    if (s.ok()) s = sh.results.sync();
    if (!s.ok()) {
      sh.infra_failed = true;
      sh.infra_message = s.message();
      sh.cancel.cancel();
      return;
    }
    if (r.infra_failure()) ++sh.backend_failures;
    sh.progress.finished(r);
  }
}

// Checks or creates the batch folder. Returns an exit status, or -1 to go on.
int open_batch_folder(BatchPlan& plan) {
  std::string where = "--out " + plan.out.string();
  if (plan.resume) {
    auto old = read_manifest(plan.out);
    if (!old.ok()) {
      std::fprintf(stderr, "agent bench: --resume: %s\n", old.status().message().c_str());
      return cli::kExitUsage;
    }
    std::string why = manifest_mismatch(*old, plan.manifest);
    if (why.empty() && (old->shard_index != plan.manifest.shard_index || old->shard_count != plan.manifest.shard_count)) {
      why = "--shard differs";
    }
    if (!why.empty()) {
      std::fprintf(stderr, "agent bench: --resume: the batch in %s is a different batch: %s\n",
                   plan.out.string().c_str(), why.c_str());
      return cli::kExitUsage;
    }
    return -1;
  }
  auto empty = dir_is_empty_or_missing(plan.out);
  if (!empty.ok() || !*empty) {
    std::fprintf(stderr, "agent bench: %s is not empty (add --resume to continue the batch in it)\n", where.c_str());
    return cli::kExitUsage;
  }
  Status s = make_dirs(plan.out);
  if (s.ok()) s = write_manifest(plan.out, plan.manifest);
  if (!s.ok()) {
    std::fprintf(stderr, "agent bench: %s: %s\n", where.c_str(), s.message().c_str());
    return cli::kExitBackend;
  }
  return -1;
}

}  // namespace

int run_batch(BatchPlan& plan, CancelToken& cancel) {
  if (int rc = open_batch_folder(plan); rc >= 0) return rc;
  fs::path results_path = plan.out / "results.jsonl";
  Status repaired = repair_results_tail(results_path);
  auto earlier = repaired.ok() ? read_results(results_path) : Result<ResultsFile>(repaired);
  if (!earlier.ok()) {
    std::fprintf(stderr, "agent bench: %s\n", earlier.status().message().c_str());
    return cli::kExitBackend;
  }
  // The latest result of each (task, run) of this batch; an infrastructure failure is redone.
  std::map<std::pair<std::string, int>, const TaskResult*> latest;
  std::set<std::string> ids;
  for (const auto& t : plan.tasks) ids.insert(t.instance_id);
  for (const auto& r : earlier->results) {
    if (ids.count(r.instance_id) && r.run <= plan.manifest.runs) latest[{r.instance_id, r.run}] = &r;
  }
  std::set<std::pair<std::string, int>> done;
  std::vector<const TaskResult*> earlier_done;
  size_t redo = 0;
  for (const auto& [key, r] : latest) {
    if (r->infra_failure()) {
      ++redo;
      continue;
    }
    done.insert(key);
    earlier_done.push_back(r);
  }
  std::vector<Job> jobs;
  for (const auto& t : plan.tasks) {
    // `bench eval` grades the tasks that have a prediction; the others count as incomplete.
    if (plan.manifest.kind == "eval" && !plan.preds.count(t.instance_id)) continue;
    for (int k = 1; k <= plan.manifest.runs; ++k) {
      if (!done.count({t.instance_id, k})) jobs.push_back({&t, k});
    }
  }
  Shared sh(plan, cancel, jobs.size() + done.size());
  sh.jobs = std::move(jobs);
  for (const TaskResult* r : earlier_done) sh.progress.add_earlier(*r);
  if (Status s = sh.results.open(results_path); !s.ok()) {
    std::fprintf(stderr, "agent bench: %s\n", s.message().c_str());
    return cli::kExitBackend;
  }
  plan.eval.cancel = &cancel;
  if (!done.empty() || redo > 0) {
    std::fprintf(stderr, "bench: resuming: %zu of %zu done", done.size(), done.size() + sh.jobs.size());
    if (redo > 0) std::fprintf(stderr, " (%zu to redo after an infrastructure failure)", redo);
    std::fputc('\n', stderr);
  }
  add_log_file(plan.out / "bench.log");
  std::vector<std::thread> threads;
  int n = std::max(1, std::min<int>(plan.workers, static_cast<int>(sh.jobs.size())));
  for (int i = 0; i < n && !sh.jobs.empty(); ++i) threads.emplace_back([&sh] { worker(sh); });
  for (auto& t : threads) t.join();
  sh.progress.close();
  sh.results.close();

  auto all = read_results(results_path);
  Status written = all.ok() ? write_outputs(plan.out, plan.manifest, all->results) : all.status();
  if (sh.infra_failed || !written.ok()) {
    std::fprintf(stderr, "agent bench: %s\n", (sh.infra_failed ? sh.infra_message : written.message()).c_str());
    return cli::kExitBackend;
  }
  std::fprintf(stderr, "bench: report in %s\n", (plan.out / "report.md").string().c_str());
  if (cancel.cancelled()) {
    std::fprintf(stderr, "bench: interrupted; continue with the same command and --resume\n");
    return cli::kExitInterrupted;
  }
  if (size_t failed = sh.backend_failures.load(); failed > 0) {
    std::fprintf(stderr,
                 "agent bench: %zu task run(s) stopped on a model backend failure (outcome infra_failure "
                 "in results.jsonl); when the backend is back, run the same command with --resume\n",
                 failed);
    return cli::kExitBackend;
  }
  return cli::kExitOk;
}

}  // namespace agent::bench
