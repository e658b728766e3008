// Supervising a started command: read its output into an OutputCapture, wait for it, and
// enforce the deadline and cancellation by killing its whole process group. Shared by every
// Sandbox implementation, whatever isolation it sets up before exec.
// Thread-safety: reentrant.
#pragma once

#include <sys/types.h>

#include <chrono>

#include "sandbox/sandbox.h"

namespace agent {

// `pid` leads its own process group (setsid in the child). `out_fd` is the read end of the
// pipe its stdout and stderr write to; it is closed here. Returns when the command and every
// process of its group are gone.
CommandResult supervise_child(pid_t pid, int out_fd, const CommandSpec& spec,
                              std::chrono::steady_clock::time_point started);

}  // namespace agent
