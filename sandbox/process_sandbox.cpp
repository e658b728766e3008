#include "sandbox/process_sandbox.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/child_supervisor.h"

namespace agent {

void become_subreaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

namespace {

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(int out_w, int err_w, const char* cwd, char* const argv[],
                             char* const envp[], pid_t parent) {
  ::setsid();
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (::getppid() != parent) ::_exit(127);
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s) ::sigaction(s, &sa, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull >= 0) ::dup2(devnull, 0);
  ::dup2(out_w, 1);
  ::dup2(out_w, 2);
  struct rlimit core {0, 0};
  ::setrlimit(RLIMIT_CORE, &core);
  if (::chdir(cwd) != 0) {
    int e = errno;
    ssize_t w = ::write(err_w, &e, sizeof e);
    (void)w;
    ::_exit(127);
  }
  ::execve("/bin/bash", argv, envp);
  int e = errno;
  ssize_t w = ::write(err_w, &e, sizeof e);
  (void)w;
  ::_exit(127);
}

}  // namespace

Result<CommandResult> ProcessSandbox::run(const CommandSpec& spec) {
  auto started = std::chrono::steady_clock::now();
  int out_pipe[2];
  int err_pipe[2];  // exec failure reporting (errno), closed on successful exec
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return errno_status(errno, "pipe");
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    int e = errno;
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return errno_status(e, "pipe");
  }
  // Everything the child needs is prepared before fork.
  std::string cwd = spec.cwd.string();
  std::vector<char*> argv = {const_cast<char*>("bash"), const_cast<char*>("-c"),
                             const_cast<char*>(spec.command.c_str()), nullptr};
  std::vector<char*> envp;
  envp.reserve(spec.env.size() + 1);
  for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) {
    int e = errno;
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    return errno_status(e, "fork");
  }
  if (pid == 0) exec_child(out_pipe[1], err_pipe[1], cwd.c_str(), argv.data(), envp.data(), parent);

  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(err_pipe[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(err_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    int status;
    ::waitpid(pid, &status, 0);
    ::close(out_pipe[0]);
    return errno_status(child_errno, "start command in " + cwd);
  }
  return supervise_child(pid, out_pipe[0], spec, started);
}

}  // namespace agent
