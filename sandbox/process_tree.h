// Finding and killing what a long-lived sandboxed process (the persistent shell) started,
// without killing the process itself: everything in its pid namespace when it is the
// namespace's init, otherwise everything in its session.
// Thread-safety: reentrant (reads /proc).
#pragma once

#include <sys/types.h>

#include <vector>

#include "sandbox/sandbox.h"

namespace agent {

// The other processes of `p`'s namespace or session, as pids in the agent's namespace.
std::vector<pid_t> processes_of(const StartedProcess& p);

// SIGKILLs those processes until none is left (a fork loop may respawn a few times).
// Returns how many were killed.
int kill_processes_of(const StartedProcess& p);

}  // namespace agent
