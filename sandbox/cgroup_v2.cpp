#include "sandbox/cgroup_v2.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "common/fs.h"

namespace agent {

std::atomic<uint64_t> CgroupLimiter::counter_{0};

namespace {

std::string read_small(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool has_words(const std::string& text, std::initializer_list<const char*> words) {
  std::istringstream in(text);
  std::string w;
  size_t found = 0;
  while (in >> w) {
    for (const char* want : words) found += (w == want);
  }
  return found == words.size();
}

// The cgroup2 mount point from mountinfo: field 5 is the mount point, after " - " the type.
fs::path find_cgroup2_mount(const fs::path& proc) {
  std::ifstream in(proc / "self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    if (line.compare(dash + 3, 8, "cgroup2 ") != 0) continue;
    std::istringstream f(line.substr(0, dash));
    std::string id, parent, devno, root, mnt;
    f >> id >> parent >> devno >> root >> mnt;
    if (root == "/") return mnt;
  }
  return {};
}

// O_CREAT is harmless on cgroupfs (the interface files exist; opening one does not create
// it) and lets the tests use a plain folder in its place.
Status write_value(const fs::path& p, const std::string& v) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return errno_status(errno, "open " + p.string());
  ssize_t n = ::write(fd, v.data(), v.size());
  int e = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(v.size())) return errno_status(e, "write " + p.string());
  return ok_status();
}

}  // namespace

CgroupSupport detect_cgroup_v2(const fs::path& proc, const fs::path& root_override) {
  CgroupSupport s;
  fs::path mnt = root_override.empty() ? find_cgroup2_mount(proc) : root_override;
  if (mnt.empty()) {
    s.reason = "no cgroup v2 file system is mounted";
    return s;
  }
  std::string rel;
  std::istringstream cg(read_small(proc / "self/cgroup"));
  for (std::string line; std::getline(cg, line);) {
    if (line.rfind("0::", 0) == 0) rel = line.substr(3);
  }
  if (rel.empty()) {
    s.reason = "this process is in no cgroup v2 group (cgroup v1 only)";
    return s;
  }
  s.self_dir = mnt / fs::path(rel).relative_path();
  std::string controllers = read_small(s.self_dir / "cgroup.controllers");
  if (!has_words(controllers, {"memory", "pids"})) {
    s.reason = "the memory and pids controllers are not available in " + s.self_dir.string() +
               " (available: \"" + controllers.substr(0, controllers.find('\n')) +
               "\"; on a cgroup v1 or hybrid machine they belong to the v1 hierarchy)";
    return s;
  }
  if (::access(s.self_dir.c_str(), W_OK) != 0 ||
      ::access((s.self_dir / "cgroup.subtree_control").c_str(), W_OK) != 0) {
    s.reason = s.self_dir.string() + " is not delegated to this user (not writable)";
    return s;
  }
  s.needs_move = !has_words(read_small(s.self_dir / "cgroup.subtree_control"), {"memory", "pids"});
  if (s.needs_move) {
    // Enabling controllers for children needs an empty cgroup: only possible when the agent
    // is alone in it and can move itself to a leaf.
    std::istringstream procs(read_small(s.self_dir / "cgroup.procs"));
    std::string pid;
    std::string me = std::to_string(::getpid());
    while (procs >> pid) {
      if (pid != me) {
        s.reason = s.self_dir.string() + " holds other processes (" + pid +
                   "), so its controllers cannot be delegated to the agent's children";
        return s;
      }
    }
  }
  s.usable = true;
  return s;
}

Result<CgroupLimiter> CgroupLimiter::create(const CgroupSupport& support, const ResourceLimits& limits) {
  if (!support.usable) return failed_precondition("cgroup v2 limits unavailable: " + support.reason);
  static std::mutex mu;
  static bool moved = false;
  std::lock_guard<std::mutex> lock(mu);
  CgroupLimiter l;
  l.parent_ = support.self_dir;
  l.prefix_ = "agent-" + std::to_string(::getpid());
  l.limits_ = limits;
  if (support.needs_move && !moved) {
    fs::path leaf = l.parent_ / l.prefix_;
    std::error_code ec;
    fs::create_directory(leaf, ec);
    if (ec) return errno_status(ec.value(), "mkdir " + leaf.string());
    AGENT_RETURN_IF_ERROR(write_value(leaf / "cgroup.procs", std::to_string(::getpid())));
    AGENT_RETURN_IF_ERROR(write_value(l.parent_ / "cgroup.subtree_control", "+memory +pids"));
    moved = true;
  }
  return l;
}

Result<CommandCgroup> CgroupLimiter::make_command_cgroup() const {
  fs::path dir = parent_ / (prefix_ + "-" + std::to_string(++counter_));
  std::error_code ec;
  fs::create_directory(dir, ec);
  if (ec) return errno_status(ec.value(), "mkdir " + dir.string());
  CommandCgroup cg(dir, -1);  // removes the folder if a step below fails
  if (limits_.memory_bytes > 0) {
    AGENT_RETURN_IF_ERROR(write_value(dir / "memory.max", std::to_string(limits_.memory_bytes)));
    // Without this the limit only pushes the command into swap.
    if (fs::exists(dir / "memory.swap.max")) {
      AGENT_RETURN_IF_ERROR(write_value(dir / "memory.swap.max", "0"));
    }
  }
  AGENT_RETURN_IF_ERROR(write_value(dir / "pids.max", std::to_string(limits_.max_processes)));
  int fd = ::open((dir / "cgroup.procs").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return errno_status(errno, "open " + (dir / "cgroup.procs").string());
  return CommandCgroup(dir, fd);
}

CommandCgroup::CommandCgroup(CommandCgroup&& o) noexcept
    : dir_(std::move(o.dir_)), procs_fd_(o.procs_fd_) {
  o.dir_.clear();
  o.procs_fd_ = -1;
}

CommandCgroup& CommandCgroup::operator=(CommandCgroup&& o) noexcept {
  if (this != &o) {
    this->~CommandCgroup();
    dir_ = std::move(o.dir_);
    procs_fd_ = o.procs_fd_;
    o.dir_.clear();
    o.procs_fd_ = -1;
  }
  return *this;
}

void CommandCgroup::kill_all() const {
  if (dir_.empty()) return;
  if (fs::exists(dir_ / "cgroup.kill")) {
    (void)write_value(dir_ / "cgroup.kill", "1");
    return;
  }
  std::istringstream procs(read_small(dir_ / "cgroup.procs"));
  for (pid_t pid; procs >> pid;) ::kill(pid, SIGKILL);
}

CommandCgroup::~CommandCgroup() {
  if (procs_fd_ >= 0) ::close(procs_fd_);
  if (dir_.empty()) return;
  kill_all();
  // A cgroup can be removed once its last process is gone: give the kill a moment.
  for (int i = 0; i < 50 && ::rmdir(dir_.c_str()) != 0 && errno == EBUSY; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace agent
