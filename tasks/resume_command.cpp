// agent resume: continue a run from its journal.
#include <cstdio>

#include "agent/journal.h"
#include "common/fs.h"
#include "common/logging.h"
#include "tasks/backend_factory.h"
#include "tasks/commands.h"
#include "tasks/live_view.h"
#include "tasks/run_driver.h"

namespace agent::cli {

namespace {

struct ResumeFlags {
  std::string out;
  bool json = false, yes = false;
  std::optional<int64_t> max_steps;
  std::optional<double> max_cost, timeout;
};

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "agent resume: %s\n", redact(msg).c_str());
  return kExitUsage;
}

int run_resume(const ResumeFlags& f) {
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(f.out, ec);
  if (ec || !fs::is_directory(dir)) return usage_error("--out " + f.out + ": no such folder");
  fs::path journal_path = dir / "trajectory.jsonl";
  if (!fs::exists(journal_path)) {
    return usage_error("--out " + f.out + " holds no run (no trajectory.jsonl)");
  }
  auto contents = read_journal(journal_path);
  if (!contents.ok()) return usage_error(contents.status().message());
  auto state = replay_journal(contents->events);
  if (!state.ok()) return usage_error(journal_path.string() + ": " + state.status().message());
  RunState& st = *state;
  st.settings.out_dir = dir.string();

  if (st.finished_status == RunStatus::kFinished) {
    if (fs::exists(dir / "result.json") && fs::exists(dir / "patch.diff")) {
      std::fprintf(stderr, "agent resume: the run in %s already finished; nothing to do\n", dir.c_str());
      return kExitOk;
    }
    auto files = write_patch(st);  // the outputs were lost after the run finished
    if (!files.ok() || !write_result_json(st, *files).ok()) return kExitInternal;
    return kExitOk;
  }
  if (f.max_steps) st.settings.max_steps = *f.max_steps;
  if (f.max_cost) st.settings.max_cost_usd = *f.max_cost;
  if (f.timeout) st.settings.timeout_s = *f.timeout;

  auto backend = make_backend(st.settings);
  if (!backend.ok()) return usage_error(backend.status().message());
  if (contents->truncated_tail) {
    std::fprintf(stderr, "agent resume: the journal's last line was cut short by the crash; dropping it\n");
    if (!repair_journal_tail(journal_path).ok()) return kExitInternal;
  }
  auto journal = Journal::open(journal_path);
  if (!journal.ok()) {
    std::fprintf(stderr, "agent resume: %s\n", journal.status().message().c_str());
    return kExitInternal;
  }
  add_log_file(dir / "agent.log");
  ++st.sessions;
  Event resumed(event_type::kRunResumed, Json{{"session", st.sessions}, {"t", st.elapsed_s}});
  if (Status w = journal->append(resumed); !w.ok()) {
    std::fprintf(stderr, "agent resume: cannot write the journal: %s\n", w.message().c_str());
    return kExitInternal;
  }
  if (f.json) JsonEventPrinter(stdout).on_event(resumed);
  DriveOptions opts;
  opts.json = f.json;
  opts.yes = f.yes;
  return drive_run(st, *journal, **backend, opts);
}

}  // namespace

Command add_resume_command(CLI::App& app) {
  auto flags = std::make_shared<ResumeFlags>();
  CLI::App* sub = app.add_subcommand("resume", "Continue a run that was interrupted");
  sub->add_option("--out", flags->out, "The run folder")->required();
  sub->add_flag("--json", flags->json, "Print the journal's events as JSON lines on stdout");
  sub->add_flag("--yes", flags->yes, "Approve actions that policies mark `ask`");
  sub->add_option("--max-steps", flags->max_steps, "Raise the step budget (counted across sessions)");
  sub->add_option("--max-cost", flags->max_cost, "Raise the cost budget (USD, across sessions)");
  sub->add_option("--timeout", flags->timeout, "Raise the time budget (seconds, across sessions)");
  return Command{sub, [flags] { return run_resume(*flags); }};
}

}  // namespace agent::cli
