// ChildPlan: everything the child of a sandboxed spawn does between clone() and execve(),
// prepared in full by the parent so that the child only makes system calls.
//
// Why: the child is started with clone(CLONE_VM | CLONE_VFORK): it runs on the parent's
// memory (no page-table copy of a large agent process: this is what keeps a sandboxed spawn
// well under a millisecond) while the parent waits. So the child must not allocate, lock or
// touch C++ objects; it reads this plain struct (pointers into parent memory) and, on
// failure, writes which step failed and errno back into it for the parent to report.
// Thread-safety: one plan per spawn call (the scratch fields are written by the child).
#pragma once

#include <linux/filter.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "common/status.h"

namespace agent {

struct ChildMount {
  enum class Op : uint8_t {
    kOpenSource,     // open(source, O_PATH) into fd slot `slot`, before anything hides it
    kRootReadOnly,   // every mount read-only and nosuid, propagation private (mount_setattr)
    kTmpfs,          // tmpfs on `path` with options `source`
    kBind,           // bind the fd in slot `slot` on `path` (non-recursive)
    kBindSelf,       // bind `path` on itself (makes it a mount point)
    kSetReadOnly,    // make the mount at `path` read-only
    kClearReadOnly,  // make the mount at `path` writable
    kMkdir,          // mkdir `path` (mode `mode`), EEXIST is fine
    kMkfile,         // create an empty file `path` as a mount point
    kSymlink,        // symlink `source` -> `path`
    kProc,           // a new proc for the command's pid namespace on `path`
    kDevpts,         // a new devpts instance on `path` with options `source`
  };
  Op op;
  const char* path = nullptr;
  const char* source = nullptr;
  int slot = -1;
  unsigned mode = 0755;
  bool optional = false;  // failure is ignored (e.g. a device the host lacks)
};

struct ChildRlimit {
  int resource;
  rlim_t value;
};

struct ChildLandlockRule {
  const char* path;
  uint64_t access;
};

struct ChildPlan {
  int ns_flags = 0;                  // CLONE_NEW* flags
  const char* uid_map = nullptr;     // written by the child to /proc/self/uid_map
  const char* gid_map = nullptr;
  const ChildMount* mounts = nullptr;
  size_t n_mounts = 0;
  int* fd_slots = nullptr;           // scratch for kOpenSource / kBind
  size_t n_slots = 0;
  const char* pid_max = nullptr;     // written to /proc/sys/kernel/pid_max when set
  const char* hostname = nullptr;
  int cgroup_procs_fd = -1;          // "0" is written to it: the child joins that cgroup
  const char* cwd = nullptr;
  bool new_session = true;           // setsid(): own session and process group

  const ChildRlimit* rlimits = nullptr;
  size_t n_rlimits = 0;
  bool no_new_privs = false;
  int landlock_abi = 0;
  uint64_t landlock_fs = 0, landlock_net = 0, landlock_scoped = 0;
  const ChildLandlockRule* landlock_rules = nullptr;
  size_t n_landlock_rules = 0;
  bool drop_caps = false;
  const sock_fprog* seccomp = nullptr;

  const int* fds = nullptr;          // the child's fd i is fds[i]; -1 means /dev/null
  size_t n_fds = 0;
  const char* exec_path = "/bin/bash";
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  bool probe_only = false;           // stop before exec and _exit(0)

  // Written by the child when a step fails (then it exits 127).
  const char* failed_step = nullptr;
  const char* failed_path = nullptr;
  int failed_errno = 0;
};

// Starts the child described by `plan` and returns its pid (in the caller's pid namespace).
// When the call returns, the child has exec'd or failed; on failure the child's exit is
// reaped here and the error names the step and path. Signals are blocked in the calling
// thread for the duration of the clone.
struct SpawnResult {
  pid_t pid = -1;
  int pidfd = -1;     // from CLONE_PIDFD; -1 if the kernel lacks it
  int mnt_ns_fd = -1; // the child's mount namespace (CLONE_NEWNS), held by the caller
};
Result<SpawnResult> spawn_child(ChildPlan& plan);

}  // namespace agent
