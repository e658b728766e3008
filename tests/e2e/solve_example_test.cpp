// agent solve end to end on the bundled example with the scripted backend.
#include "tests/support/run_fixture.h"

namespace agent::testing {
namespace {

class SolveExampleTest : public RunFixture {};

TEST_F(SolveExampleTest, FixesTheBugAndRecordsTheRun) {
  make_repo_from_example("wordfreq");
  ASSERT_NE(sh("cd " + repo_.string() + " && python3 -m unittest -q 2>/dev/null"), 0)
      << "the example's bug should make its tests fail before the run";
  std::string example = (source_dir() / "examples/wordfreq").string();
  auto r = run_process({agent_binary().string(), "solve", "--repo", repo_.string(), "--issue",
                        example + "/issue.md", "--backend", "scripted", "--script",
                        example + "/solve.jsonl", "--out", run_.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Fixed `top_words`"), std::string::npos) << "final answer on stdout";

  // The bug is fixed: the example's own tests pass.
  EXPECT_EQ(sh("cd " + repo_.string() + " && python3 -m unittest -q 2>/dev/null"), 0);

  // patch.diff holds exactly the fix (no __pycache__, no other file).
  std::string p = patch();
  EXPECT_NE(p.find("diff --git a/wordfreq.py b/wordfreq.py"), std::string::npos) << p;
  EXPECT_NE(p.find("+    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))"), std::string::npos);
  EXPECT_NE(p.find("-    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)"), std::string::npos);
  EXPECT_EQ(p.find("pycache"), std::string::npos);
  // It applies to the original commit (checked with git itself).
  ASSERT_EQ(sh("cd " + repo_.string() + " && git stash -q && git apply --check " + (run_ / "patch.diff").string()), 0);

  Json res = result();
  EXPECT_EQ(res["status"], "finished");
  EXPECT_EQ(res["steps"], 4);
  EXPECT_EQ(res["tool_calls"], 4);
  EXPECT_EQ(res["files_changed"], Json::array({"wordfreq.py"}));
  EXPECT_EQ(res["usage"]["prompt_tokens"], 2100);
  EXPECT_EQ(res["usage"]["cached_tokens"], 1900);
  EXPECT_EQ(res["usage"]["completion_tokens"], 90);
  EXPECT_EQ(res["cost_usd"], 0.0);
  EXPECT_TRUE(res["wall_s"].is_number());

  // The journal: a run_started header with the settings, then every step, then run_finished.
  auto j = journal();
  ASSERT_GE(j.size(), 3u);
  EXPECT_EQ(j.front()["type"], "run_started");
  EXPECT_EQ(j.front()["settings"]["backend"], "scripted");
  EXPECT_EQ(j.front()["settings"]["repo"], repo_.string());
  EXPECT_NE(j.front()["messages"][0]["content"].get<std::string>().find("dependency-free"), std::string::npos)
      << "AGENTS.md belongs in the system prompt";
  EXPECT_EQ(j.back()["type"], "run_finished");
  EXPECT_EQ(j.back()["status"], "finished");
  int turns = 0, started = 0, finished = 0;
  for (const auto& e : j) {
    turns += e["type"] == "model_turn";
    started += e["type"] == "tool_started";
    finished += e["type"] == "tool_finished";
    EXPECT_TRUE(e.contains("t")) << e.dump();
  }
  EXPECT_EQ(turns, 4);
  EXPECT_EQ(started, 4);
  EXPECT_EQ(finished, 4);
  // The first test run saw the failure; the last one the success.
  std::vector<std::string> shell_outputs;
  for (const auto& e : j) {
    if (e["type"] == "tool_finished" && e["name"] == "shell") shell_outputs.push_back(e["content"]);
  }
  ASSERT_EQ(shell_outputs.size(), 2u);
  EXPECT_NE(shell_outputs[0].find("FAILED (failures=1)"), std::string::npos) << shell_outputs[0];
  EXPECT_NE(shell_outputs[1].find("OK"), std::string::npos) << shell_outputs[1];
}

TEST_F(SolveExampleTest, JsonModePrintsTheJournalEvents) {
  make_repo_from_example("wordfreq");
  std::string example = (source_dir() / "examples/wordfreq").string();
  auto r = run_process({agent_binary().string(), "solve", "--repo", repo_.string(), "--issue",
                        example + "/issue.md", "--backend", "scripted", "--script",
                        example + "/solve.jsonl", "--out", run_.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto text = read_file(run_ / "trajectory.jsonl");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(r.out, *text) << "stdout must carry exactly the journal's events";
}

}  // namespace
}  // namespace agent::testing
