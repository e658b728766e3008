#include "tools/tool_test_util.h"

namespace agent {
namespace {

class ShellToolTest : public ToolTest {};

TEST_F(ShellToolTest, RunsInWorkspaceWithExitCode) {
  write("f.txt", "hi\n");
  auto out = call("shell", R"({"command":"cat f.txt; exit 2"})");
  EXPECT_TRUE(out.is_error);
  EXPECT_TRUE(out.terminal_output);
  EXPECT_EQ(out.content, "hi\n[exit code: 2]\n");
  EXPECT_EQ(out.details["exit_code"], 2);
  auto ok = call("shell", R"({"command":"echo ok"})");
  EXPECT_FALSE(ok.is_error);
  EXPECT_EQ(ok.content, "ok\n[exit code: 0]\n");
}

TEST_F(ShellToolTest, HangingCommandIsKilledAtItsTimeout) {
  auto out = call("shell", R"({"command":"sleep 30 & sleep 30","timeout":1})");
  EXPECT_TRUE(out.is_error);
  EXPECT_NE(out.content.find("timed out after 1 s"), std::string::npos);
  EXPECT_LT(out.details["wall_s"].get<double>(), 10.0);
}

TEST_F(ShellToolTest, RunDeadlineCapsTheTimeout) {
  ctx_.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  auto out = call("shell", R"({"command":"sleep 30"})");
  EXPECT_NE(out.content.find("time budget ran out"), std::string::npos);
}

TEST_F(ShellToolTest, BadArguments) {
  EXPECT_TRUE(call("shell", R"({"command":"  "})").is_error);
  EXPECT_TRUE(call("shell", R"({"command":"true","timeout":0})").is_error);
  EXPECT_TRUE(call("shell", R"({"cmd":"true"})").is_error);
}

}  // namespace
}  // namespace agent
