#include "sandbox/isolated_sandbox.h"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

#include "sandbox/host_probe.h"
#include "sandbox/landlock_abi.h"
#include "sandbox/planned_spawn.h"

namespace agent {

namespace {

std::string make_name(const SandboxLayers& l) {
  std::string n;
  auto add = [&](const char* part) { n += (n.empty() ? "" : "+") + std::string(part); };
  if (l.namespaces()) add("namespaces");
  if (l.landlock_abi > 0) add("landlock");
  if (l.seccomp) add("seccomp");
  if (l.cgroup) add("cgroup");
  if (n.empty()) n = "rlimits";
  return n;
}

uint64_t default_memory() {
  long pages = ::sysconf(_SC_PHYS_PAGES);
  long page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 8ull << 30;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) / 4 * 3;
}

}  // namespace

void IsolatedSandbox::compute_limits() {
  ResourceLimits& lim = config_.limits;
  if (lim.memory_bytes == 0) lim.memory_bytes = default_memory();
  // A hard limit can only be lowered here: raising it needs CAP_SYS_RESOURCE in the initial
  // user namespace, which the child no longer has.
  auto add = [&](int res, uint64_t want) {
    struct rlimit cur {};
    ::getrlimit(res, &cur);
    rlim_t v = std::min<rlim_t>(static_cast<rlim_t>(want), cur.rlim_max);
    rlimits_.push_back({res, v});
  };
  add(RLIMIT_CORE, 0);
  add(RLIMIT_CPU, lim.cpu_seconds);
  // RLIMIT_DATA, not RLIMIT_AS: runtimes that reserve large address ranges without using them
  // (V8's cage, the JVM's heap reservation, Go's arenas) keep working; what is counted is
  // private writable memory actually mapped.
  add(RLIMIT_DATA, lim.memory_bytes);
  add(RLIMIT_FSIZE, lim.file_size_bytes);
  add(RLIMIT_NOFILE, lim.open_files);
  // Counted per user: inside a user namespace only the namespace's processes count against
  // it; outside one it would count every process of the user, so it is left alone there.
  if (layers_.user_ns) add(RLIMIT_NPROC, lim.max_processes);
  // The kernel's floor for pid_max is 301.
  pid_max_ = std::to_string(std::max<uint64_t>(lim.max_processes + 1, 301));
}

Result<std::unique_ptr<IsolatedSandbox>> IsolatedSandbox::create(SandboxConfig config, SandboxLayers layers) {
  std::unique_ptr<IsolatedSandbox> s(new IsolatedSandbox());
  s->config_ = std::move(config);
  s->layers_ = layers;
  // Network namespaces and Landlock's TCP rules only make sense with the network off.
  if (s->config_.network == NetworkMode::kOn) s->layers_.net_ns = s->layers_.landlock_net = false;
  AGENT_ASSIGN_OR_RETURN(s->mounts_, build_mount_plan(s->config_, s->layers_));
  if (s->layers_.seccomp) {
    AGENT_ASSIGN_OR_RETURN(s->seccomp_, SeccompProgram::build(s->config_.network));
  }
  s->compute_limits();
  s->uid_map_ = std::to_string(::geteuid()) + " " + std::to_string(::geteuid()) + " 1";
  s->gid_map_ = std::to_string(::getegid()) + " " + std::to_string(::getegid()) + " 1";
  s->drop_caps_ = s->layers_.user_ns || ::geteuid() == 0;
  if (s->layers_.cgroup) {
    auto cg = CgroupLimiter::create(host_capabilities().cgroup, s->config_.limits);
    if (cg.ok()) {
      s->cgroup_ = std::move(*cg);
    } else {
      s->layers_.cgroup = false;
      s->notes_.push_back("cgroup v2 limits not applied: " + cg.status().message());
    }
  }
  s->name_ = make_name(s->layers_);
  s->env_ = s->mounts_.env;
  s->env_.push_back("AGENT_SANDBOX=" + s->name_);
  if (s->config_.network == NetworkMode::kOff) s->env_.push_back("AGENT_SANDBOX_NETWORK=off");
  return s;
}

ChildPlan IsolatedSandbox::base_plan() const {
  const SandboxLayers& l = layers_;
  ChildPlan p;
  p.ns_flags = (l.user_ns ? CLONE_NEWUSER : 0) | (l.mount_ns ? CLONE_NEWNS : 0) |
               (l.pid_ns ? CLONE_NEWPID : 0) | (l.net_ns ? CLONE_NEWNET : 0) |
               (l.ipc_ns ? CLONE_NEWIPC : 0) | (l.uts_ns ? CLONE_NEWUTS : 0);
  if (l.user_ns) {
    p.uid_map = uid_map_.c_str();
    p.gid_map = gid_map_.c_str();
  }
  if (l.mount_ns) {
    p.mounts = mounts_.mounts.data();
    p.n_mounts = mounts_.mounts.size();
    p.n_slots = static_cast<size_t>(mounts_.n_slots);
  }
  p.pid_max = l.pid_limit ? pid_max_.c_str() : nullptr;
  p.hostname = l.uts_ns ? "agent-sandbox" : nullptr;
  p.rlimits = rlimits_.data();
  p.n_rlimits = rlimits_.size();
  p.no_new_privs = true;
  if (l.landlock_abi > 0) {
    p.landlock_abi = l.landlock_abi;
    p.landlock_fs = landlock_write_rights(l.landlock_abi);
    p.landlock_net = l.landlock_net ? (kLandlockNetBindTcp | kLandlockNetConnectTcp) : 0;
    p.landlock_scoped = l.landlock_scope ? (kLandlockScopeAbstractUnix | kLandlockScopeSignal) : 0;
    p.landlock_rules = mounts_.landlock.data();
    p.n_landlock_rules = mounts_.landlock.size();
  }
  p.drop_caps = drop_caps_;
  p.seccomp = l.seccomp ? seccomp_.prog() : nullptr;
  p.new_session = true;
  return p;
}

Result<CommandResult> IsolatedSandbox::run(const CommandSpec& spec) {
  std::optional<CommandCgroup> cg;
  if (cgroup_) {
    auto c = cgroup_->make_command_cgroup();
    if (!c.ok()) return c.status().with_context("cgroup for the command");
    cg = std::move(*c);
  }
  // `cg` outlives the supervision: its destructor kills what is left and removes it.
  return run_planned(base_plan(), spec, merge_env(spec.env, env_), cg ? cg->procs_fd() : -1);
}

Result<StartedProcess> IsolatedSandbox::start(const StartSpec& spec) {
  std::shared_ptr<CommandCgroup> cg;
  if (cgroup_) {
    auto c = cgroup_->make_command_cgroup();
    if (!c.ok()) return c.status().with_context("cgroup for the shell");
    cg = std::make_shared<CommandCgroup>(std::move(*c));
  }
  auto r = start_planned(base_plan(), spec, merge_env(spec.env, env_), cg ? cg->procs_fd() : -1);
  if (!r.ok()) return r.status();
  r->resources = cg;
  return r;
}

}  // namespace agent
