// The three forge clients against the fake forge (which checks each request as the real API
// would), over the real HTTP client.
#include "tasks/pr/forge.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "common/fs.h"
#include "tests/support/fake_forge.h"

namespace agent::pr {
namespace {

using testing::FakeForge;

ForgeConfig config(const std::string& kind, const std::string& url, const std::string& slug, const std::string& token) {
  ForgeConfig c;
  c.kind = kind;
  c.api_url = url;
  c.slug = slug;
  c.token = token;
  return c;
}

int sh(const std::string& cmd) { return std::system(cmd.c_str()); }

class ForgeTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto d = TempDir::create("agent-forge-");
    ASSERT_TRUE(d.ok());
    dir_ = std::move(*d);
    bare_ = dir_.path() / "remote.git";
    std::string work = (dir_.path() / "work").string();
    // A remote with main and a branch one commit ahead, as the bot leaves it after a push.
    ASSERT_EQ(sh("git init -q --bare -b main " + bare_.string() + " && git init -q -b main " + work + " && cd " + work +
                 " && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m one && git checkout -q -b "
                 "agent/issue-7 && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m two && git push -q " +
                 bare_.string() + " main agent/issue-7"), 0);
    testing::FakeForgeOptions o;
    o.flavor = GetParam();
    o.token = "tok_forge_0123456789";
    o.bare_repo = bare_;
    fake_ = FakeForge::start(o);
    forge_ = make(o.token);
  }
  std::unique_ptr<Forge> make(const std::string& token) {
    ForgeConfig c = config(GetParam(), fake_->api_url(), "octo/hello", token);
    c.retry = api::RetryPolicy{4, 0.01, 0.05, 5.0};
    auto f = make_forge(c, std::make_shared<api::HttpClient>(api::HttpClientOptions{}));
    EXPECT_TRUE(f.ok()) << f.status().to_string();
    return f.ok() ? std::move(*f) : nullptr;
  }
  void TearDown() override {
    for (const auto& v : fake_->violations()) ADD_FAILURE() << "request the real API would reject: " << v;
  }
  TempDir dir_;
  std::filesystem::path bare_;
  std::unique_ptr<FakeForge> fake_;
  std::unique_ptr<Forge> forge_;
};

TEST_P(ForgeTest, OpenFindUpdateComment) {
  auto repo = forge_->repository();
  ASSERT_TRUE(repo.ok()) << repo.status().to_string();
  EXPECT_EQ(repo->default_branch, "main");
  auto none = forge_->find_open_pull("agent/issue-7", "main");
  ASSERT_TRUE(none.ok()) << none.status().to_string();
  EXPECT_FALSE(*none);

  auto pr = forge_->create_pull({"Fix #7: thing", "body text", "agent/issue-7", "main", true});
  ASSERT_TRUE(pr.ok()) << pr.status().to_string();
  EXPECT_EQ(pr->number, 8) << "numbers follow the issues'";
  EXPECT_NE(pr->url.find("/8"), std::string::npos) << pr->url;
  ASSERT_EQ(fake_->pulls().size(), 1u);
  std::string draft_title = GetParam() == "github" ? "Fix #7: thing" : GetParam() == "gitea" ? "WIP: Fix #7: thing" : "Draft: Fix #7: thing";
  EXPECT_EQ(fake_->pulls()[0].title, draft_title);
  EXPECT_EQ(fake_->pulls()[0].draft, GetParam() == "github");
  EXPECT_EQ(fake_->pulls()[0].body, "body text");

  auto found = forge_->find_open_pull("agent/issue-7", "main");
  ASSERT_TRUE(found.ok() && *found) << found.status().to_string();
  EXPECT_EQ((*found)->number, pr->number);
  EXPECT_EQ((*found)->head_sha.size(), 40u);

  auto again = forge_->create_pull({"Fix #7: thing", "b", "agent/issue-7", "main", false});
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists) << again.status().to_string();

  auto updated = forge_->update_pull(pr->number, "Fix #7: better", "new body");
  ASSERT_TRUE(updated.ok()) << updated.status().to_string();
  EXPECT_EQ(fake_->pulls()[0].title, "Fix #7: better");
  EXPECT_EQ(fake_->pulls()[0].body, "new body");
  EXPECT_EQ(fake_->pulls().size(), 1u);

  auto c = forge_->comment_on_issue(7, "Opened it.");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_EQ(fake_->comments().size(), 1u);
  EXPECT_EQ(fake_->comments()[0].issue, 7);
  EXPECT_EQ(forge_->comment_on_issue(99, "x").status().code(), StatusCode::kNotFound);
}

TEST_P(ForgeTest, RejectedTokenIsUnauthenticated) {
  auto bad = make("tok_wrong_000000000");
  auto r = bad->repository();
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << r.status().to_string();
  EXPECT_NE(r.status().message().find("401"), std::string::npos);
  EXPECT_EQ(r.status().message().find("tok_wrong"), std::string::npos) << "the token never shows";
}

TEST_P(ForgeTest, FiveHundredsAreRetriedUntilTheForgeRecovers) {
  std::string repo_route = GetParam() == "github" ? "GET /repos/octo/hello"
                           : GetParam() == "gitea" ? "GET /api/v1/repos/octo/hello"
                                                   : "GET /api/v4/projects/octo%2Fhello";
  fake_->fail_next(repo_route, 502, 2);
  auto r = forge_->repository();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(fake_->log().size(), 3u) << "two 502s, then the answer";

  fake_->fail_next(repo_route, 503, 10);
  auto down = forge_->repository();
  EXPECT_EQ(down.status().code(), StatusCode::kUnavailable) << down.status().to_string();
  EXPECT_EQ(fake_->log().size(), 3u + 4u) << "four attempts, then it gives up";
}

TEST_P(ForgeTest, NoCommitsBetweenBranchesQuotesTheForge) {
  auto r = forge_->create_pull({"t", "b", "main", "main", false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().to_string();
  EXPECT_NE(r.status().message().find("No commits between main and main"), std::string::npos) << r.status().message();
}

INSTANTIATE_TEST_SUITE_P(Forges, ForgeTest, ::testing::Values("github", "gitea", "gitlab"));

TEST(ForgeConfigTest, BadConfigurationNamesTheFlag) {
  auto t = std::make_shared<api::HttpClient>(api::HttpClientOptions{});
  EXPECT_NE(make_forge(config("bitbucket", "https://x", "o/r", "t"), t).status().message().find("--forge"), std::string::npos);
  EXPECT_NE(make_forge(config("github", "api.github.com", "o/r", "t"), t).status().message().find("--api-url"), std::string::npos);
  EXPECT_NE(make_forge(config("github", "https://api.github.com", "justname", "t"), t).status().message().find("--slug"), std::string::npos);
  EXPECT_NE(make_forge(config("github", "https://api.github.com", "a/b/c", "t"), t).status().message().find("--slug"), std::string::npos);
  EXPECT_TRUE(make_forge(config("gitlab", "https://gitlab.com/api/v4", "group/sub/name", "t"), t).ok());
}

TEST(ForgeConfigTest, PlainHttpOnlyToLoopback) {
  auto t = std::make_shared<api::HttpClient>(api::HttpClientOptions{});
  for (const char* url : {"http://api.example.com", "http://10.0.0.5:3000/api/v1", "http://127.evil.example/api/v4"}) {
    auto f = make_forge(config("gitea", url, "o/r", "secret_token_value"), t);
    ASSERT_FALSE(f.ok()) << url;
    EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument) << url;
    EXPECT_NE(f.status().message().find("refusing to send the token over plain http"), std::string::npos)
        << f.status().message();
    EXPECT_EQ(f.status().message().find("secret_token_value"), std::string::npos);
  }
  for (const char* url : {"http://127.0.0.1:8080", "http://localhost/api/v1", "http://[::1]:3000/api/v4",
                          "https://git.example.com/api/v1"}) {
    EXPECT_TRUE(make_forge(config("gitea", url, "o/r", "t"), t).ok()) << url;
  }
}

TEST(ForgeAnswersTest, MalformedAnswersAreErrorsNamingTheField) {
  auto server = testing::FakeHttpServer::start([](const testing::FakeRequest& r) {
    if (r.method == "GET") return testing::FakeResponse::text(200, "application/json", "{\"name\": \"hello\"}");
    return testing::FakeResponse::text(201, "application/json", "{\"html_url\": \"https://x\"}");
  });
  ForgeConfig c = config("github", server->url(), "octo/hello", "tok_forge_0123456789");
  auto forge = make_forge(c, std::make_shared<api::HttpClient>(api::HttpClientOptions{}));
  ASSERT_TRUE(forge.ok());
  auto repo = (*forge)->repository();
  EXPECT_EQ(repo.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(repo.status().message().find("default_branch"), std::string::npos) << repo.status().message();
  auto pr = (*forge)->create_pull({"t", "b", "h", "main", false});
  EXPECT_EQ(pr.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(pr.status().message().find("\"number\""), std::string::npos) << pr.status().message();
}

}  // namespace
}  // namespace agent::pr
