#include "sandbox/sandbox_test_util.h"

#include <dirent.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace agent::testing {

int count_processes_with(const std::string& needle) {
  int n = 0;
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return 0;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/cmdline");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string cmd = ss.str();
    for (auto& c : cmd) if (c == '\0') c = ' ';
    if (cmd.find(needle) != std::string::npos) ++n;
  }
  ::closedir(d);
  return n;
}

void IsolatedSandboxTest::SetUp() {
  if (!host_capabilities().namespaces) GTEST_SKIP() << "no namespaces here: " << host_capabilities().namespaces_error;
  auto d = TempDir::create("agent-isb-");
  ASSERT_TRUE(d.ok());
  root_ = std::move(*d);
  ws_ = fs::canonical(root_.path()) / "ws";
  fs::create_directories(ws_);
  make();
}

void IsolatedSandboxTest::make(const std::function<void(SandboxConfig&)>& tweak, NetworkMode net) {
  config_ = SandboxConfig{};
  config_.workspace = ws_;
  config_.network = net;
  const char* home = std::getenv("HOME");
  config_.home = home ? fs::weakly_canonical(home) : fs::path();
  if (tweak) tweak(config_);
  auto s = IsolatedSandbox::create(config_, auto_layers_or_skip(net));
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  sandbox_ = std::move(*s);
}

CommandResult IsolatedSandboxTest::run(const std::string& command, int timeout_ms) {
  CommandSpec spec;
  spec.command = command;
  spec.cwd = ws_;
  spec.env = build_command_env(current_environment());
  spec.timeout = std::chrono::milliseconds(timeout_ms);
  auto r = sandbox_->run(spec);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? *r : CommandResult{};
}

}  // namespace agent::testing
