// sandbox_probe: small actions the escape suite runs inside the sandbox where a shell
// builtin cannot do the system call directly. Exit 0 = the action succeeded (an escape, for
// the attempts that expect failure); it prints what happened either way.
//   ptrace PID | kill PID | mount DIR | connect PORT | alloc MIB | forks N
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int report(bool ok, const char* what) {
  if (ok) {
    std::printf("%s: succeeded\n", what);
    return 0;
  }
  std::printf("%s: failed: %s\n", what, std::strerror(errno));
  return 1;
}

int forks(long n) {
  long made = 0;
  for (; made < n; ++made) {
    pid_t p = ::fork();
    if (p < 0) break;
    if (p == 0) {
      ::pause();
      ::_exit(0);
    }
  }
  std::printf("forked %ld of %ld: %s\n", made, n, made == n ? "all" : std::strerror(errno));
  return made == n ? 0 : 1;
}

int alloc(long mib) {
  size_t bytes = static_cast<size_t>(mib) << 20;
  char* p = static_cast<char*>(std::malloc(bytes));
  if (p == nullptr) return report(false, "malloc");
  std::memset(p, 1, bytes);  // touch every page: the memory is really used
  std::printf("allocated and touched %ld MiB\n", mib);
  return 0;
}

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return report(false, "socket(AF_INET)");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return report(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0, "connect 127.0.0.1");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: sandbox_probe ptrace|kill|mount|connect|alloc|forks ARG\n");
    return 2;
  }
  std::string op = argv[1];
  long arg = std::strtol(argv[2], nullptr, 10);
  if (op == "ptrace") return report(::ptrace(PTRACE_ATTACH, static_cast<pid_t>(arg), nullptr, nullptr) == 0, "ptrace attach");
  if (op == "kill") return report(::kill(static_cast<pid_t>(arg), SIGKILL) == 0, "kill");
  if (op == "mount") return report(::mount("none", argv[2], "tmpfs", 0, nullptr) == 0, "mount tmpfs");
  if (op == "connect") return connect_to(static_cast<int>(arg));
  if (op == "alloc") return alloc(arg);
  if (op == "forks") return forks(arg);
  std::fprintf(stderr, "unknown action %s\n", op.c_str());
  return 2;
}
