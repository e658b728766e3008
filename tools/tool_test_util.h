// Test fixture for tools: a temporary workspace and run folder, a ProcessSandbox, and helpers
// to call a tool by name with JSON arguments the way the planner does.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "common/fs.h"
#include "sandbox/process_sandbox.h"
#include "tools/tool_registry.h"

namespace agent {

class ToolTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Calls tool `name` with `args` (JSON text); argument errors come back as is_error outputs,
  // as the planner would send them to the model.
  ToolOutput call(const std::string& name, const std::string& args);

  void write(const std::string& rel, const std::string& content);
  std::string read(const std::string& rel);
  bool exists(const std::string& rel);
  // Makes the workspace a git repository (libgit2, no commit), so .gitignore rules apply.
  void init_repo();

  TempDir root_;
  ProcessSandbox sandbox_;
  ToolRegistry registry_;
  ToolContext ctx_;
};

}  // namespace agent
