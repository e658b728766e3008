// agent pr end to end, when things go wrong: a bad token, a flaky forge, an agent that does
// not finish, pushes over smart HTTP that are refused, bad input; and the other forges.
#include "tests/e2e/pr_fixture.h"
#include "tests/support/git_http_server.h"

namespace agent::testing {
namespace {

const char* kFixed = "def mean(xs):\n    return sum(xs) / len(xs) if xs else 0\n";

class PrFailureTest : public PrFixture {
 protected:
  std::string good_script() { return write_script({turn_write("stats.py", kFixed), turn_final("Fixed.")}); }
  std::string comment_file() { return write_json("ev.json", comment_event("/agent")); }
  void expect_nothing_done() {
    EXPECT_EQ(remote_tip("agent/issue-7"), "") << "no branch pushed";
    EXPECT_TRUE(forge_->pulls().empty()) << "no pull request";
    expect_checkout_untouched();
  }
};

TEST_F(PrFailureTest, BadTokenIsAClearErrorAndNothingIsHalfDone) {
  auto r = pr(good_script(), {"--event", comment_file()}, "ghs_wrong_token_abcdefghijkl");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("GitHub read repository octo/hello: HTTP 401: Bad credentials (the token was rejected)"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("ghs_wrong_token"), std::string::npos) << "the token never shows";
  EXPECT_TRUE(forge_->comments().empty());
  EXPECT_FALSE(std::filesystem::exists(last_run_)) << "the agent never ran";
  expect_nothing_done();
}

TEST_F(PrFailureTest, ForgeFiveHundredsAreRetried) {
  forge_->fail_next("GET /repos/octo/hello", 503, 1);
  forge_->fail_next("POST /repos/octo/hello/pulls", 502, 1);
  auto r = pr(good_script(), {"--event", comment_file()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("HTTP 502"), std::string::npos) << "the retry is reported: " << r.err;
  EXPECT_EQ(forge_->pulls().size(), 1u) << "opened once";
  EXPECT_EQ(forge_->comments().size(), 1u);

  // A forge that stays down: exit 3 after the retries, and nothing opened.
  PrFixture::SetUp();  // a fresh remote and forge
  forge_->fail_next("GET /repos/octo/hello", 503, 100);
  auto down = pr(good_script(), {"--event", comment_file()});
  EXPECT_EQ(down.exit_code, 3) << down.err;
  EXPECT_NE(down.err.find("HTTP 503"), std::string::npos) << down.err;
  EXPECT_NE(down.err.find("(gave up after 5 attempts)"), std::string::npos) << down.err;
  expect_nothing_done();
}

TEST_F(PrFailureTest, AgentThatDoesNotFinishCommentsAndOpensNothing) {
  auto budget = pr(write_script({turn_write("stats.py", kFixed), turn_write("stats.py", "x\n"), turn_final("done")}),
                   {"--event", comment_file(), "--max-steps", "1"});
  EXPECT_EQ(budget.exit_code, 1) << budget.err;
  auto comments = forge_->comments();
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_NE(comments[0].body.find("did not finish this issue (budget"), std::string::npos) << comments[0].body;
  expect_nothing_done();

  // The model backend fails (the script runs out): exit 3, a comment, nothing opened.
  auto failed = pr(write_script({turn_write("stats.py", kFixed)}), {"--event", comment_file()});
  EXPECT_EQ(failed.exit_code, 3) << failed.err;
  ASSERT_EQ(forge_->comments().size(), 2u);
  EXPECT_NE(forge_->comments()[1].body.find("did not finish this issue (failed"), std::string::npos);
  expect_nothing_done();

  // Finished, but changed nothing: exit 1, a comment quoting the answer.
  auto idle = pr(write_script({turn_final("This is already fixed on main.")}), {"--event", comment_file()});
  EXPECT_EQ(idle.exit_code, 1) << idle.err;
  ASSERT_EQ(forge_->comments().size(), 3u);
  EXPECT_NE(forge_->comments()[2].body.find("> This is already fixed on main."), std::string::npos);
  expect_nothing_done();
}

TEST_F(PrFailureTest, SmartHttpRemoteWithTokenAuth) {
  auto server = GitHttpServer::start(root_ / "srv", "x-access-token", kForgeToken);
  ASSERT_NE(server, nullptr);
  // A pushInsteadOf / insteadOf in the repository's config (the agent's commands could write
  // one) must not send the push, or the token, to another server.
  ASSERT_EQ(sh("git init -q --bare -b main " + (root_ / "evil" / "remote.git").string()), 0);
  auto evil = GitHttpServer::start(root_ / "evil", "", "");
  ASSERT_NE(evil, nullptr);
  std::string url = server->url("remote.git");
  ASSERT_EQ(sh("git -C " + repo_.string() + " remote set-url origin " + url + " && git -C " + repo_.string() +
               " config url." + evil->url("remote.git") + ".pushInsteadOf " + url + " && git -C " + repo_.string() +
               " config url." + evil->url("remote.git") + ".insteadOf " + url),
            0);
  auto r = pr(good_script(), {"--event", comment_file()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(remote_tip("agent/issue-7").empty());
  EXPECT_EQ(forge_->pulls().size(), 1u);
  bool pushed = false;
  for (const auto& l : server->requests()) pushed |= l == "POST /remote.git/git-receive-pack -> 200";
  EXPECT_TRUE(pushed) << "pushed over smart HTTP";
  EXPECT_EQ(server->rejected_credentials(), 0);
  EXPECT_TRUE(evil->requests().empty()) << "the rewrite was not applied";
}

TEST_F(PrFailureTest, PlainHttpForgeOnlyOnLoopback) {
  api_url_ = "http://forge.example.com/api/v3";
  auto r = pr(good_script(), {"--event", comment_file()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--api-url http://forge.example.com/api/v3: refusing to send the token over plain http"),
            std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(kForgeToken), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(last_run_));
  expect_nothing_done();
}

// A broken policy file stops the bot before it runs anything: exit 2, the reason on stderr
// and on the issue, no run folder. First in the checkout, then only in the branch the run
// starts from (the remote's main moved on since the checkout was made).
TEST_F(PrFailureTest, BrokenPolicyFileIsAConfigurationError) {
  ASSERT_EQ(sh("mkdir -p " + (root_ / "xdg" / "agent").string() + " && printf '[[[ not toml\\n' > " +
               (root_ / "xdg" / "agent" / "policy.toml").string()), 0);
  auto user = pr(good_script(), {"--event", comment_file()});
  EXPECT_EQ(user.exit_code, 2) << user.err;
  EXPECT_NE(user.err.find("policy file " + (root_ / "xdg" / "agent" / "policy.toml").string()), std::string::npos)
      << user.err;
  EXPECT_FALSE(std::filesystem::exists(last_run_)) << "no run folder";
  ASSERT_EQ(forge_->comments().size(), 1u);
  EXPECT_EQ(forge_->comments()[0].body.rfind("The bot could not start on this issue", 0), 0u) << forge_->comments()[0].body;
  EXPECT_NE(forge_->comments()[0].body.find("policy.toml"), std::string::npos);
  EXPECT_EQ(forge_->comments()[0].body.find(kForgeToken), std::string::npos);
  std::filesystem::remove(root_ / "xdg" / "agent" / "policy.toml");

  std::string other = (root_ / "other").string();
  ASSERT_EQ(sh("git clone -q file://" + bare_.string() + " " + other + " && cd " + other +
               " && mkdir .agent && printf '[[[ not toml\\n' > .agent/policy.toml && git add -A && git -c user.name=t"
               " -c user.email=t@t commit -qm policy && git push -q origin main"), 0);
  auto project = pr(good_script(), {"--event", comment_file()});
  EXPECT_EQ(project.exit_code, 2) << project.err;
  EXPECT_NE(project.err.find(".agent/policy.toml"), std::string::npos) << project.err;
  EXPECT_EQ(project.err.find("result.json"), std::string::npos) << project.err;
  EXPECT_FALSE(std::filesystem::exists(last_run_)) << "no run folder";
  ASSERT_EQ(forge_->comments().size(), 2u);
  EXPECT_NE(forge_->comments()[1].body.find(".agent/policy.toml"), std::string::npos) << forge_->comments()[1].body;
  expect_nothing_done();
}

TEST_F(PrFailureTest, MaxCostNeedsAPricedModel) {
  scripted_ = false;
  auto r = pr("", {"--event", comment_file(), "--backend", "api", "--base-url", "http://127.0.0.1:9/v1", "--model",
                   "local-unpriced-model", "--max-cost", "1"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--max-cost: no price is known for model local-unpriced-model"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(last_run_));
  ASSERT_EQ(forge_->comments().size(), 1u);
  EXPECT_NE(forge_->comments()[0].body.find("no price is known"), std::string::npos);
  expect_nothing_done();
}

// Model and budgets resolve as for `agent solve`: flags > AGENT_* environment > config files.
TEST_F(PrFailureTest, ConfigFilesAndEnvironmentSetModelAndBudgets) {
  std::filesystem::create_directories(config_home_ / "agent");
  ASSERT_TRUE(write_file_atomic(config_home_ / "agent" / "config.toml", "[budget]\nmax_steps = 1\n").ok());
  auto two_turns = [&] { return write_script({turn_write("stats.py", kFixed), turn_final("Fixed.")}); };
  auto from_config = pr(two_turns(), {"--event", comment_file()});
  EXPECT_EQ(from_config.exit_code, 1) << "the user config's step budget stops it: " << from_config.err;
  EXPECT_NE(from_config.err.find("(budget)"), std::string::npos) << from_config.err;

  extra_env_ = {"AGENT_MAX_STEPS=5"};
  auto from_env = pr(two_turns(), {"--event", comment_file()});
  EXPECT_EQ(from_env.exit_code, 0) << "the environment overrides the config: " << from_env.err;

  auto from_flag = pr(two_turns(), {"--event", comment_file(), "--max-steps", "1"});
  EXPECT_EQ(from_flag.exit_code, 1) << "a flag overrides the environment: " << from_flag.err;

  // The API key is read from the variable the config names, not from DEEPSEEK_API_KEY.
  ASSERT_TRUE(write_file_atomic(config_home_ / "agent" / "config.toml", "[api]\nkey_env = \"MY_MODEL_KEY\"\n").ok());
  scripted_ = false;
  extra_env_ = {"DEEPSEEK_API_KEY=sk-not-this-one", "MY_MODEL_KEY="};
  auto key = pr("", {"--event", comment_file()});
  EXPECT_EQ(key.exit_code, 2) << key.err;
  EXPECT_NE(key.err.find("no model is configured: set MY_MODEL_KEY"), std::string::npos) << key.err;
  EXPECT_NE(forge_->comments().back().body.find("MY_MODEL_KEY"), std::string::npos);
}

TEST_F(PrFailureTest, PushRefusedByTheGitServerOpensNothing) {
  // The forge accepts the token, the git server does not (say, it lacks contents: write).
  auto server = GitHttpServer::start(root_ / "srv", "x-access-token", "ghs_other_token_for_git_only");
  ASSERT_NE(server, nullptr);
  ASSERT_EQ(sh("git -C " + repo_.string() + " remote set-url origin " + server->url("remote.git")), 0);
  auto r = pr(good_script(), {"--event", comment_file()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("rejected the token"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(kForgeToken), std::string::npos);
  EXPECT_TRUE(forge_->comments().empty()) << "it failed before the run: nothing to say on the issue";
  expect_nothing_done();
}

TEST_F(PrFailureTest, BadInputNamesTheInput) {
  std::string script = good_script();
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  };
  ASSERT_TRUE(write_file_atomic(root_ / "bad.json", "{ not json").ok());
  Json no_number = comment_event("/agent");
  no_number["issue"].erase("number");
  Json other_repo = comment_event("/agent");
  other_repo["repository"]["full_name"] = "someone/else";
  std::vector<Case> cases = {
      {{"--event", (root_ / "bad.json").string()}, "bad.json: not valid JSON"},
      {{"--event", (root_ / "missing.json").string()}, "missing.json"},
      {{"--event", write_json("nonum.json", no_number)}, "issue.number is missing"},
      {{"--event", write_json("other.json", other_repo)}, "about repository someone/else, not --slug octo/hello"},
      {{"--event", comment_file(), "--issue-number", "7"}, "not both"},
      {{"--issue-number", "7"}, "--issue-title is required"},
      {{"--event", comment_file(), "--remote", "upstream"}, "--remote upstream: the repository has no remote named"},
      {{"--event", comment_file(), "--base", "develop"}, "has no branch \"develop\" (--base)"},
      {{"--event", comment_file(), "--reasoning", "extreme"}, "--reasoning"},
      {{"--event", comment_file(), "--allow", " , "}, "--allow"},
      {{"--event", comment_file(), "--device", "gpu"}, "--device must be cpu, cuda or cuda:N, got \"gpu\""},
  };
  for (const auto& c : cases) {
    auto r = pr(script, c.args);
    EXPECT_EQ(r.exit_code, 2) << c.expect << ": " << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
  }
  auto no_token = pr(script, {"--event", comment_file()}, "");
  EXPECT_EQ(no_token.exit_code, 2);
  EXPECT_NE(no_token.err.find("--token-env PR_E2E_TOKEN"), std::string::npos) << no_token.err;
  expect_nothing_done();
}

TEST_F(PrFailureTest, GiteaAndGitLabThroughTheSameInterface) {
  for (const std::string flavor : {"gitea", "gitlab"}) {
    PrFixture::SetUp();
    start_forge(flavor);
    auto r = pr(good_script(), {"--event", comment_file(), "--draft"});
    ASSERT_EQ(r.exit_code, 0) << flavor << ": " << r.err;
    ASSERT_EQ(forge_->pulls().size(), 1u) << flavor;
    EXPECT_EQ(forge_->pulls()[0].title, (flavor == "gitea" ? "WIP: " : "Draft: ") + std::string("Fix #7: mean() divides by zero on an empty list"));
    auto again = pr(write_script({turn_write("NOTES.md", "n\n"), turn_final("More.")}), {"--event", comment_file()});
    ASSERT_EQ(again.exit_code, 0) << flavor << ": " << again.err;
    EXPECT_EQ(forge_->pulls().size(), 1u) << flavor << ": updated, not duplicated";
    EXPECT_EQ(forge_->comments().size(), 2u) << flavor;
    for (const auto& v : forge_->violations()) ADD_FAILURE() << flavor << ": " << v;
  }
}

}  // namespace
}  // namespace agent::testing
