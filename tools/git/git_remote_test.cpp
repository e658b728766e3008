#include "tools/git/git_remote.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "common/fs.h"
#include "tests/support/git_http_server.h"

namespace agent {
namespace {

// The git command only sets up and checks repositories; the code under test uses libgit2.
int sh(const std::string& cmd) { return std::system(cmd.c_str()); }

const char* kToken = "ghs_test_token_0123456789";

class GitRemoteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TempDir::create("agent-remote-");
    ASSERT_TRUE(d.ok());
    dir_ = std::move(*d);
    root_ = fs::canonical(dir_.path());
    bare_ = root_ / "srv" / "remote.git";
    repo_ = root_ / "repo";
    ASSERT_EQ(sh("git init -q --bare -b main " + bare_.string()), 0);
    ASSERT_EQ(sh("git init -q -b main " + repo_.string() + " && cd " + repo_.string() +
                 " && printf 'one\\n' > a.txt && " + git("add -A") + " && " + git("commit -qm first") + " && " +
                 git("push -q " + bare_.string() + " main")), 0);
    url_ = "file://" + bare_.string();
  }
  std::string git(const std::string& args) {
    return "git -C " + repo_.string() + " -c user.name=t -c user.email=t@t " + args;
  }
  std::string out(const std::string& cmd) {
    EXPECT_EQ(sh(cmd + " > " + (root_ / "git.out").string()), 0) << cmd;
    return *read_file(root_ / "git.out");
  }
  std::string remote_tip(const std::string& branch) {
    int rc = sh("git -C " + bare_.string() + " rev-parse --verify -q refs/heads/" + branch + " > " +
                (root_ / "tip.out").string());
    return rc == 0 ? read_file(root_ / "tip.out")->substr(0, 40) : "";
  }
  // A new commit on local branch `branch` (created from main when missing).
  std::string commit_on(const std::string& branch, const std::string& file) {
    EXPECT_EQ(sh(git("checkout -q -B " + branch) + " && printf x > " + (repo_ / file).string() + " && " +
                 git("add -A") + " && " + git("commit -qm " + file) + " && " + git("checkout -q main")), 0);
    return out(git("rev-parse " + branch)).substr(0, 40);
  }
  TempDir dir_;
  fs::path root_, bare_, repo_;
  std::string url_;
  GitCredentials none_;
};

TEST_F(GitRemoteTest, RemoteUrlAndSafeUrl) {
  ASSERT_EQ(sh(git("remote add origin " + url_)), 0);
  EXPECT_EQ(*git_remote_url(repo_, "origin"), url_);
  EXPECT_EQ(git_remote_url(repo_, "upstream").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(git_safe_url("https://x-access-token:secret@github.com/o/r.git"), "https://github.com/o/r.git");
  EXPECT_EQ(git_safe_url("https://github.com/o/r.git"), "https://github.com/o/r.git");
  EXPECT_EQ(git_safe_url("git@github.com:o/r.git"), "git@github.com:o/r.git");
}

TEST_F(GitRemoteTest, LsRemoteAndFetch) {
  std::string main_id = remote_tip("main");
  auto tips = git_ls_remote(repo_, url_, {"main", "absent"}, none_);
  ASSERT_TRUE(tips.ok()) << tips.status().to_string();
  EXPECT_EQ(tips->size(), 1u);
  EXPECT_EQ(tips->at("main"), main_id);
  auto fetched = git_fetch_branches(repo_, url_, "origin", {"main", "absent"}, none_);
  ASSERT_TRUE(fetched.ok()) << fetched.status().to_string();
  EXPECT_EQ(fetched->at("main"), main_id);
  EXPECT_EQ(out(git("rev-parse refs/remotes/origin/main")).substr(0, 40), main_id);
  auto missing = git_ls_remote(repo_, "file://" + (root_ / "nowhere.git").string(), {"main"}, none_);
  EXPECT_FALSE(missing.ok());
}

TEST_F(GitRemoteTest, PushWithLease) {
  std::string first = commit_on("agent/issue-1", "b.txt");
  ASSERT_TRUE(git_push_with_lease(repo_, url_, "agent/issue-1", "agent/issue-1", std::nullopt, none_).ok());
  EXPECT_EQ(remote_tip("agent/issue-1"), first);

  // The branch exists now: a push that expects it absent must not overwrite it.
  std::string second = commit_on("agent/issue-1", "c.txt");
  Status absent = git_push_with_lease(repo_, url_, "agent/issue-1", "agent/issue-1", std::nullopt, none_);
  EXPECT_EQ(absent.code(), StatusCode::kFailedPrecondition) << absent.to_string();
  EXPECT_NE(absent.message().find("moved"), std::string::npos) << absent.message();
  EXPECT_EQ(remote_tip("agent/issue-1"), first);

  ASSERT_TRUE(git_push_with_lease(repo_, url_, "agent/issue-1", "agent/issue-1", first, none_).ok());
  EXPECT_EQ(remote_tip("agent/issue-1"), second);

  // A rewritten branch (not a fast-forward) goes through too: the lease, not history, decides.
  ASSERT_EQ(sh(git("branch -f agent/issue-1 main")), 0);
  std::string rewritten = commit_on("agent/issue-1", "d.txt");
  Status stale = git_push_with_lease(repo_, url_, "agent/issue-1", "agent/issue-1", first, none_);
  EXPECT_EQ(stale.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(stale.message().find(second), std::string::npos) << "names what it found: " << stale.message();
  EXPECT_EQ(remote_tip("agent/issue-1"), second);
  ASSERT_TRUE(git_push_with_lease(repo_, url_, "agent/issue-1", "agent/issue-1", second, none_).ok());
  EXPECT_EQ(remote_tip("agent/issue-1"), rewritten);

  EXPECT_EQ(git_push_with_lease(repo_, url_, "no-such", "x", std::nullopt, none_).code(), StatusCode::kNotFound);
}

class GitSmartHttpTest : public GitRemoteTest {
 protected:
  void SetUp() override {
    GitRemoteTest::SetUp();
    server_ = testing::GitHttpServer::start(root_ / "srv", "x-access-token", kToken);
    ASSERT_NE(server_, nullptr);
    http_url_ = server_->url("remote.git");
    good_.token = kToken;
  }
  std::unique_ptr<testing::GitHttpServer> server_;
  std::string http_url_;
  GitCredentials good_;
};

TEST_F(GitSmartHttpTest, TokenAuthFetchAndPush) {
  auto tips = git_fetch_branches(repo_, http_url_, "origin", {"main"}, good_);
  ASSERT_TRUE(tips.ok()) << tips.status().to_string();
  EXPECT_EQ(tips->at("main"), remote_tip("main"));
  std::string id = commit_on("agent/issue-2", "b.txt");
  Status pushed = git_push_with_lease(repo_, http_url_, "agent/issue-2", "agent/issue-2", std::nullopt, good_);
  ASSERT_TRUE(pushed.ok()) << pushed.to_string();
  EXPECT_EQ(remote_tip("agent/issue-2"), id);
  EXPECT_EQ(server_->rejected_credentials(), 0);
  bool saw_receive_pack = false;
  for (const auto& r : server_->requests()) saw_receive_pack |= r.find("POST /remote.git/git-receive-pack -> 200") == 0;
  EXPECT_TRUE(saw_receive_pack) << "the push went through smart HTTP";

  // The lease holds over HTTP as well.
  std::string next = commit_on("agent/issue-2", "c.txt");
  Status stale = git_push_with_lease(repo_, http_url_, "agent/issue-2", "agent/issue-2", std::nullopt, good_);
  EXPECT_EQ(stale.code(), StatusCode::kFailedPrecondition) << stale.to_string();
  EXPECT_EQ(remote_tip("agent/issue-2"), id);
  ASSERT_TRUE(git_push_with_lease(repo_, http_url_, "agent/issue-2", "agent/issue-2", id, good_).ok());
  EXPECT_EQ(remote_tip("agent/issue-2"), next);
}

// Trusting the test certificate is process-wide; no other test here uses HTTPS.
TEST_F(GitRemoteTest, HttpsCertificatesAreChecked) {
  testing::SelfSignedCert cert = testing::make_self_signed_cert();
  auto server = testing::GitHttpServer::start(root_ / "srv", "x-access-token", kToken, cert);
  ASSERT_NE(server, nullptr);
  GitCredentials creds;
  creds.token = kToken;
  std::string url = server->url("remote.git");
  ASSERT_EQ(url.rfind("https://localhost:", 0), 0u);
  std::string id = commit_on("agent/issue-4", "b.txt");
  Status untrusted = git_push_with_lease(repo_, url, "agent/issue-4", "agent/issue-4", std::nullopt, creds);
  EXPECT_EQ(untrusted.code(), StatusCode::kFailedPrecondition) << untrusted.to_string();
  EXPECT_NE(untrusted.message().find("certificate"), std::string::npos) << untrusted.message();
  EXPECT_EQ(remote_tip("agent/issue-4"), "") << "nothing pushed to an untrusted server";
  EXPECT_TRUE(server->requests().empty()) << "no request was sent, the token included";

  // Trusting that certificate (what SSL_CERT_FILE does for `agent pr`) lets the push through.
  ASSERT_TRUE(write_file_atomic(root_ / "ca.pem", cert.cert_pem).ok());
  ASSERT_TRUE(git_set_ca_locations((root_ / "ca.pem").string(), "").ok());
  Status trusted = git_push_with_lease(repo_, url, "agent/issue-4", "agent/issue-4", std::nullopt, creds);
  ASSERT_TRUE(trusted.ok()) << trusted.to_string();
  EXPECT_EQ(remote_tip("agent/issue-4"), id);
  EXPECT_EQ(git_set_ca_locations((root_ / "missing.pem").string(), "").code(), StatusCode::kInvalidArgument);
}

TEST_F(GitSmartHttpTest, BadOrMissingTokenIsAClearErrorAndPushesNothing) {
  commit_on("agent/issue-3", "b.txt");
  GitCredentials bad;
  bad.token = "ghs_wrong_token_9876543210";
  Status s = git_push_with_lease(repo_, http_url_, "agent/issue-3", "agent/issue-3", std::nullopt, bad);
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated) << s.to_string();
  EXPECT_NE(s.message().find("rejected the token"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find(bad.token), std::string::npos) << "the token never shows";
  EXPECT_EQ(server_->rejected_credentials(), 1) << "asked once, not in a loop";
  EXPECT_EQ(remote_tip("agent/issue-3"), "");

  auto tips = git_ls_remote(repo_, http_url_, {"main"}, none_);
  EXPECT_EQ(tips.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(tips.status().message().find("no token was given"), std::string::npos) << tips.status().message();
}

TEST_F(GitSmartHttpTest, TokenInTheUrlNeverShowsInErrors) {
  std::string url = http_url_;
  url.insert(url.find("//") + 2, "x-access-token:ghs_wrong_token_in_url_123@");
  GitCredentials bad;
  bad.token = "ghs_wrong_token_in_url_123";
  auto tips = git_ls_remote(repo_, url, {"main"}, bad);
  ASSERT_FALSE(tips.ok());
  EXPECT_EQ(tips.status().message().find("ghs_wrong_token_in_url_123"), std::string::npos) << tips.status().message();
}

// The repository's config is not the bot's to trust (the agent's commands can write it):
// url.*.insteadOf and pushInsteadOf must not send the fetch, the push or the token elsewhere.
TEST_F(GitSmartHttpTest, InsteadOfInTheRepositoryConfigIsIgnored) {
  ASSERT_EQ(sh("git init -q --bare -b main " + (root_ / "evil" / "remote.git").string()), 0);
  auto evil = testing::GitHttpServer::start(root_ / "evil", "", "");
  ASSERT_NE(evil, nullptr);
  std::string evil_url = evil->url("remote.git");
  ASSERT_EQ(sh(git("remote add origin " + http_url_) + " && " + git("config url." + evil_url + ".pushInsteadOf " + http_url_) +
               " && " + git("config --add url." + evil_url + ".insteadOf " + http_url_)), 0);
  EXPECT_EQ(*git_remote_url(repo_, "origin"), http_url_) << "the URL as written, not rewritten";

  auto tips = git_fetch_branches(repo_, http_url_, "origin", {"main"}, good_);
  ASSERT_TRUE(tips.ok()) << tips.status().to_string();
  std::string id = commit_on("agent/issue-5", "b.txt");
  Status pushed = git_push_with_lease(repo_, http_url_, "agent/issue-5", "agent/issue-5", std::nullopt, good_);
  ASSERT_TRUE(pushed.ok()) << pushed.to_string();
  EXPECT_EQ(remote_tip("agent/issue-5"), id) << "pushed to the real remote";
  EXPECT_TRUE(evil->requests().empty()) << "nothing, the token included, went to the other server";

  // The same for local remotes: the push lands in the bare repository named.
  ASSERT_EQ(sh(git("config url." + (root_ / "evil" / "remote.git").string() + ".pushInsteadOf " + url_)), 0);
  std::string next = commit_on("agent/issue-6", "c.txt");
  ASSERT_TRUE(git_push_with_lease(repo_, url_, "agent/issue-6", "agent/issue-6", std::nullopt, none_).ok());
  EXPECT_EQ(remote_tip("agent/issue-6"), next);
  EXPECT_NE(sh("git -C " + (root_ / "evil" / "remote.git").string() + " rev-parse -q --verify agent/issue-6 >/dev/null"), 0);
}

// A server that redirects to another host does not get the token: the redirect is refused.
TEST_F(GitSmartHttpTest, OffSiteRedirectGetsNoToken) {
  auto other = testing::GitHttpServer::start(root_ / "srv", "x-access-token", kToken);
  ASSERT_NE(other, nullptr);
  std::string other_url = other->url("remote.git");
  other_url.replace(other_url.find("127.0.0.1"), 9, "localhost");  // another host name
  auto redirector = testing::FakeHttpServer::start([&](const testing::FakeRequest& r) {
    auto resp = testing::FakeResponse::text(302, "text/plain", "moved");
    resp.headers.push_back({"Location", other_url + r.target.substr(r.target.find("/info/refs"))});
    return resp;
  });
  ASSERT_NE(redirector, nullptr);
  std::string url = redirector->url() + "/remote.git";
  commit_on("agent/issue-8", "b.txt");
  Status s = git_push_with_lease(repo_, url, "agent/issue-8", "agent/issue-8", std::nullopt, good_);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message().find(kToken), std::string::npos) << s.message();
  EXPECT_EQ(remote_tip("agent/issue-8"), "");
  EXPECT_TRUE(other->requests().empty()) << "the redirect was not followed";
}

TEST(GitLoopbackTest, OnlyThisMachinesNames) {
  for (const char* h : {"localhost", "LOCALHOST", "::1", "127.0.0.1", "127.1.2.3"}) EXPECT_TRUE(is_loopback_host(h)) << h;
  for (const char* h : {"127.evil.example", "127.0.0.1.nip.io", "127..0.1", "10.0.0.1", "example.com", "::2", ""}) {
    EXPECT_FALSE(is_loopback_host(h)) << h;
  }
}

}  // namespace
}  // namespace agent
