// Exit codes and messages for bad input to agent solve and agent resume (product.md).
#include "tests/support/run_fixture.h"

namespace agent::testing {
namespace {

class BadInputTest : public RunFixture {
 protected:
  void SetUp() override {
    RunFixture::SetUp();
    make_repo({{"a.txt", "a\n"}});
    script_ = write_script({Json{{"content", "done"}}});
    issue_ = write_text("issue.md", "do it");
  }
  ProcessResult agent(std::vector<std::string> args) {
    args.insert(args.begin(), agent_binary().string());
    return run_process(args);
  }
  std::vector<std::string> solve_args() {
    return {"solve", "--repo", repo_.string(), "--issue", issue_, "--backend", "scripted",
            "--script", script_, "--out", run_.string()};
  }
  std::string script_, issue_;
};

ProcessOptions env_opts(std::vector<std::string> env) {
  ProcessOptions o;
  o.extra_env = std::move(env);
  return o;
}

ProcessOptions stdin_opts(std::string text) {
  ProcessOptions o;
  o.stdin_text = std::move(text);
  return o;
}

struct Case {
  std::string name;
  std::vector<std::pair<std::string, std::string>> replace;  // flag -> new value
  std::vector<std::string> extra;
  std::string expect;  // in stderr
};

TEST_F(BadInputTest, SolveRefusesBadInputWithExit2) {
  std::string bad_script = write_text("bad.jsonl", "{\"content\":\"a\"}\n{\"tool_calls\": 7}\n");
  std::string empty_issue = write_text("empty.md", " \n");
  ASSERT_TRUE(make_dirs(root_ / "not-git").ok());
  ASSERT_TRUE(write_file_atomic(root_ / "full/x", "x").ok());
  std::vector<Case> cases = {
      {"missing repo", {{"--repo", (root_ / "nope").string()}}, {}, "no such folder"},
      {"repo not git", {{"--repo", (root_ / "not-git").string()}}, {}, "not inside a git repository"},
      {"missing issue", {{"--issue", (root_ / "nope.md").string()}}, {}, "nope.md"},
      {"empty issue", {{"--issue", empty_issue}}, {}, "empty"},
      {"missing script", {{"--script", (root_ / "nope.jsonl").string()}}, {}, "nope.jsonl"},
      {"malformed script", {{"--script", bad_script}}, {}, "bad.jsonl line 2"},
      {"bad reasoning", {}, {"--reasoning", "extreme"}, "off, high or max"},
      {"bad backend", {{"--backend", "magic"}}, {}, "auto, api, engine or scripted"},
      {"bad sandbox", {}, {"--sandbox", "maybe"}, "auto, strict or off"},
      {"negative budget", {}, {"--max-steps", "-1"}, "must not be negative"},
      {"unknown flag", {}, {"--frobnicate"}, "frobnicate"},
      {"out not empty", {{"--out", (root_ / "full").string()}}, {}, "not empty"},
      {"out inside repo", {{"--out", (repo_ / "run").string()}}, {}, "inside the repository"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto args = solve_args();
    for (const auto& [flag, value] : c.replace) {
      for (size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == flag) args[i + 1] = value;
      }
    }
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    auto r = agent(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(run_ / "trajectory.jsonl")) << "nothing half-written";
  }
}

TEST_F(BadInputTest, NoModelConfiguredSaysHowToConfigureOne) {
  auto r = run_process({agent_binary().string(), "solve", "--repo", repo_.string(), "--issue", issue_},
                       env_opts({"DEEPSEEK_API_KEY="}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("DEEPSEEK_API_KEY"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--weights"), std::string::npos) << r.err;
}

TEST_F(BadInputTest, IssueFromStdin) {
  auto args = solve_args();
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--issue") args[i + 1] = "-";
  }
  args.insert(args.begin(), agent_binary().string());
  auto r = run_process(args, stdin_opts("the issue from stdin\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_file(run_ / "trajectory.jsonl")->find("the issue from stdin"), std::string::npos);
}

TEST_F(BadInputTest, ResumeRefusesFoldersWithoutARun) {
  auto missing = agent({"resume", "--out", (root_ / "nope").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no such folder"), std::string::npos);
  ASSERT_TRUE(make_dirs(root_ / "empty").ok());
  auto empty = agent({"resume", "--out", (root_ / "empty").string()});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("holds no run"), std::string::npos) << empty.err;
  ASSERT_TRUE(write_file_atomic(root_ / "junk/trajectory.jsonl", "not json\n{\"type\":\"x\"}\n").ok());
  auto junk = agent({"resume", "--out", (root_ / "junk").string()});
  EXPECT_EQ(junk.exit_code, 2);
  EXPECT_NE(junk.err.find("line 1"), std::string::npos) << junk.err;
  ASSERT_TRUE(write_file_atomic(root_ / "other/trajectory.jsonl", "{\"type\":\"model_turn\"}\n").ok());
  auto other = agent({"resume", "--out", (root_ / "other").string()});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("run_started"), std::string::npos) << other.err;
  auto noflag = agent({"resume"});
  EXPECT_EQ(noflag.exit_code, 2);
  auto unknown = agent({"resume", "--out", (root_ / "junk").string(), "--no-such-flag"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--no-such-flag"), std::string::npos) << unknown.err;
}

// A journal the file system refuses to grow (here a file-size limit) stops the run as an
// internal error, exit 4, saying why; the run folder keeps what was written.
TEST_F(BadInputTest, AJournalThatCannotBeWrittenIsAnInternalError) {
  std::vector<Json> turns;
  for (int i = 0; i < 40; ++i) {
    turns.push_back(Json{{"reasoning", std::string(4000, 'r')},
                         {"tool_calls", Json::array({Json{{"name", "shell"}, {"arguments", {{"command", "true"}}}}})}});
  }
  turns.push_back(Json{{"content", "done"}});
  script_ = write_script(turns, "long.jsonl");
  std::string cmd = "trap '' XFSZ; ulimit -f 64; exec " + agent_binary().string();
  for (const auto& a : solve_args()) cmd += " '" + a + "'";
  cmd += " --sandbox off >" + (root_ / "out.txt").string() + " 2>" + (root_ / "err.txt").string();
  int rc = sh(cmd);
  auto err = read_file(root_ / "err.txt");
  EXPECT_EQ(rc, 4) << (err.ok() ? *err : "");
  EXPECT_NE(err.ok() ? err->find("could not write the journal") : std::string::npos, std::string::npos)
      << (err.ok() ? *err : "");
  EXPECT_TRUE(std::filesystem::exists(run_ / "trajectory.jsonl"));
}

TEST_F(BadInputTest, DefaultRunFolderIsUnderXdgStateHome) {
  auto args = solve_args();
  args.resize(args.size() - 2);  // drop --out
  args.insert(args.begin(), agent_binary().string());
  auto r = run_process(args, env_opts({"XDG_STATE_HOME=" + (root_ / "state").string()}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::filesystem::path> runs;
  for (const auto& e : std::filesystem::directory_iterator(root_ / "state/agent/runs")) runs.push_back(e.path());
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(runs[0] / "result.json"));
}

}  // namespace
}  // namespace agent::testing
