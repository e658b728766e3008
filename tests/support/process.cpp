#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

extern char** environ;

namespace agent::testing {

namespace {

// The current environment with `extra` ("K=V") added; an extra entry replaces a variable of
// the same name (getenv would find the first one otherwise).
std::vector<char*> make_env(const std::vector<std::string>& extra, std::vector<std::string>& storage) {
  auto name_of = [](const std::string& kv) { return kv.substr(0, kv.find('=') + 1); };
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    bool replaced = false;
    for (const auto& x : extra) replaced = replaced || name_of(x) == name_of(kv);
    if (!replaced) storage.push_back(std::move(kv));
  }
  for (const auto& e : extra) storage.push_back(e);
  std::vector<char*> env;
  for (auto& s : storage) env.push_back(s.data());
  env.push_back(nullptr);
  return env;
}

}  // namespace

std::filesystem::path agent_binary() {
  const char* b = std::getenv("AGENT_BINARY_DIR");
  return std::filesystem::path(b ? b : ".") / "tasks" / "agent";
}

std::filesystem::path source_dir() {
  const char* s = std::getenv("AGENT_SOURCE_DIR");
  return std::filesystem::path(s ? s : ".");
}

int sh(const std::string& command) {
  int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& opts) {
  int out_pipe[2], err_pipe[2], in_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC) || pipe2(in_pipe, O_CLOEXEC)) std::abort();
  std::vector<std::string> storage;
  std::vector<char*> env = make_env(opts.extra_env, storage);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    if (!opts.cwd.empty() && chdir(opts.cwd.c_str()) != 0) _exit(127);
    execve(args[0], args.data(), env.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  // Small inputs only: the pipe buffer takes them at once.
  if (!opts.stdin_text.empty()) {
    ssize_t w = write(in_pipe[1], opts.stdin_text.data(), opts.stdin_text.size());
    (void)w;
  }
  close(in_pipe[1]);
  ProcessResult r;
  auto deadline = std::chrono::steady_clock::now() + opts.timeout;
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open) {
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  deadline - std::chrono::steady_clock::now()).count());
    if (ms <= 0) {
      kill(pid, SIGKILL);
      break;
    }
    poll(fds, 2, ms);
    for (int i = 0; i < 2; ++i) {
      bool& open = i == 0 ? out_open : err_open;
      if (!open || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) open = false;
      else (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
    }
  }
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

pid_t start_process(const std::vector<std::string>& argv, const std::filesystem::path& log_dir,
                    const ProcessOptions& opts) {
  std::vector<std::string> storage;
  std::vector<char*> env = make_env(opts.extra_env, storage);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::string out = (log_dir / "stdout.txt").string(), err = (log_dir / "stderr.txt").string();
  pid_t pid = fork();
  if (pid == 0) {
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int n = open("/dev/null", O_RDONLY);
    dup2(n, 0);
    dup2(o, 1);
    dup2(e, 2);
    if (!opts.cwd.empty() && chdir(opts.cwd.c_str()) != 0) _exit(127);
    execve(args[0], args.data(), env.data());
    _exit(127);
  }
  return pid;
}

}  // namespace agent::testing
