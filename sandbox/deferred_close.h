// Closing descriptors off the caller's thread. Used for a command's mount-namespace handle:
// the last reference to a mount namespace tears down its mounts and waits for an RCU grace
// period (milliseconds), and without another reference that happens inside the command's own
// exit, before the agent is told it ended. Holding the namespace open and closing it here
// moves that wait off the command's latency.
// Thread-safety: close_later() may be called from any thread.
#pragma once

namespace agent {

// Takes ownership of `fd` and closes it on a background thread (started on first use).
void close_later(int fd);

}  // namespace agent
