#include "tools/tool_test_util.h"

#include <git2.h>

#include "sandbox/command_env.h"

namespace agent {

void ToolTest::SetUp() {
  become_subreaper();
  auto d = TempDir::create("agent-tools-");
  ASSERT_TRUE(d.ok());
  root_ = std::move(*d);
  fs::path root = fs::canonical(root_.path());
  ASSERT_TRUE(make_dirs(root / "ws").ok());
  ASSERT_TRUE(make_dirs(root / "run").ok());
  registry_ = make_default_registry();
  ctx_.workspace = root / "ws";
  ctx_.run_dir = root / "run";
  ctx_.sandbox = &sandbox_;
  ctx_.command_env = build_command_env(current_environment());
}

ToolOutput ToolTest::call(const std::string& name, const std::string& args) {
  Tool* tool = registry_.find(name);
  if (tool == nullptr) return ToolOutput::error("no tool " + name);
  auto parsed = registry_.parse_arguments(*tool, args);
  if (!parsed.ok()) return ToolOutput::error(parsed.status().message());
  return tool->run(*parsed, ctx_);
}

void ToolTest::write(const std::string& rel, const std::string& content) {
  ASSERT_TRUE(write_file_atomic(ctx_.workspace / rel, content).ok());
}

std::string ToolTest::read(const std::string& rel) {
  auto r = read_file(ctx_.workspace / rel);
  return r.ok() ? *r : "<missing>";
}

bool ToolTest::exists(const std::string& rel) { return fs::exists(ctx_.workspace / rel); }

void ToolTest::init_repo() {
  git_libgit2_init();
  git_repository* repo = nullptr;
  ASSERT_EQ(git_repository_init(&repo, ctx_.workspace.c_str(), 0), 0);
  git_repository_free(repo);
  git_libgit2_shutdown();
}

}  // namespace agent
