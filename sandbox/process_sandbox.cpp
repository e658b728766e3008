#include "sandbox/process_sandbox.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include "sandbox/planned_spawn.h"

namespace agent {

void become_subreaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

namespace {

// No isolation beyond its own session (so the whole group can be killed) and no core dumps.
ChildPlan basic_plan() {
  static const ChildRlimit kNoCore[] = {{RLIMIT_CORE, 0}};
  ChildPlan p;
  p.new_session = true;
  p.rlimits = kNoCore;
  p.n_rlimits = 1;
  return p;
}

}  // namespace

Result<CommandResult> ProcessSandbox::run(const CommandSpec& spec) {
  return run_planned(basic_plan(), spec, spec.env);
}

Result<StartedProcess> ProcessSandbox::start(const StartSpec& spec) {
  return start_planned(basic_plan(), spec, spec.env);
}

}  // namespace agent
