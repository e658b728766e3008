#include "sandbox/sandbox_config.h"

namespace agent {

Result<SandboxMode> parse_sandbox_mode(std::string_view s) {
  if (s == "auto") return SandboxMode::kAuto;
  if (s == "strict") return SandboxMode::kStrict;
  if (s == "off") return SandboxMode::kOff;
  return invalid_argument("sandbox mode must be auto, strict or off, got \"" + std::string(s) + "\"");
}

Result<NetworkMode> parse_network_mode(std::string_view s) {
  if (s == "off") return NetworkMode::kOff;
  if (s == "on") return NetworkMode::kOn;
  return invalid_argument("network must be off or on, got \"" + std::string(s) + "\"");
}

std::vector<std::string> SandboxLayers::names() const {
  std::vector<std::string> n;
  if (user_ns) n.push_back("user-ns");
  if (mount_ns) n.push_back("mount-ns");
  if (pid_ns) n.push_back("pid-ns");
  if (net_ns) n.push_back("net-ns");
  if (ipc_ns) n.push_back("ipc-ns");
  if (uts_ns) n.push_back("uts-ns");
  if (landlock_abi > 0) n.push_back("landlock-v" + std::to_string(landlock_abi));
  if (landlock_net) n.push_back("landlock-net");
  if (landlock_scope) n.push_back("landlock-scope");
  if (seccomp) n.push_back("seccomp");
  if (no_new_privs) n.push_back("no-new-privs");
  if (rlimits) n.push_back("rlimits");
  if (pid_limit) n.push_back("pid-limit");
  if (cgroup) n.push_back("cgroup-v2");
  return n;
}

Json SandboxLayers::to_json() const {
  Json j = Json::array();
  for (const auto& n : names()) j.push_back(n);
  return j;
}

std::vector<std::string> private_home_env(const std::filesystem::path& home) {
  // Caches and per-user state land in the private HOME, never in the user's real one (which
  // is hidden or read-only): each tool's own variable, since not all follow XDG.
  const std::string h = home.string();
  return {"HOME=" + h,
          "XDG_CACHE_HOME=" + h + "/.cache",
          "XDG_CONFIG_HOME=" + h + "/.config",
          "XDG_DATA_HOME=" + h + "/.local/share",
          "XDG_STATE_HOME=" + h + "/.local/state",
          "GOCACHE=" + h + "/.cache/go-build",
          "GOPATH=" + h + "/go",
          "GOMODCACHE=" + h + "/go/pkg/mod",
          "CARGO_HOME=" + h + "/.cache/cargo",
          "npm_config_cache=" + h + "/.cache/npm",
          "YARN_CACHE_FOLDER=" + h + "/.cache/yarn",
          "PIP_CACHE_DIR=" + h + "/.cache/pip",
          "PYTHONUSERBASE=" + h + "/.local",
          "GRADLE_USER_HOME=" + h + "/.cache/gradle",
          "TMPDIR=/tmp"};
}

}  // namespace agent
