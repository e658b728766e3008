#include "sandbox/process_tree.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

namespace agent {

namespace {

std::string ns_link(pid_t pid) {
  char buf[64];
  std::string path = "/proc/" + std::to_string(pid) + "/ns/pid";
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

struct StatFields {
  char state = '?';
  long session = -1;
};

// /proc/<pid>/stat: field 3 is the state, field 6 the session. The command name (field 2)
// may hold spaces and parentheses, so fields are counted after its last ')'.
StatFields stat_of(pid_t pid) {
  StatFields f;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string s;
  std::getline(in, s);
  size_t close = s.rfind(')');
  if (close == std::string::npos || close + 2 >= s.size()) return f;
  const char* p = s.c_str() + close + 2;
  f.state = *p;
  for (int field = 3; field < 6 && *p; ++field) {
    while (*p && *p != ' ') ++p;
    while (*p == ' ') ++p;
  }
  f.session = std::strtol(p, nullptr, 10);
  return f;
}

}  // namespace

std::vector<pid_t> processes_of(const StartedProcess& p) {
  std::vector<pid_t> out;
  std::string ns = p.own_pid_namespace ? ns_link(p.pid) : std::string();
  if (p.own_pid_namespace && ns.empty()) return out;  // already gone
  long sid = p.own_pid_namespace ? -1 : stat_of(p.pid).session;
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || pid == p.pid || pid <= 0) continue;
    StatFields st = stat_of(static_cast<pid_t>(pid));
    if (st.state == 'Z' || st.state == 'X' || st.state == '?') continue;  // dead, not yet reaped
    bool match = p.own_pid_namespace ? ns_link(static_cast<pid_t>(pid)) == ns
                                     : sid > 0 && st.session == sid;
    if (match) out.push_back(static_cast<pid_t>(pid));
  }
  ::closedir(d);
  return out;
}

int kill_processes_of(const StartedProcess& p) {
  int killed = 0;
  for (int round = 0; round < 50; ++round) {
    auto pids = processes_of(p);
    if (pids.empty()) break;
    for (pid_t pid : pids) killed += ::kill(pid, SIGKILL) == 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(round < 5 ? 1 : 10));
  }
  return killed;
}

}  // namespace agent
