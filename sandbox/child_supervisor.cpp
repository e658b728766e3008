#include "sandbox/child_supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <thread>

#include "sandbox/output_capture.h"

namespace agent {

namespace {

using Clock = std::chrono::steady_clock;

int pidfd_open_compat(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

int ms_until(Clock::time_point t) {
  auto d = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
  if (d < 0) return 0;
  if (d > 1000000) return 1000000;
  return static_cast<int>(d);
}

// Reaps whatever is left of the group (orphans re-parented to this subreaper process).
void reap_group(pid_t pgid) {
  for (int i = 0; i < 200; ++i) {
    int status;
    pid_t r = ::waitpid(-pgid, &status, WNOHANG);
    if (r < 0) return;                 // ECHILD: nothing of the group is our child
    if (r == 0) {                      // still alive: they were SIGKILLed, give them a moment
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

}  // namespace

CommandResult supervise_child(pid_t pid, int out_fd, const CommandSpec& spec,
                              Clock::time_point started) {
  CommandResult result;
  OutputCapture capture(spec.output_limit);
  const auto deadline = started + spec.timeout;
  int pidfd = pidfd_open_compat(pid);
  int cancel_fd = spec.cancel ? spec.cancel->fd() : -1;
  ::fcntl(out_fd, F_SETFL, ::fcntl(out_fd, F_GETFL) | O_NONBLOCK);

  bool out_open = true;
  bool exited = false;
  bool term_sent = false;
  bool kill_sent = false;
  int wait_status = 0;
  // After SIGTERM the group gets a short grace before SIGKILL.
  Clock::time_point kill_deadline = Clock::time_point::max();
  // Once the main process is gone, what is left of its group gets a short grace to flush.
  Clock::time_point drain_deadline = Clock::time_point::max();
  char buf[65536];

  auto terminate = [&](bool timed_out, bool by_cancel) {
    if (term_sent) return;
    term_sent = true;
    result.timed_out = timed_out;
    result.cancelled = by_cancel;
    ::kill(-pid, SIGTERM);
    kill_deadline = Clock::now() + std::chrono::milliseconds(500);
  };
  auto hard_kill = [&] {
    if (kill_sent) return;
    kill_sent = true;
    ::kill(-pid, SIGKILL);
  };

  while (out_open || !exited) {
    auto now = Clock::now();
    if (!exited && !term_sent) {
      if (spec.cancel && spec.cancel->cancelled()) terminate(false, true);
      else if (now >= deadline) terminate(true, false);
    }
    if (now >= kill_deadline) hard_kill();
    if (exited && out_open && now >= drain_deadline) hard_kill();  // leftovers hold the pipe

    pollfd fds[3];
    nfds_t n = 0;
    int out_idx = -1;
    if (out_open) { out_idx = static_cast<int>(n); fds[n++] = {out_fd, POLLIN, 0}; }
    if (!exited && pidfd >= 0) fds[n++] = {pidfd, POLLIN, 0};
    if (cancel_fd >= 0 && !term_sent && !exited) fds[n++] = {cancel_fd, POLLIN, 0};
    Clock::time_point wake = std::min({deadline, kill_deadline, drain_deadline});
    if (term_sent || exited) wake = std::min(kill_deadline, drain_deadline);
    int timeout_ms = kill_sent ? 50 : ms_until(wake);
    if (!exited && pidfd < 0) timeout_ms = std::min(timeout_ms, 20);  // no pidfd: poll waitpid
    int pr = ::poll(fds, n, timeout_ms);
    if (pr < 0 && errno != EINTR) break;

    if (out_idx >= 0 && (fds[out_idx].revents & (POLLIN | POLLHUP | POLLERR))) {
      for (;;) {
        ssize_t r = ::read(out_fd, buf, sizeof buf);
        if (r > 0) {
          capture.append(std::string_view(buf, static_cast<size_t>(r)));
          continue;
        }
        if (r == 0) out_open = false;
        else if (errno == EINTR) continue;
        else if (errno != EAGAIN) out_open = false;
        break;
      }
    }
    if (!exited) {
      pid_t r = ::waitpid(pid, &wait_status, WNOHANG);
      if (r == pid || (r < 0 && errno == ECHILD)) {
        exited = true;
        drain_deadline = Clock::now() + std::chrono::milliseconds(200);
      }
    }
  }
  if (!exited) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &wait_status, 0);
  }
  ::kill(-pid, SIGKILL);  // nothing of the group survives the command
  reap_group(pid);
  if (pidfd >= 0) ::close(pidfd);
  ::close(out_fd);

  if (WIFEXITED(wait_status)) {
    result.exit_code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    result.exit_code = -1;
    result.term_signal = WTERMSIG(wait_status);
  }
  result.output_bytes = capture.total_bytes();
  result.output_truncated = capture.truncated();
  result.output = capture.take();
  result.wall_s = std::chrono::duration<double>(Clock::now() - started).count();
  return result;
}

}  // namespace agent
