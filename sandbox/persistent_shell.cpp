#include "sandbox/persistent_shell.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "sandbox/output_capture.h"
#include "sandbox/process_tree.h"

namespace agent {

namespace {

using Clock = std::chrono::steady_clock;

// The shell's loop (see the header). `$?` is expanded after eval returns.
constexpr const char* kLoop =
    "while IFS= read -r -d '' __agent_cmd <&4; do "
    "eval \"$__agent_cmd\" 3>&- 4<&- </dev/null; "
    "printf '%d\\n' \"$?\" >&3; "
    "done";

// After killing a command's processes, how long the shell gets to report its status
// before it is considered hung itself.
constexpr auto kShellGrace = std::chrono::milliseconds(1000);

int ms_until(Clock::time_point t) {
  auto d = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(d, 0, 1000000));
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Reads what is available without blocking; false at end of file or error.
bool read_available(int fd, OutputCapture* capture, std::string* text) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      if (capture) capture->append(std::string_view(buf, static_cast<size_t>(n)));
      if (text) text->append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && errno == EAGAIN;
  }
}

}  // namespace

PersistentShell::PersistentShell(Sandbox& sandbox, std::filesystem::path cwd, std::vector<std::string> env)
    : sandbox_(sandbox), cwd_(std::move(cwd)), env_(std::move(env)) {}

PersistentShell::~PersistentShell() { close(); }

void PersistentShell::close() {
  std::lock_guard<std::mutex> lock(mu_);
  kill_shell();
}

Status PersistentShell::start() {
  int cmd[2], st[2], out[2];
  // The command channel is a socket so that writing to a dead shell gives EPIPE with
  // MSG_NOSIGNAL instead of a SIGPIPE that would kill the agent.
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cmd) != 0) return errno_status(errno, "socketpair");
  if (::pipe2(st, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
    int e = errno;
    ::close(cmd[0]);
    ::close(cmd[1]);
    return errno_status(e, "pipe");
  }
  StartSpec s;
  s.argv = {"/bin/bash", "--noprofile", "--norc", "-c", kLoop};
  s.cwd = cwd_;
  s.env = env_;
  s.fds = {-1, out[1], out[1], st[1], cmd[1]};
  auto r = sandbox_.start(s);
  ::close(cmd[1]);
  ::close(st[1]);
  ::close(out[1]);
  if (!r.ok()) {
    ::close(cmd[0]);
    ::close(st[0]);
    ::close(out[0]);
    return r.status().with_context("start the shell");
  }
  proc_ = std::move(*r);
  cmd_fd_ = cmd[0];
  status_fd_ = st[0];
  out_fd_ = out[0];
  ::fcntl(status_fd_, F_SETFL, O_NONBLOCK);
  ::fcntl(out_fd_, F_SETFL, O_NONBLOCK);
  if (started_once_) ++restarts_;
  started_once_ = true;
  return ok_status();
}

int PersistentShell::kill_shell() {
  if (proc_.pid <= 0) return 0;
  // In its own pid namespace, killing the shell (the init) takes everything with it;
  // otherwise its session is killed first.
  if (!proc_.own_pid_namespace) kill_processes_of(proc_);
  ::kill(proc_.pid, SIGKILL);
  int status = 0;
  while (::waitpid(proc_.pid, &status, 0) < 0 && errno == EINTR) {}
  if (proc_.pidfd >= 0) ::close(proc_.pidfd);
  proc_ = StartedProcess{};
  close_fd(cmd_fd_);
  close_fd(status_fd_);
  close_fd(out_fd_);
  return status;
}

void PersistentShell::drain_stale(std::string* into) {
  if (out_fd_ >= 0) read_available(out_fd_, nullptr, into);
}

Result<ShellRunResult> PersistentShell::run(const CommandSpec& spec) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto t0 = Clock::now();
  if (spec.command.find('\0') != std::string::npos) return invalid_argument("the command contains a NUL byte");
  if (proc_.pid <= 0) AGENT_RETURN_IF_ERROR(start());
  ShellRunResult out;
  out.notice = std::move(pending_notice_);
  pending_notice_.clear();
  OutputCapture capture(spec.output_limit);
  std::string stale;
  drain_stale(&stale);
  if (!stale.empty()) capture.append("[printed by background processes since the last command:]\n" + stale + "[end]\n");

  std::string msg = spec.command;
  msg.push_back('\0');
  for (size_t off = 0; off < msg.size();) {
    ssize_t n = ::send(cmd_fd_, msg.data() + off, msg.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the shell is gone: noticed below through the status pipe
    off += static_cast<size_t>(n);
  }

  CommandResult& r = out.result;
  const auto deadline = t0 + spec.timeout;
  Clock::time_point grace_end = Clock::time_point::max();
  std::string status_text;
  bool killed_command = false, shell_died = false, done = false;
  const int cancel_fd = spec.cancel ? spec.cancel->fd() : -1;
  while (!done) {
    auto now = Clock::now();
    if (!killed_command && ((spec.cancel && spec.cancel->cancelled()) || now >= deadline)) {
      killed_command = true;
      r.cancelled = spec.cancel && spec.cancel->cancelled();
      r.timed_out = !r.cancelled;
      kill_processes_of(proc_);
      grace_end = Clock::now() + kShellGrace;
    }
    if (killed_command && Clock::now() >= grace_end) break;  // the shell itself hangs
    pollfd fds[4] = {{out_fd_, POLLIN, 0}, {status_fd_, POLLIN, 0}, {proc_.pidfd, POLLIN, 0},
                     {killed_command ? -1 : cancel_fd, POLLIN, 0}};
    int wait_ms = ms_until(killed_command ? grace_end : deadline);
    if (proc_.pidfd < 0) wait_ms = std::min(wait_ms, 50);
    if (::poll(fds, 4, wait_ms) < 0 && errno != EINTR) break;
    bool out_open = read_available(out_fd_, &capture, nullptr);
    bool status_open = read_available(status_fd_, nullptr, &status_text);
    if (status_text.find('\n') != std::string::npos) {
      r.exit_code = std::atoi(status_text.c_str());
      done = true;
    } else if (!status_open || (fds[2].revents & POLLIN) || (!out_open && proc_.pidfd < 0)) {
      shell_died = true;
      break;
    }
  }
  if (done) {
    read_available(out_fd_, &capture, nullptr);
  } else {
    read_available(out_fd_, &capture, nullptr);
    int status = kill_shell();
    if (shell_died) {
      r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      r.term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    out.notice += std::string(out.notice.empty() ? "" : " ") +
                  (shell_died ? "The command ended the shell"
                              : "The shell did not respond after the command was killed and was restarted") +
                  "; the next command runs in a new shell in " + cwd_.string() +
                  ": the working directory and exported variables were reset.";
  }
  r.output_bytes = capture.total_bytes();
  r.output_truncated = capture.truncated();
  r.output = capture.take();
  r.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  return out;
}

}  // namespace agent
