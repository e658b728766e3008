#include "tests/e2e/pr_fixture.h"

namespace agent::testing {

namespace {

const char* kGitEnv =
    "GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t "
    "GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z";

}  // namespace

void PrFixture::SetUp() {
  runs_ = 0;
  api_url_.clear();
  scripted_ = true;
  extra_env_.clear();
  auto d = TempDir::create("agent-pr-e2e-");
  ASSERT_TRUE(d.ok());
  tmp_ = std::move(*d);
  root_ = std::filesystem::canonical(tmp_.path());
  bare_ = root_ / "srv" / "remote.git";
  repo_ = root_ / "repo";
  config_home_ = root_ / "xdg";
  std::string seed = (root_ / "seed").string();
  ASSERT_EQ(sh("git init -q --bare -b main " + bare_.string() + " && git init -q -b main " + seed + " && cd " + seed +
               " && printf 'def mean(xs):\\n    return sum(xs) / len(xs)\\n' > stats.py && git add -A && " + kGitEnv +
               " git commit -q -m init && git push -q " + bare_.string() + " main && git clone -q file://" +
               bare_.string() + " " + repo_.string()),
            0);
  start_forge("github");
}

void PrFixture::TearDown() {
  if (!forge_) return;
  for (const auto& v : forge_->violations()) ADD_FAILURE() << "request the real API would reject: " << v;
}

void PrFixture::start_forge(const std::string& flavor) {
  if (forge_) {
    for (const auto& v : forge_->violations()) ADD_FAILURE() << "request the real API would reject: " << v;
  }
  forge_.reset();
  flavor_ = flavor;
  FakeForgeOptions o;
  o.flavor = flavor;
  o.token = kForgeToken;
  o.bare_repo = bare_;
  forge_ = FakeForge::start(o);
  ASSERT_NE(forge_, nullptr);
}

Json PrFixture::event(const std::string& fixture) const {
  auto text = read_file(source_dir() / "tests/data/github-events" / fixture);
  EXPECT_TRUE(text.ok()) << fixture;
  Json j = Json::parse(text.ok() ? *text : "{}");
  j["repository"]["full_name"] = "octo/hello";
  j["issue"]["number"] = 7;
  j["issue"]["html_url"] = "https://github.com/octo/hello/issues/7";
  j["issue"]["title"] = "mean() divides by zero on an empty list";
  j["issue"]["body"] = "mean([]) raises ZeroDivisionError; it should return 0.";
  return j;
}

Json PrFixture::comment_event(const std::string& body, const std::string& association) const {
  Json j = event("issue_comment.created.json");
  j["comment"]["body"] = body;
  j["comment"]["author_association"] = association;
  return j;
}

std::string PrFixture::write_json(const std::string& name, const Json& j) {
  std::filesystem::path p = root_ / name;
  EXPECT_TRUE(write_file_atomic(p, j.dump(2)).ok());
  return p.string();
}

std::string PrFixture::write_script(const std::vector<Json>& turns) {
  std::string text;
  for (const auto& t : turns) text += t.dump() + "\n";
  std::filesystem::path p = root_ / ("script" + std::to_string(runs_ + 1) + ".jsonl");
  EXPECT_TRUE(write_file_atomic(p, text).ok());
  return p.string();
}

ProcessResult PrFixture::pr(const std::string& script, std::vector<std::string> extra, const std::string& token,
                            const std::string& event_name) {
  last_run_ = root_ / ("run" + std::to_string(++runs_));
  std::vector<std::string> argv = {agent_binary().string(), "pr", "--repo", repo_.string(), "--forge", flavor_,
                                   "--api-url", api_url_.empty() ? forge_->api_url() : api_url_, "--slug",
                                   "octo/hello", "--token-env", token_env_, "--out", last_run_.string(),
                                   "--forge-retry-delay", "0.05"};
  if (scripted_) argv.insert(argv.end(), {"--backend", "scripted", "--script", script});
  argv.insert(argv.end(), extra.begin(), extra.end());
  ProcessOptions o;
  o.extra_env = {token_env_ + "=" + token, "GITHUB_EVENT_NAME=" + event_name, "XDG_CONFIG_HOME=" + config_home_.string()};
  o.extra_env.insert(o.extra_env.end(), extra_env_.begin(), extra_env_.end());
  o.timeout = std::chrono::seconds(60);
  return run_process(argv, o);
}

std::string PrFixture::git(const std::string& dir, const std::string& args) {
  std::string out = (root_ / "git.out").string();
  EXPECT_EQ(sh("git -C " + dir + " " + args + " > " + out + " 2>&1"), 0) << args;
  auto text = read_file(out);
  return text.ok() ? *text : "";
}

std::string PrFixture::remote_tip(const std::string& branch) {
  std::string out = (root_ / "tip.out").string();
  if (sh("git -C " + bare_.string() + " rev-parse --verify -q refs/heads/" + branch + " > " + out) != 0) return "";
  return read_file(out)->substr(0, 40);
}

std::string PrFixture::push_foreign_commit(const std::string& branch) {
  std::string other = (root_ / ("other" + std::to_string(runs_))).string();
  std::string base = remote_tip(branch).empty() ? "main" : branch;
  EXPECT_EQ(sh("git clone -q -b " + base + " file://" + bare_.string() + " " + other + " && cd " + other +
               " && echo human >> stats.py && git -c user.name=Someone -c user.email=someone@example.com commit -qam "
               "'human fix' && git push -q origin HEAD:refs/heads/" + branch),
            0);
  return remote_tip(branch);
}

void PrFixture::expect_checkout_untouched() {
  EXPECT_EQ(git(repo_.string(), "branch --show-current"), "main\n");
  EXPECT_EQ(git(repo_.string(), "status --porcelain"), "");
  EXPECT_EQ(git(repo_.string(), "branch --list 'agent/*'"), "") << "the bot's local branch is gone";
  std::string wt = git(repo_.string(), "worktree list --porcelain");
  EXPECT_EQ(wt.find("worktree", wt.find("worktree") + 1), std::string::npos) << "only the main worktree: " << wt;
}

Json PrFixture::turn_write(const std::string& path, const std::string& content) {
  return Json{{"tool_calls", Json::array({Json{{"name", "write_file"}, {"arguments", {{"path", path}, {"content", content}}}}})},
              {"usage", {{"prompt_tokens", 1500}, {"cached_tokens", 0}, {"completion_tokens", 120}, {"reasoning_tokens", 40}}}};
}

Json PrFixture::turn_shell(const std::string& command) {
  return Json{{"tool_calls", Json::array({Json{{"name", "shell"}, {"arguments", {{"command", command}}}}})},
              {"usage", {{"prompt_tokens", 1700}, {"cached_tokens", 1500}, {"completion_tokens", 30}, {"reasoning_tokens", 10}}}};
}

Json PrFixture::turn_final(const std::string& text) {
  return Json{{"content", text},
              {"usage", {{"prompt_tokens", 1900}, {"cached_tokens", 1700}, {"completion_tokens", 60}, {"reasoning_tokens", 20}}}};
}

}  // namespace agent::testing
