#include "tests/escape/escape_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace agent::testing {

namespace {

struct Row {
  std::string attempt, network, user, shell, outcome;
};
std::vector<Row>& rows() {
  static std::vector<Row> r;
  return r;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

fs::path make_temp_dir(const char* pattern) {
  std::string t = pattern;
  char* d = ::mkdtemp(t.data());
  return d != nullptr ? fs::path(d) : fs::path();
}

fs::path probe_source() {
  if (const char* p = std::getenv("AGENT_ESCAPE_PROBE")) return p;
  const char* bin = std::getenv("AGENT_BINARY_DIR");
  return fs::path(bin ? bin : ".") / "tests/sandbox_probe";
}

pid_t start_host_process(const std::string& marker) {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::string env = "AGENT_ESCAPE_SECRET=" + marker;
    char* envp[] = {env.data(), nullptr};
    char* argv[] = {const_cast<char*>("sleep"), const_cast<char*>("300"), nullptr};
    ::execve("/bin/sleep", argv, envp);
    ::_exit(127);
  }
  return pid;
}

}  // namespace

void EscapeFixture::setup(NetworkMode network, bool persistent_shell) {
  network_ = network;
  persistent_ = persistent_shell;
  if (!host_capabilities().namespaces) GTEST_SKIP() << "no namespaces here: " << host_capabilities().namespaces_error;
  // /var/tmp, not /tmp: the sandbox's /tmp is private, so siblings of the workspace under /tmp
  // would not be visible at all; under /var/tmp they are, read-only, as real paths are.
  root_ = make_temp_dir("/var/tmp/agent-escape-XXXXXX");
  ASSERT_FALSE(root_.empty());
  ws_ = root_ / "ws";
  outside_ = root_ / "outside";
  home_ = root_ / "home";
  fs::create_directories(outside_);
  fs::create_directories(ws_ / "sub/inner");
  ASSERT_EQ(std::system(("git init -q " + ws_.string() + " && git init -q " + (ws_ / "sub/inner").string()).c_str()), 0);
  write(home_ / ".ssh/id_rsa", ssh_marker_ + "\n");
  probe_ = ws_ / ".probe";
  std::error_code ec;
  fs::copy_file(probe_source(), probe_, ec);
  ASSERT_FALSE(ec) << "copy " << probe_source() << ": " << ec.message();
  fs::permissions(probe_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  ::setenv("AGENT_ESCAPE_SECRET_TOKEN", env_marker_.c_str(), 1);
  host_pid_ = start_host_process(env_marker_);
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listen_fd_, 16), 0);
  socklen_t len = sizeof a;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);

  SandboxConfig c;
  c.workspace = fs::canonical(ws_);
  c.network = network;
  c.home = fs::canonical(home_);
  c.private_home = root_ / "private-home";
  fs::create_directories(c.private_home);
  c.limits.max_processes = 200;
  c.limits.memory_bytes = 256u << 20;
  c.limits.file_size_bytes = 32u << 20;
  c.limits.tmp_size_bytes = 32u << 20;
  c.limits.cpu_seconds = 60;
  // The strictest mode; a machine that cannot do strict runs auto and says so in the table.
  auto choice = choose_layers(SandboxMode::kStrict, network, host_capabilities());
  if (!choice.ok()) choice = choose_layers(SandboxMode::kAuto, network, host_capabilities());
  ASSERT_TRUE(choice.ok());
  auto s = IsolatedSandbox::create(c, choice->layers);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  sandbox_ = std::move(*s);
}

void EscapeFixture::TearDown() {
  shell_.reset();
  if (host_pid_ > 0) {
    ::kill(host_pid_, SIGKILL);
    ::waitpid(host_pid_, nullptr, 0);
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  std::error_code ec;
  if (!root_.empty()) fs::remove_all(root_, ec);
}

void EscapeFixture::TearDownTestSuite() {
  std::printf("\n[escape] %-40s | %-7s | %-9s | %-10s | %s\n", "attempt", "network", "user", "shell", "outcome");
  for (const auto& r : rows()) {
    std::printf("[escape] %-40s | %-7s | %-9s | %-10s | %s\n", r.attempt.c_str(), r.network.c_str(),
                r.user.c_str(), r.shell.c_str(), r.outcome.c_str());
  }
  auto choice = choose_layers(SandboxMode::kAuto, NetworkMode::kOff, host_capabilities());
  if (choice.ok()) {
    for (const auto& s : choice->skipped) std::printf("[escape] skipped on this machine: %s\n", s.c_str());
  }
  rows().clear();
}

std::string EscapeFixture::substitute(std::string s) const {
  const std::pair<std::string, std::string> subs[] = {
      {"{OUT}", outside_.string()}, {"{WS}", ws_.string()}, {"{HOME}", home_.string()},
      {"{PROBE}", probe_.string()}, {"{HOSTPID}", std::to_string(host_pid_)}, {"{PORT}", std::to_string(port_)}};
  for (const auto& [k, v] : subs) {
    for (size_t at = s.find(k); at != std::string::npos; at = s.find(k, at + v.size())) s.replace(at, k.size(), v);
  }
  return s;
}

CommandResult EscapeFixture::run(const std::string& command_template, int timeout_ms) {
  CommandSpec spec;
  spec.command = substitute(command_template);
  spec.cwd = fs::canonical(ws_);
  spec.env = build_command_env(current_environment());
  spec.timeout = std::chrono::milliseconds(timeout_ms);
  layers_ = sandbox_->name();
  if (persistent_) {
    if (!shell_) shell_ = std::make_unique<PersistentShell>(*sandbox_, spec.cwd, spec.env);
    auto r = shell_->run(spec);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    shell_->close();  // the run ends: nothing the command started may outlive it
    return r.ok() ? r->result : CommandResult{};
  }
  auto r = sandbox_->run(spec);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? *r : CommandResult{};
}

void EscapeFixture::record(const std::string& attempt, const std::string& outcome) {
  std::string user = ::geteuid() == 0 ? "root" : "uid " + std::to_string(::geteuid());
  rows().push_back({attempt, network_ == NetworkMode::kOn ? "on" : "off", user,
                    persistent_ ? "persistent" : "one-shot", outcome});
}

bool EscapeFixture::host_process_alive() const {
  int status;
  return host_pid_ > 0 && ::waitpid(host_pid_, &status, WNOHANG) == 0 && ::kill(host_pid_, 0) == 0;
}

bool EscapeFixture::host_can_fork() const {
  pid_t p = ::fork();
  if (p == 0) ::_exit(0);
  int status = 0;
  return p > 0 && ::waitpid(p, &status, 0) == p && WIFEXITED(status);
}

int EscapeFixture::listener_accepts() {
  static int total = 0;
  for (;;) {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) break;
    ::close(fd);
    ++total;
  }
  int n = total;
  total = 0;
  return n;
}

std::string EscapeFixture::read(const fs::path& p) const {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ChildRun rerun_as_user(uid_t uid, const std::string& filter) {
  ChildRun out;
  // The binaries go where the user can read them (the build tree may be under a private home).
  fs::path dir = make_temp_dir("/var/tmp/agent-escape-bin-XXXXXX");
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
  std::error_code ec;
  fs::copy_file("/proc/self/exe", dir / "escape_test", ec);
  fs::copy_file(probe_source(), dir / "sandbox_probe", ec);
  if (ec) {
    out.output = "cannot copy the test binaries: " + ec.message();
    return out;
  }
  int pipefd[2];
  if (::pipe(pipefd) != 0) return out;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipefd[1], 1);
    ::dup2(pipefd[1], 2);
    ::close(pipefd[0]);
    if (::setgroups(0, nullptr) != 0 || ::setgid(uid) != 0 || ::setuid(uid) != 0) ::_exit(126);
    ::setenv("AGENT_ESCAPE_CHILD", "1", 1);
    ::setenv("AGENT_ESCAPE_PROBE", (dir / "sandbox_probe").c_str(), 1);
    ::setenv("HOME", "/nonexistent", 1);
    std::string f = "--gtest_filter=" + filter;
    std::string exe = (dir / "escape_test").string();
    char* argv[] = {exe.data(), f.data(), nullptr};
    ::execv(exe.c_str(), argv);
    ::_exit(127);
  }
  ::close(pipefd[1]);
  char buf[4096];
  for (ssize_t n; (n = ::read(pipefd[0], buf, sizeof buf)) > 0;) out.output.append(buf, static_cast<size_t>(n));
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  fs::remove_all(dir, ec);
  return out;
}

}  // namespace agent::testing
