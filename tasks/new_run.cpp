#include "tasks/new_run.h"

#include "agent/system_prompt.h"
#include "common/ids.h"
#include "tools/git/git_snapshot.h"
#include "tools/tool_registry.h"

namespace agent::cli {

Result<NewRun> create_run(RunSettings settings, const std::string& issue_text) {
  AGENT_ASSIGN_OR_RETURN(fs::path workdir, find_git_workdir(settings.repo));
  auto start_tree = snapshot_worktree(workdir);
  if (!start_tree.ok()) return start_tree.status().with_context("snapshot the repository");
  NewRun run;
  RunState& st = run.state;
  st.settings = std::move(settings);
  st.start_tree = *start_tree;
  st.run_id = new_id("run_");
  st.sessions = 1;
  ToolRegistry tools = make_default_registry();
  st.conversation.append(Message::system(
      build_system_prompt(tools.specs(), load_project_instructions(st.settings.repo))));
  st.conversation.append(Message::user(build_issue_message(issue_text)));
  auto journal = Journal::open(fs::path(st.settings.out_dir) / "trajectory.jsonl");
  if (!journal.ok()) return journal.status();
  run.journal = std::move(*journal);
  AGENT_RETURN_IF_ERROR(run.journal.append(make_run_started_event(st)).with_context("write the journal"));
  return run;
}

}  // namespace agent::cli
