#include "sandbox/planned_spawn.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <map>

#include "sandbox/child_supervisor.h"
#include "sandbox/deferred_close.h"

namespace agent {

namespace {

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

Result<SpawnResult> spawn_with(ChildPlan& plan, const std::vector<std::string>& argv,
                               const std::vector<std::string>& env, const std::string& cwd,
                               const std::vector<int>& fds, int cgroup_procs_fd) {
  std::vector<char*> cargv = c_strings(argv);
  std::vector<char*> cenv = c_strings(env);
  std::vector<int> slots(static_cast<size_t>(plan.n_slots), -1);
  plan.fd_slots = slots.data();
  plan.exec_path = argv.at(0).c_str();
  plan.argv = cargv.data();
  plan.envp = cenv.data();
  plan.cwd = cwd.c_str();
  plan.fds = fds.data();
  plan.n_fds = fds.size();
  plan.cgroup_procs_fd = cgroup_procs_fd;
  auto r = spawn_child(plan);
  if (!r.ok()) return r.status().with_context("start command in " + cwd);
  return r;
}

}  // namespace

std::vector<std::string> merge_env(const std::vector<std::string>& base,
                                   const std::vector<std::string>& extra_env) {
  if (extra_env.empty()) return base;
  std::map<std::string, std::string> vars;
  auto put = [&](const std::string& e) {
    size_t eq = e.find('=');
    if (eq != std::string::npos && eq > 0) vars[e.substr(0, eq)] = e;
  };
  for (const auto& e : base) put(e);
  for (const auto& e : extra_env) put(e);
  std::vector<std::string> out;
  out.reserve(vars.size());
  for (auto& [k, v] : vars) out.push_back(std::move(v));
  return out;
}

Result<CommandResult> run_planned(ChildPlan plan, const CommandSpec& spec,
                                  const std::vector<std::string>& env, int cgroup_procs_fd) {
  auto started = std::chrono::steady_clock::now();
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return errno_status(errno, "pipe");
  std::vector<std::string> argv = {"/bin/bash", "-c", spec.command};
  auto r = spawn_with(plan, argv, env, spec.cwd.string(), {-1, out[1], out[1]}, cgroup_procs_fd);
  ::close(out[1]);
  if (!r.ok()) {
    ::close(out[0]);
    return r.status();
  }
  if (r->pidfd >= 0) ::close(r->pidfd);
  CommandResult result = supervise_child(r->pid, out[0], spec, started);
  close_later(r->mnt_ns_fd);  // the mount teardown happens off this thread (deferred_close.h)
  return result;
}

Result<StartedProcess> start_planned(ChildPlan plan, const StartSpec& spec,
                                     const std::vector<std::string>& env, int cgroup_procs_fd) {
  if (spec.argv.empty()) return invalid_argument("start: empty argv");
  auto r = spawn_with(plan, spec.argv, env, spec.cwd.string(), spec.fds, cgroup_procs_fd);
  if (!r.ok()) return r.status();
  if (r->mnt_ns_fd >= 0) ::close(r->mnt_ns_fd);
  StartedProcess p;
  p.pid = r->pid;
  p.pidfd = r->pidfd;
  p.own_pid_namespace = (plan.ns_flags & CLONE_NEWPID) != 0;
  return p;
}

}  // namespace agent
