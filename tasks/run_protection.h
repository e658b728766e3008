// RunProtection: what keeps a run's tool calls contained and approved, set up once per
// session by the run driver.
//  - the sandbox chosen from --sandbox/--network and this machine (host_probe.h), with the
//    [sandbox] settings of the user's policy file, and the persistent shell (default) or
//    one-shot commands;
//  - the policy (built-in + user + project files) behind PlannerHooks.approve;
//  - the `sandbox` event (mode, layers, what was skipped) and warning events for layers
//    `auto` had to leave out or --sandbox off;
//  - after the run, a check of the workspace's git hooks: new or changed hooks (possible only
//    in repositories the run created, which the sandbox could not know about) are reported.
// Thread-safety: used from the driver's thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agent/journal.h"
#include "agent/planner.h"
#include "agent/run_state.h"
#include "sandbox/persistent_shell.h"
#include "sandbox/sandbox.h"
#include "tasks/approval.h"

namespace agent::cli {

// Checks what can be checked before a run folder exists: the policy files parse, `strict`
// can be honoured here, and the policy allows --network on. Usage errors name the input.
Status preflight_protection(const RunSettings& settings);

class RunProtection {
 public:
  // `yes`: --yes was given. Errors are usage errors (bad policy file, strict refused,
  // network denied).
  static Result<std::unique_ptr<RunProtection>> create(const RunState& state, bool yes);
  ~RunProtection();

  // Points the tool context at the sandbox and shell and installs the approval hook.
  void attach(ToolContext& ctx, PlannerHooks& hooks);
  // Journals the `sandbox` event and warnings and shows them to `observer`; `to_stderr`
  // also prints the warnings (when no terminal view shows them).
  void announce(Journal& journal, EventObserver* observer, double t, bool to_stderr);
  // After the session: ends the shell (and all it started), then warns about git hooks
  // that appeared or changed during the session.
  void finish_session(Journal& journal, EventObserver* observer, double t, bool to_stderr);

  const Json& sandbox_event() const { return event_; }

 private:
  RunProtection() = default;

  std::string workspace_;
  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<PersistentShell> shell_;
  std::unique_ptr<TerminalPrompter> prompter_;
  std::unique_ptr<Approver> approver_;
  Json event_ = Json::object();
  std::vector<std::string> warnings_;
  std::map<std::string, std::string> hooks_before_;
};

}  // namespace agent::cli
