#include "tasks/bench/evaluate.h"

#include <cstdio>
#include <set>

#include "common/fs.h"
#include "tasks/bench/checkout.h"
#include "tools/file_transaction.h"
#include "tools/patch.h"
#include "tools/patch_apply.h"

namespace agent::bench {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

Result<CommandResult> run_command(Sandbox& sandbox, const std::string& cmd, const fs::path& cwd,
                                  std::chrono::milliseconds timeout, const EvalOptions& opts) {
  CommandSpec spec;
  spec.command = cmd;
  spec.cwd = cwd;
  spec.env = opts.env;
  spec.timeout = timeout;
  spec.output_limit = 32u << 20;
  spec.cancel = opts.cancel;
  return sandbox.run(spec);
}

std::string exit_text(const CommandResult& r) {
  if (r.timed_out) return "timed out";
  if (r.cancelled) return "cancelled";
  if (r.term_signal != 0) return "killed by signal " + std::to_string(r.term_signal);
  return "exit code " + std::to_string(r.exit_code);
}

struct TestRun {
  TestStatusMap statuses;
  bool timed_out = false;
  bool cancelled = false;
};

// Plain framework: one command per test id (each {test} replaced by the quoted id); its exit
// code decides. All commands share the one time limit.
Result<TestRun> run_plain_tests(const BenchTask& task, const fs::path& workdir, Sandbox& sandbox,
                                const EvalOptions& opts, std::string* log) {
  TestRun run;
  auto deadline = Clock::now() + opts.test_timeout;
  std::set<std::string> done;
  std::vector<std::string> ids = task.fail_to_pass;
  ids.insert(ids.end(), task.pass_to_pass.begin(), task.pass_to_pass.end());
  for (const auto& id : ids) {
    if (!done.insert(id).second) continue;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      run.timed_out = true;
      break;
    }
    std::string cmd = task.test_cmd;
    for (size_t p = cmd.find("{test}"); p != std::string::npos; p = cmd.find("{test}", p)) {
      std::string q = shell_quote(id);
      cmd.replace(p, 6, q);
      p += q.size();
    }
    AGENT_ASSIGN_OR_RETURN(CommandResult r, run_command(sandbox, cmd, workdir, left, opts));
    *log += ">>>>> " + id + ": " + exit_text(r) + "\n" + r.output + "\n";
    if (r.timed_out) run.timed_out = true;
    if (r.cancelled) run.cancelled = true;
    if (r.timed_out || r.cancelled) break;
    run.statuses[id] = r.exit_code == 0 ? TestStatus::kPassed : TestStatus::kFailed;
  }
  return run;
}

Result<TestRun> run_tests(const BenchTask& task, const fs::path& workdir, Sandbox& sandbox,
                          const EvalOptions& opts, const fs::path& log_path) {
  std::string log = ">>>>> Start Test Output\n";
  TestRun run;
  if (task.framework == TestFramework::kPlain) {
    AGENT_ASSIGN_OR_RETURN(run, run_plain_tests(task, workdir, sandbox, opts, &log));
  } else {
    AGENT_ASSIGN_OR_RETURN(CommandResult r, run_command(sandbox, task.test_cmd, workdir, opts.test_timeout, opts));
    log += r.output;
    if (!log.empty() && log.back() != '\n') log += '\n';
    log += ">>>>> " + exit_text(r) + "\n";
    run.timed_out = r.timed_out;
    run.cancelled = r.cancelled;
    run.statuses = parse_test_log(task.framework, r.output);
  }
  log += ">>>>> End Test Output\n";
  if (run.timed_out) log += ">>>>> Tests Timed Out after " + seconds_text(opts.test_timeout) + "\n";
  AGENT_RETURN_IF_ERROR(write_file_atomic(log_path, log));
  return run;
}

Status apply_fuzzy(const fs::path& workdir, const std::string& text) {
  auto patch = parse_patch(text);
  if (!patch.ok()) return patch.status();
  ToolContext ctx;
  ctx.workspace = workdir;
  auto plan = plan_patch(*patch, ctx);
  if (!plan.ok()) return plan.status();
  FileTransaction tx;
  for (auto& f : plan->files) {
    if (f.content) {
      tx.write(f.abs, std::move(*f.content), f.mode);
    } else {
      tx.remove(f.abs);
    }
  }
  return tx.commit();
}

// Runs the tests with test_patch applied on top of whatever the checkout holds, then grades.
// Returns false (with *error set) when grading could not happen.
bool test_with_test_patch(const BenchTask& task, const fs::path& workdir, Sandbox& sandbox, const EvalOptions& opts,
                          const fs::path& log_path, EvalResult* out, TestsReport* report) {
  std::vector<std::string> test_files = diff_paths(task.test_patch);
  Status s = restore_paths(workdir, test_files);
  if (s.ok() && !task.test_patch.empty()) {
    s = git_apply_patch(workdir, task.test_patch);
    if (!s.ok()) s = Status(s.code(), "test_patch does not apply: " + s.message());
  }
  if (!s.ok()) {
    out->error = s.message();
    return false;
  }
  auto run = run_tests(task, workdir, sandbox, opts, log_path);
  if (!run.ok()) {
    out->error = "could not run the tests: " + run.status().message();
    return false;
  }
  if (run->cancelled) {
    out->cancelled = true;
    return false;
  }
  if (run->timed_out) {
    out->tests_timed_out = true;
    out->error = "tests timed out after " + seconds_text(opts.test_timeout);
    return false;
  }
  *report = grade_tests(task, run->statuses);
  return true;
}

Json instance_report(const BenchTask& task, const std::string& patch, const EvalResult& r) {
  Json one{{"patch_is_None", false},
           {"patch_exists", !patch.empty()},
           {"patch_successfully_applied", r.patch_applied},
           {"resolved", r.resolved}};
  if (r.after) one["tests_status"] = to_json(*r.after);
  return Json{{task.instance_id, one}};
}

}  // namespace

std::string shell_quote(std::string_view s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

std::string seconds_text(std::chrono::milliseconds d) {
  char buf[32];
  if (d.count() % 1000 == 0) {
    std::snprintf(buf, sizeof buf, "%lld s", static_cast<long long>(d.count() / 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(d.count()) / 1000.0);
  }
  return buf;
}

Result<std::string> apply_with_fallbacks(const fs::path& workdir, const std::string& patch) {
  // Checked before anything runs: restoring a path deletes files HEAD lacks, so a name outside
  // the checkout must never reach restore_paths (or an applier).
  std::vector<std::string> paths = diff_paths(patch);
  if (Status s = check_checkout_paths(workdir, paths); !s.ok()) {
    return failed_precondition("the patch is refused, nothing was changed: " + s.message());
  }
  Status exact = git_apply_patch(workdir, patch);
  if (exact.ok()) return std::string("git apply");
  // git_apply changes nothing when it fails, but be as careful as the official harness,
  // which resets the tree between tries.
  AGENT_RETURN_IF_ERROR(restore_paths(workdir, paths));
  Status fuzzy = apply_fuzzy(workdir, patch);
  if (fuzzy.ok()) return std::string("fuzzy");
  (void)restore_paths(workdir, paths);
  return failed_precondition("the patch does not apply (" + exact.message() + "; tolerant apply: " +
                             fuzzy.message() + ")");
}

Status prepare_checkout(const BenchTask& task, const fs::path& objects, const fs::path& dest,
                        const fs::path& setup_log, const fs::path& home, const EvalOptions& opts) {
  std::error_code ec;
  fs::remove_all(dest, ec);
  Status s = checkout_commit(objects, task.base_commit, dest);
  if (!s.ok()) return Status(s.code(), "check out " + task.base_commit + ": " + s.message());
  if (task.setup_cmd.empty()) return ok_status();
  auto sandbox = opts.sandboxes->make(dest, home, NetworkMode::kOn);
  if (!sandbox.ok()) return Status(sandbox.status().code(), "sandbox for setup_cmd: " + sandbox.status().message());
  auto r = run_command(**sandbox, task.setup_cmd, dest, opts.setup_timeout, opts);
  if (!r.ok()) return Status(r.status().code(), "setup_cmd could not start: " + r.status().message());
  AGENT_RETURN_IF_ERROR(write_file_atomic(setup_log, r->output));
  if (r->cancelled) return cancelled("setup_cmd cancelled");
  if (r->timed_out || r->exit_code != 0) {
    return failed_precondition("setup_cmd failed (" + exit_text(*r) + "; see " + setup_log.string() + ")");
  }
  return ok_status();
}

EvalResult evaluate_patch(const BenchTask& task, const std::string& model_patch, const fs::path& objects,
                          const fs::path& task_dir, const EvalOptions& opts) {
  auto started = Clock::now();
  EvalResult out;
  fs::path workdir = task_dir / "eval";
  auto finish = [&]() {
    out.wall_s = seconds_since(started);
    // Like the official harness, an instance whose grading did not finish has no report.
    if (out.after) {
      (void)write_file_atomic(task_dir / "report.json", instance_report(task, model_patch, out).dump(2) + "\n");
    }
    std::error_code ec;
    if (!opts.keep_checkout) fs::remove_all(workdir, ec);
    return out;
  };
  (void)write_file_atomic(task_dir / "patch.diff", model_patch);
  fs::path home = task_dir / "grading-home";
  Status prep = prepare_checkout(task, objects, workdir, task_dir / "setup_eval.log", home, opts);
  if (!prep.ok()) {
    out.cancelled = prep.code() == StatusCode::kCancelled;
    out.error = prep.message();
    return finish();
  }
  auto sandbox = opts.sandboxes->make(workdir, home, NetworkMode::kOff);
  if (!sandbox.ok()) {
    out.error = "sandbox for the tests: " + sandbox.status().message();
    return finish();
  }
  if (opts.tests_before) {
    TestsReport before;
    EvalResult scratch;
    if (test_with_test_patch(task, workdir, **sandbox, opts, task_dir / "test_output_before.txt", &scratch, &before)) {
      out.before = before;
    }
    if (scratch.cancelled) {
      out.cancelled = true;
      return finish();
    }
    Status back = restore_paths(workdir, diff_paths(task.test_patch));
    if (!back.ok()) {
      out.error = "could not undo test_patch: " + back.message();
      return finish();
    }
  }
  auto method = apply_with_fallbacks(workdir, model_patch);
  if (!method.ok()) {
    out.error = "Patch Apply Failed: " + method.status().message();
    return finish();
  }
  out.patch_applied = true;
  out.apply_method = *method;
  TestsReport after;
  if (test_with_test_patch(task, workdir, **sandbox, opts, task_dir / "test_output.txt", &out, &after)) {
    out.after = after;
    out.resolved = is_resolved(after);
  }
  return finish();
}

}  // namespace agent::bench
