// The escape suite: each attempt a sandboxed command could make to reach beyond its
// workspace runs inside the strictest sandbox this machine allows, and the test asserts on
// the host that it failed. It runs with the network off and on (the TCP attempt flips), as
// root and, from a root run, again as an unprivileged user (uid 65534). Every attempt and its
// outcome is printed as a table (docs/sandbox.md keeps a copy).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "tests/escape/escape_fixture.h"

namespace agent::testing {
namespace {

using Check = void (*)(EscapeFixture&, const CommandResult&, std::string*);

struct Attempt {
  const char* name;
  const char* command;  // {OUT} {WS} {HOME} {PROBE} {HOSTPID} {PORT} are substituted
  Check check;          // asserts on the host; sets the outcome text
  int timeout_ms = 20000;
};

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

void expect_absent(EscapeFixture& f, const char* rel, const CommandResult& r, std::string* outcome) {
  EXPECT_FALSE(fs::exists(f.outside_ / rel)) << r.output;
  *outcome = fs::exists(f.outside_ / rel) ? "ESCAPED: file written" : "blocked: " + first_line(r.output);
}

const Attempt kAttempts[] = {
    {"write outside (direct)", "echo x > {OUT}/direct.txt",
     [](EscapeFixture& f, const CommandResult& r, std::string* o) { expect_absent(f, "direct.txt", r, o); }},
    {"write outside (via ..)", "echo x > ../outside/dotdot.txt",
     [](EscapeFixture& f, const CommandResult& r, std::string* o) { expect_absent(f, "dotdot.txt", r, o); }},
    {"write outside (via symlink)", "ln -s ../outside link && echo x > link/symlink.txt",
     [](EscapeFixture& f, const CommandResult& r, std::string* o) { expect_absent(f, "symlink.txt", r, o); }},
    {"write outside (via /proc/self/root)",
     "echo x > /proc/self/root{OUT}/procroot.txt; echo x > /proc/1/root{OUT}/procroot.txt",
     [](EscapeFixture& f, const CommandResult& r, std::string* o) { expect_absent(f, "procroot.txt", r, o); }},
    {"write a system file", "echo x >> /etc/hosts; touch /usr/escape",
     [](EscapeFixture&, const CommandResult& r, std::string* o) {
       EXPECT_FALSE(fs::exists("/usr/escape"));
       EXPECT_NE(r.output.find("Read-only file system"), std::string::npos) << r.output;
       *o = "blocked: " + first_line(r.output);
     }},
    {"read the parent's environment", "env; cat /proc/*/environ; cat /proc/{HOSTPID}/environ",
     [](EscapeFixture& f, const CommandResult& r, std::string* o) {
       EXPECT_EQ(r.output.find(f.env_marker_), std::string::npos);
       *o = r.output.find(f.env_marker_) == std::string::npos ? "blocked: secret not visible" : "ESCAPED: secret read";
     }},
    {"read ~/.ssh", "cat ~/.ssh/id_rsa {HOME}/.ssh/id_rsa",
     [](EscapeFixture& f, const CommandResult& r, std::string* o) {
       EXPECT_EQ(r.output.find(f.ssh_marker_), std::string::npos);
       *o = r.output.find(f.ssh_marker_) == std::string::npos ? "blocked: " + first_line(r.output) : "ESCAPED: key read";
     }},
    {"TCP to a listener on 127.0.0.1",
     "exec 3<>/dev/tcp/127.0.0.1/{PORT} && echo connected-bash; {PROBE} connect {PORT}",
     [](EscapeFixture& f, const CommandResult& r, std::string* o) {
       bool connected = r.output.find("connected-bash") != std::string::npos;
       if (f.network_ == NetworkMode::kOn) {
         EXPECT_TRUE(connected) << r.output;
         EXPECT_GE(f.listener_accepts(), 1);
         *o = connected ? "connected (network on, as asked)" : "FAILED to connect with the network on";
       } else {
         EXPECT_FALSE(connected) << r.output;
         EXPECT_EQ(f.listener_accepts(), 0);
         *o = connected ? "ESCAPED: connected" : "blocked: " + first_line(r.output);
       }
     }},
    {"ptrace a process outside", "{PROBE} ptrace {HOSTPID}",
     [](EscapeFixture&, const CommandResult& r, std::string* o) {
       EXPECT_NE(r.exit_code, 0) << r.output;
       *o = r.exit_code != 0 ? "blocked: " + first_line(r.output) : "ESCAPED: attached";
     }},
    {"kill a process outside", "kill -9 {HOSTPID}; {PROBE} kill {HOSTPID}",
     [](EscapeFixture& f, const CommandResult& r, std::string* o) {
       EXPECT_TRUE(f.host_process_alive()) << r.output;
       *o = f.host_process_alive() ? "blocked: " + first_line(r.output) : "ESCAPED: killed";
     }},
    {"mount", "mkdir -p m; mount -t tmpfs none m; {PROBE} mount m; unshare -Urm true && echo unshared",
     [](EscapeFixture&, const CommandResult& r, std::string* o) {
       EXPECT_EQ(r.output.find("mount tmpfs: succeeded"), std::string::npos) << r.output;
       EXPECT_EQ(r.output.find("unshared"), std::string::npos) << r.output;
       *o = "blocked: " + first_line(r.output);
     }},
    {"plant .git/hooks/pre-commit",
     "echo evil > .git/hooks/pre-commit; mv .git/hooks .git/h2; mv .git .git2; "
     "git config core.hooksPath /tmp; rm -rf .git/hooks",
     [](EscapeFixture& f, const CommandResult& r, std::string* o) {
       bool planted = fs::exists(f.ws_ / ".git/hooks/pre-commit") || !fs::exists(f.ws_ / ".git/hooks") ||
                      f.read(f.ws_ / ".git/config").find("hooksPath") != std::string::npos;
       EXPECT_FALSE(planted) << r.output;
       *o = planted ? "ESCAPED: hook planted" : "blocked: " + first_line(r.output);
     }},
    {"plant a hook in a nested repository",
     "echo evil > sub/inner/.git/hooks/pre-commit; mv sub sub2; mv sub/inner/.git sub/inner/g2",
     [](EscapeFixture& f, const CommandResult& r, std::string* o) {
       bool planted = fs::exists(f.ws_ / "sub/inner/.git/hooks/pre-commit") || !fs::exists(f.ws_ / "sub/inner/.git");
       EXPECT_FALSE(planted) << r.output;
       *o = planted ? "ESCAPED: hook planted" : "blocked: " + first_line(r.output);
     }},
    {"fork bomb", "{PROBE} forks 5000; :(){ :|:& };: ; sleep 2",
     [](EscapeFixture& f, const CommandResult& r, std::string* o) {
       EXPECT_EQ(r.output.find("forked 5000 of 5000"), std::string::npos) << first_line(r.output);
       EXPECT_LT(r.wall_s, 15.0);
       EXPECT_TRUE(f.host_can_fork());
       *o = "contained: " + first_line(r.output) + (r.timed_out ? "; killed at the timeout" : "");
     }, 3000},
    {"memory bomb", "{PROBE} alloc 2048",
     [](EscapeFixture&, const CommandResult& r, std::string* o) {
       EXPECT_NE(r.exit_code, 0) << r.output;
       *o = r.exit_code != 0 ? "blocked: " + first_line(r.output) : "ESCAPED: 2 GiB allocated";
     }},
    {"disk fill",
     "head -c 100M /dev/zero > big.bin; echo rc=$?; "
     "for i in 1 2 3; do head -c 20M /dev/zero > /tmp/fill$i || break; done",
     [](EscapeFixture& f, const CommandResult& r, std::string* o) {
       std::error_code ec;
       auto size = fs::file_size(f.ws_ / "big.bin", ec);
       EXPECT_LE(size, 32u << 20) << r.output;
       EXPECT_NE(r.output.find("No space left"), std::string::npos) << r.output;
       *o = "contained: one file stops at " + std::to_string(size >> 20) +
            " MiB (RLIMIT_FSIZE, SIGXFSZ), /tmp is full at 32 MiB (ENOSPC)";
     }},
    {"detach with setsid and outlive the run",
     "setsid sh -c 'sleep 1.5; echo alive > {WS}/detached.txt' & disown; "
     "(setsid sleep 1000.777 &); echo started",
     [](EscapeFixture& f, const CommandResult& r, std::string* o) {
       std::this_thread::sleep_for(std::chrono::milliseconds(2500));
       bool survived = fs::exists(f.ws_ / "detached.txt") || count_processes_with("sleep 1000.777") > 0;
       EXPECT_FALSE(survived) << r.output;
       *o = survived ? "ESCAPED: still running after the command" : "killed with the command's pid namespace";
     }},
};

// (attempt, network, through the persistent shell)
class Escapes : public EscapeFixture,
                public ::testing::WithParamInterface<std::tuple<size_t, NetworkMode, bool>> {
 protected:
  void SetUp() override { setup(std::get<1>(GetParam()), std::get<2>(GetParam())); }
};

TEST_P(Escapes, AttemptFails) {
  const Attempt& a = kAttempts[std::get<0>(GetParam())];
  CommandResult r = run(a.command, a.timeout_ms);
  std::string outcome;
  a.check(*this, r, &outcome);
  record(a.name, outcome);
}

INSTANTIATE_TEST_SUITE_P(
    Sandbox, Escapes,
    ::testing::Combine(::testing::Range<size_t>(0, std::size(kAttempts)),
                       ::testing::Values(NetworkMode::kOff, NetworkMode::kOn), ::testing::Bool()),
    [](const auto& p) {
      return "attempt" + std::to_string(std::get<0>(p.param)) +
             (std::get<1>(p.param) == NetworkMode::kOn ? "_network_on" : "_network_off") +
             (std::get<2>(p.param) ? "_persistent_shell" : "_one_shot");
    });

// CI runs as root; the same attempts must fail for an ordinary user too.
TEST(EscapesAsNonRoot, TheSuitePassesForAnUnprivilegedUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "already running as a non-root user (uid " << ::geteuid() << ")";
  if (std::getenv("AGENT_ESCAPE_CHILD") != nullptr) GTEST_SKIP();
  auto r = rerun_as_user(65534, "Sandbox/Escapes.*");
  std::printf("%s", r.output.c_str());
  EXPECT_EQ(r.exit_code, 0) << "the escape suite failed as uid 65534";
  EXPECT_NE(r.output.find("[  PASSED  ]"), std::string::npos);
}

}  // namespace
}  // namespace agent::testing
