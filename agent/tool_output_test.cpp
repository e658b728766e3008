#include "agent/tool_output.h"

#include <gtest/gtest.h>

#include "common/fs.h"
#include "common/logging.h"

namespace agent {
namespace {

TEST(ToolOutput, ShortOutputIsCleanedNotCut) {
  ToolOutput out = ToolOutput::ok("\x1b[32mgreen\x1b[0m\n 1%\r100%\n");
  out.terminal_output = true;
  ModelView v = make_model_view(out, "c1", "/nonexistent", 1000, 100);
  EXPECT_EQ(v.content, "green\n100%\n") << "the redraw overwrote the line, as on a terminal";
  EXPECT_FALSE(v.truncated);
  ToolOutput file = ToolOutput::ok("keep\r\nCRLF\r\n");  // file content is not terminal output
  EXPECT_EQ(make_model_view(file, "c2", "/nonexistent", 1000, 100).content, "keep\r\nCRLF\r\n");
}

TEST(ToolOutput, LongOutputIsCutAndSavedWhole) {
  auto dir = TempDir::create("agent-toolout-");
  ASSERT_TRUE(dir.ok());
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "line " + std::to_string(i) + "\n";
  ModelView v = make_model_view(ToolOutput::ok(text), "call/../x", dir->path(), 2000, 40);
  EXPECT_TRUE(v.truncated);
  EXPECT_LT(v.content.size(), 2300u);
  EXPECT_NE(v.content.find("5000 lines"), std::string::npos);
  EXPECT_EQ(v.full_output_path, (dir->path() / "tool-outputs" / "call_.._x.txt").string())
      << "call ids from the model cannot escape the run folder";
  EXPECT_EQ(*read_file(v.full_output_path), text);
}

TEST(ToolOutput, RegisteredSecretsNeverReachTheModelOrTheDisk) {
  auto dir = TempDir::create("agent-toolout-");
  ASSERT_TRUE(dir.ok());
  register_secret("ghp_secretvalue1234567890abcdef");
  std::string text = "token=ghp_secretvalue1234567890abcdef\n";
  for (int i = 0; i < 3000; ++i) text += "filler\n";
  ModelView v = make_model_view(ToolOutput::ok(text), "c3", dir->path(), 500, 20);
  EXPECT_EQ(v.content.find("ghp_secretvalue"), std::string::npos);
  EXPECT_NE(v.content.find("token=[REDACTED]"), std::string::npos);
  EXPECT_EQ(read_file(v.full_output_path)->find("ghp_secretvalue"), std::string::npos);
}

}  // namespace
}  // namespace agent
