#include "tasks/bench/grading_sandbox.h"

#include <cstdlib>

#include "common/fs.h"
#include "sandbox/host_probe.h"
#include "sandbox/isolated_sandbox.h"
#include "sandbox/process_sandbox.h"

namespace agent::bench {

namespace {

// Absolute PATH entries: toolchains under HOME stay visible inside the sandbox through them.
std::vector<fs::path> path_dirs() {
  std::vector<fs::path> out;
  const char* p = std::getenv("PATH");
  std::string path = p ? p : "";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    std::string dir = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!dir.empty() && dir[0] == '/') out.emplace_back(dir);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

Result<GradingSandboxes> GradingSandboxes::create(SandboxMode mode) {
  // Both network settings must be possible: setup_cmd needs it on, the tests off.
  for (NetworkMode net : {NetworkMode::kOn, NetworkMode::kOff}) {
    auto choice = choose_layers(mode, net, host_capabilities());
    if (!choice.ok()) return choice.status();
  }
  GradingSandboxes s;
  s.mode_ = mode;
  return s;
}

Result<std::unique_ptr<Sandbox>> GradingSandboxes::make(const fs::path& workspace, const fs::path& private_home,
                                                        NetworkMode network) const {
  if (mode_ == SandboxMode::kOff) return std::unique_ptr<Sandbox>(std::make_unique<ProcessSandbox>());
  AGENT_ASSIGN_OR_RETURN(LayerChoice choice, choose_layers(mode_, network, host_capabilities()));
  SandboxConfig c;
  std::error_code ec;
  c.workspace = fs::canonical(workspace, ec);
  if (ec) return errno_status(ec.value(), "sandbox workspace " + workspace.string());
  c.network = network;
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home == '/') c.home = fs::weakly_canonical(home, ec);
  AGENT_RETURN_IF_ERROR(make_dirs(private_home));
  c.private_home = fs::canonical(private_home);
  c.path_dirs = path_dirs();
  AGENT_ASSIGN_OR_RETURN(auto isolated, IsolatedSandbox::create(std::move(c), choice.layers));
  return std::unique_ptr<Sandbox>(std::move(isolated));
}

}  // namespace agent::bench
