// The race the audit found: a job left running in the sandboxed shell keeps swapping the folder
// d for a symbolic link to a folder outside while the file tools, which run in the agent's own
// process, work on paths through d. Here a thread swaps them (renameat2 RENAME_EXCHANGE, so d is
// always one or the other) as fast as it can for a bounded time, with openat2 and with the walk
// kernels without it get. Nothing may be written outside and nothing outside may be read.
#include <fcntl.h>
#include <stdio.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tools/beneath.h"
#include "tools/tool_test_util.h"

namespace agent {
namespace {

constexpr auto kDuration = std::chrono::milliseconds(700);  // per resolution mode

class WorkspaceRaceTest : public ToolTest, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    ToolTest::SetUp();
    set_openat2_enabled(GetParam());
    outside_ = ctx_.workspace.parent_path() / "outside";
    ASSERT_TRUE(write_file_atomic(outside_ / "secret.txt", "OUTSIDE\n").ok());
    ASSERT_TRUE(write_file_atomic(outside_ / "outside_only.txt", "OUTSIDE\n").ok());
    write("d/secret.txt", "inside\n");
    ASSERT_EQ(::symlink(outside_.c_str(), (ctx_.workspace / "dl").c_str()), 0);
  }
  void TearDown() override { set_openat2_enabled(true); }

  // Swaps d and dl until told to stop; leaves d the folder.
  void swap_until(const std::atomic<bool>& stop, std::atomic<long>& swaps) {
    const std::string d = (ctx_.workspace / "d").string(), dl = (ctx_.workspace / "dl").string();
    while (!stop.load()) {
      if (::renameat2(AT_FDCWD, d.c_str(), AT_FDCWD, dl.c_str(), RENAME_EXCHANGE) == 0) ++swaps;
    }
    if (fs::is_symlink(d)) ::renameat2(AT_FDCWD, d.c_str(), AT_FDCWD, dl.c_str(), RENAME_EXCHANGE);
  }

  fs::path outside_;
};

TEST_P(WorkspaceRaceTest, SwappingAFolderForALinkNeverLeadsOutside) {
  std::atomic<bool> stop{false};
  std::atomic<long> swaps{0};
  std::thread swapper([&] { swap_until(stop, swaps); });
  long calls = 0, reads_inside = 0, writes = 0;
  const auto deadline = std::chrono::steady_clock::now() + kDuration;
  for (int i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
    std::string n = std::to_string(i);
    ToolOutput outs[] = {
        call("write_file", Json{{"path", "d/pwn" + n + ".txt"}, {"content", "x"}}.dump()),
        call("read_file", R"({"path":"d/secret.txt"})"),
        call("edit_file", R"({"path":"d/secret.txt","old_string":"OUTSIDE","new_string":"pwned"})"),
        call("apply_patch", Json{{"patch", "*** Begin Patch\n*** Add File: d/p" + n + ".txt\n+x\n*** End Patch"}}.dump()),
        call("search", R"({"pattern":"OUTSIDE","path":"d"})"),
        call("list_files", R"({"path":"d"})"),
    };
    calls += static_cast<long>(std::size(outs));
    writes += !outs[0].is_error;
    reads_inside += !outs[1].is_error;
    for (const auto& o : outs) {
      ASSERT_EQ(o.content.find("OUTSIDE\n"), std::string::npos) << o.content;
      ASSERT_EQ(o.content.find("outside_only"), std::string::npos) << o.content;
    }
    EXPECT_TRUE(outs[2].is_error) << outs[2].content;
  }
  stop = true;
  swapper.join();
  std::printf("[race] %ld tool calls during %ld swaps: %ld writes and %ld reads went through, inside\n",
              calls, swaps.load(), writes, reads_inside);
  EXPECT_GT(swaps.load(), 0);
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(outside_)) ++entries;
  EXPECT_EQ(entries, 2u) << "a file was written outside the workspace";
  EXPECT_EQ(*read_file(outside_ / "secret.txt"), "OUTSIDE\n");
  EXPECT_EQ(read("d/secret.txt"), "inside\n");
}

INSTANTIATE_TEST_SUITE_P(Resolution, WorkspaceRaceTest, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "openat2" : "walk"; });

}  // namespace
}  // namespace agent
