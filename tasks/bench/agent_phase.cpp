#include "tasks/bench/agent_phase.h"

#include <chrono>

#include "common/fs.h"
#include "tasks/backend_factory.h"
#include "tasks/cli.h"
#include "tasks/new_run.h"
#include "tasks/run_driver.h"

namespace agent::bench {

namespace {

void copy_run_state(const RunState& st, AgentOutcome* out) {
  out->status = st.finished_status ? std::string(run_status_name(*st.finished_status)) : "failed";
  out->stop_reason = st.stop_reason;
  out->steps = st.steps;
  out->tool_calls = st.tool_calls;
  out->usage = st.usage;
  out->cost_usd = st.cost_usd;
}

}  // namespace

AgentOutcome run_agent(const BenchTask& task, RunSettings settings, const std::string& script_dir,
                       const fs::path& objects, const fs::path& task_dir, const EvalOptions& opts, bool yes) {
  auto started = std::chrono::steady_clock::now();
  AgentOutcome out;
  auto done = [&]() {
    out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::error_code ec;
    if (!opts.keep_checkout) fs::remove_all(task_dir / "repo", ec);
    return out;
  };
  fs::path repo = task_dir / "repo";
  Status prep = prepare_checkout(task, objects, repo, task_dir / "setup_agent.log", task_dir / "grading-home", opts);
  if (!prep.ok()) {
    out.cancelled = prep.code() == StatusCode::kCancelled;
    out.infra_error = prep.message();
    return done();
  }
  fs::path run_dir = task_dir / "agent";
  Status made = make_dirs(run_dir);
  if (!made.ok()) {
    out.infra_error = made.message();
    return done();
  }
  settings.repo = fs::canonical(repo).string();
  settings.out_dir = fs::canonical(run_dir).string();
  if (settings.backend == "scripted") settings.script = (fs::path(script_dir) / (task.instance_id + ".jsonl")).string();

  auto backend = cli::make_backend(settings);
  if (!backend.ok()) {
    out.status = "";
    out.agent_error = "the model backend could not start: " + backend.status().message();
    return done();
  }
  auto run = cli::create_run(settings, task.problem_statement);
  if (!run.ok()) {
    out.agent_error = "the run could not start: " + run.status().message();
    return done();
  }
  cli::DriveOptions drive;
  drive.quiet = true;
  drive.yes = yes;
  drive.cancel = opts.cancel;
  int code = cli::drive_run(run->state, run->journal, **backend, drive);
  copy_run_state(run->state, &out);
  if (run->state.finished_status == RunStatus::kInterrupted && opts.cancel != nullptr && opts.cancel->cancelled()) {
    out.cancelled = true;
    return done();
  }
  if (out.status == "failed") {
    out.agent_error = out.stop_reason.empty() ? "the agent failed (exit code " + std::to_string(code) + ")" : out.stop_reason;
  }
  out.backend_failed = code == cli::kExitBackend && settings.backend != "scripted";
  auto patch = read_file(run_dir / "patch.diff");
  if (patch.ok()) {
    out.patch = std::move(*patch);
  } else if (out.agent_error.empty()) {
    out.agent_error = "no patch.diff: " + patch.status().message();
  }
  return done();
}

}  // namespace agent::bench
