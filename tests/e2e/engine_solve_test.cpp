// `agent solve --backend engine` end to end on a tiny random checkpoint: the embedded engine
// answers through the whole loop (chat encoding, generation, DSML parsing, the journal), with
// the engine's own context default; `--device` errors stop before a run folder exists.
// Random weights produce text, not tool calls: the run is one turn long, and what is asserted
// is the path and the records, not the answer.
#include "inference/engine/testing/tiny_checkpoint.h"
#include "tests/support/run_fixture.h"

namespace agent::testing {
namespace {

class EngineSolveTest : public RunFixture {
 protected:
  void SetUp() override {
    RunFixture::SetUp();
    make_repo({{"a.txt", "a\n"}});
    auto ck = engine::testing::shared_tiny_checkpoint("flash");
    ASSERT_TRUE(ck.ok()) << ck.status().to_string();
    weights_ = ck->folder.string();
  }
  ProcessResult solve_engine(std::vector<std::string> extra) {
    std::string issue = write_text("issue.md", "Check the file a.txt.");
    std::vector<std::string> argv = {agent_binary().string(), "solve", "--repo", repo_.string(), "--issue", issue,
                                     "--weights", weights_, "--out", run_.string(), "--sandbox", "off"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    ProcessOptions o;
    o.extra_env = {"DEEPSEEK_API_KEY="};  // auto must pick the engine because weights are given
    return run_process(argv, o);
  }
  std::string weights_;
};

TEST_F(EngineSolveTest, AutoPicksTheEngineAndRunsATurnThroughTheLoop) {
  auto r = solve_engine({"--max-output-tokens", "48", "--max-steps", "1"});
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << "\n" << r.err;
  auto events = journal();
  ASSERT_FALSE(events.empty());
  const Json& settings = events.front()["settings"];
  EXPECT_EQ(settings["backend"], "engine");
  EXPECT_EQ(settings["device"], "cpu");
  EXPECT_EQ(settings["context_tokens"], 65536) << "the engine's default context, not the model's 1M";
  int turns = 0;
  for (const Json& e : events) {
    if (e["type"] != "model_turn") continue;
    ++turns;
    const Json& u = e["usage"];
    EXPECT_GT(u["prompt_tokens"].get<int64_t>(), 500) << "system prompt, tool schemas and issue, tokenized";
    EXPECT_GE(u["completion_tokens"].get<int64_t>(), 1);
    EXPECT_LE(u["completion_tokens"].get<int64_t>(), 48);
  }
  EXPECT_EQ(turns, 1);
  EXPECT_EQ(events.back()["type"], "run_finished");
  Json res = result();
  EXPECT_EQ(res["steps"], 1);
  EXPECT_FALSE(res["status"].get<std::string>().empty());
}

TEST_F(EngineSolveTest, AnExplicitContextIsKept) {
  auto r = solve_engine({"--max-output-tokens", "16", "--max-steps", "1", "--context-tokens", "9000"});
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  EXPECT_EQ(journal().front()["settings"]["context_tokens"], 9000);
}

TEST_F(EngineSolveTest, DeviceErrorsStopBeforeAnyRunFolder) {
  auto bad = solve_engine({"--device", "gpu0"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--device must be cpu, cuda or cuda:N, got \"gpu0\""), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(run_));

  auto cuda = solve_engine({"--device", "cuda"});
  if (cuda.exit_code == 0 || cuda.exit_code == 1) GTEST_SKIP() << "this machine has a usable GPU";
  EXPECT_EQ(cuda.exit_code, 2) << cuda.err;
  EXPECT_TRUE(cuda.err.find("CUDA") != std::string::npos || cuda.err.find("NVIDIA") != std::string::npos) << cuda.err;
  EXPECT_FALSE(std::filesystem::exists(run_));
}

TEST_F(EngineSolveTest, GenerateRefusesAnUnknownDeviceOrAMissingGpu) {
  std::vector<std::string> base = {agent_binary().string(), "generate", "--weights", weights_, "--prompt", "hi",
                                   "--max-tokens", "2"};
  auto argv = base;
  argv.insert(argv.end(), {"--device", "tpu"});
  auto bad = run_process(argv);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("\"tpu\""), std::string::npos) << bad.err;
  argv = base;
  argv.insert(argv.end(), {"--device", "cuda:0"});
  auto cuda = run_process(argv);
  if (cuda.exit_code == 0) GTEST_SKIP() << "this machine has a usable GPU";
  EXPECT_EQ(cuda.exit_code, 2) << cuda.err;
  EXPECT_TRUE(cuda.err.find("CUDA") != std::string::npos || cuda.err.find("NVIDIA") != std::string::npos) << cuda.err;
}

}  // namespace
}  // namespace agent::testing
