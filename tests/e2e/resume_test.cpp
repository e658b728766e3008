// agent resume: a run killed at any point finishes with every earlier tool result kept and
// no tool call executed twice.
#include <signal.h>
#include <sys/wait.h>

#include <thread>

#include "tests/support/run_fixture.h"

namespace agent::testing {
namespace {

class ResumeTest : public RunFixture {
 protected:
  void SetUp() override {
    RunFixture::SetUp();
    make_repo({{"README", "x\n"}});
  }
  // Each call appends its number to log.txt: the file shows which calls ran, and how often.
  static Json append_call(int n, const std::string& extra = "") {
    return Json{{"tool_calls", Json::array({Json{{"name", "shell"},
                                                 {"arguments", {{"command", "echo " + std::to_string(n) + " >> log.txt" + extra}}}}})}};
  }
  std::vector<Json> events_of(const std::string& type) {
    std::vector<Json> out;
    for (const auto& e : journal()) {
      if (e["type"] == type) out.push_back(e);
    }
    return out;
  }
};

TEST_F(ResumeTest, SigkillDuringACallThenResumeFinishesWithoutRepeats) {
  std::string script = write_script({append_call(1), append_call(2),
                                     append_call(3, " && touch ready && sleep 60"), append_call(4),
                                     Json{{"content", "all done"}}});
  std::string issue = write_text("issue.md", "count");
  ASSERT_TRUE(make_dirs(root_ / "logs").ok());
  pid_t pid = start_process({agent_binary().string(), "solve", "--repo", repo_.string(), "--issue", issue,
                             "--backend", "scripted", "--script", script, "--out", run_.string()},
                            root_ / "logs");
  for (int i = 0; i < 400 && !std::filesystem::exists(repo_ / "ready"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_TRUE(std::filesystem::exists(repo_ / "ready"));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  EXPECT_FALSE(std::filesystem::exists(run_ / "result.json"));
  EXPECT_EQ(events_of("tool_finished").size(), 2u);

  auto r = resume();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(repo_file("log.txt"), "1\n2\n3\n4\n") << "call 3 must not run twice, call 4 must run once";
  auto finished = events_of("tool_finished");
  ASSERT_EQ(finished.size(), 4u);
  EXPECT_EQ(finished[0]["content"], "[exit code: 0]\n");
  EXPECT_TRUE(finished[2]["interrupted"].get<bool>());
  EXPECT_NE(finished[2]["content"].get<std::string>().find("not run again"), std::string::npos);
  Json res = result();
  EXPECT_EQ(res["status"], "finished");
  EXPECT_EQ(res["steps"], 5);
  EXPECT_EQ(res["tool_calls"], 4);
  EXPECT_EQ(res["files_changed"], Json::array({"log.txt", "ready"}));
  EXPECT_EQ(patch().find("+1\n+2\n+3\n+4\n") != std::string::npos, true) << patch();
}

// Cut the journal of a finished run after every event, restore the repository to what those
// events had done, and resume: the run always ends the same, each call having run once.
TEST_F(ResumeTest, ResumeFromEveryPointOfTheJournal) {
  std::string script = write_script({append_call(1), append_call(2), append_call(3), Json{{"content", "end"}}});
  auto full = solve(script);
  ASSERT_EQ(full.exit_code, 0) << full.err;
  auto text = read_file(run_ / "trajectory.jsonl");
  ASSERT_TRUE(text.ok());
  std::vector<std::string> lines;
  for (size_t pos = 0; pos < text->size();) {
    size_t nl = text->find('\n', pos);
    lines.push_back(text->substr(pos, nl - pos + 1));
    pos = nl + 1;
  }
  ASSERT_GE(lines.size(), 10u);
  for (size_t cut = 1; cut < lines.size(); ++cut) {  // keep events [0, cut); drop run_finished
    SCOPED_TRACE("journal cut after event " + std::to_string(cut));
    std::string kept;
    int calls_done = 0;
    for (size_t i = 0; i < cut; ++i) {
      kept += lines[i];
      calls_done += Json::parse(lines[i])["type"] == "tool_finished";
    }
    bool cut_mid_call = Json::parse(lines[cut - 1])["type"] == "tool_started";
    std::string log;
    for (int n = 1; n <= calls_done + (cut_mid_call ? 1 : 0); ++n) log += std::to_string(n) + "\n";
    ASSERT_EQ(sh("rm -rf " + run_.string() + "/result.json " + run_.string() + "/patch.diff"), 0);
    ASSERT_TRUE(write_file_atomic(run_ / "trajectory.jsonl", kept + (cut % 2 ? "{\"type\":\"model_t" : "")).ok());
    if (log.empty()) {
      std::filesystem::remove(repo_ / "log.txt");
    } else {
      ASSERT_TRUE(write_file_atomic(repo_ / "log.txt", log).ok());
    }
    auto r = resume();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(repo_file("log.txt"), "1\n2\n3\n");
    EXPECT_EQ(result()["status"], "finished");
    EXPECT_EQ(result()["steps"], 4);
    EXPECT_EQ(result()["tool_calls"], 3);
    EXPECT_EQ(events_of("tool_finished").size(), 3u);
  }
}

TEST_F(ResumeTest, ResumingAFinishedRunChangesNothing) {
  auto r = solve(write_script({append_call(1), Json{{"content", "end"}}}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto before = read_file(run_ / "trajectory.jsonl");
  auto again = resume();
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(*read_file(run_ / "trajectory.jsonl"), *before);
  EXPECT_EQ(repo_file("log.txt"), "1\n");
}

// A run killed right after an answer that was cut at the output limit (no tool calls) had
// stopped on a budget, not finished: resume says so again (exit 1), it does not call it done.
TEST_F(ResumeTest, AnAnswerCutAtTheOutputLimitStaysABudgetStop) {
  auto r = solve(write_script({append_call(1), Json{{"content", "the answer was cut he"}}}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto text = read_file(run_ / "trajectory.jsonl");
  ASSERT_TRUE(text.ok());
  std::string kept;
  for (size_t pos = 0; pos < text->size();) {
    size_t nl = text->find('\n', pos);
    Json e = Json::parse(text->substr(pos, nl - pos));
    pos = nl + 1;
    if (e["type"] == "run_finished") break;
    if (e["type"] == "model_turn" && e["message"].value("content", "") == "the answer was cut he") {
      e["stop_reason"] = "length";
    }
    kept += e.dump() + "\n";
  }
  ASSERT_EQ(sh("rm -f " + run_.string() + "/result.json " + run_.string() + "/patch.diff"), 0);
  ASSERT_TRUE(write_file_atomic(run_ / "trajectory.jsonl", kept).ok());
  auto again = resume();
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_EQ(result()["status"], "budget");
  EXPECT_NE(result()["stop_reason"].get<std::string>().find("output token limit"), std::string::npos);
  EXPECT_EQ(repo_file("log.txt"), "1\n") << "nothing ran again";
}

TEST_F(ResumeTest, BudgetsCountAcrossResumes) {
  auto r = solve(write_script({append_call(1), append_call(2), append_call(3), Json{{"content", "end"}}}),
                 {"--max-steps", "2"});
  EXPECT_EQ(r.exit_code, 1);
  auto again = resume();
  EXPECT_EQ(again.exit_code, 1) << "still over the same step budget";
  EXPECT_EQ(result()["steps"], 2);
  auto raised = resume({"--max-steps", "10"});
  EXPECT_EQ(raised.exit_code, 0) << raised.err;
  EXPECT_EQ(repo_file("log.txt"), "1\n2\n3\n");
}

}  // namespace
}  // namespace agent::testing
