// Test fixture for end-to-end runs of `agent pr`: a bare repository on disk as the remote, the
// user's clone of it (origin = file:// URL), a fake forge checking every request, real GitHub
// event payloads (tests/data/github-events) adapted to the test's repository, and the agent
// run with the scripted backend.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/fs.h"
#include "common/json.h"
#include "tests/support/fake_forge.h"
#include "tests/support/process.h"

namespace agent::testing {

inline constexpr const char* kForgeToken = "ghs_e2e_forge_token_0123456789";

class PrFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Starts the fake forge (SetUp starts a GitHub one; tests may restart it as another kind).
  void start_forge(const std::string& flavor);

  // A real payload from tests/data/github-events, about issue #7 of octo/hello.
  Json event(const std::string& fixture) const;
  // issue_comment "created" on issue #7 by `association`, with `body`.
  Json comment_event(const std::string& body, const std::string& association = "OWNER") const;
  std::string write_json(const std::string& name, const Json& j);
  std::string write_script(const std::vector<Json>& turns);

  // agent pr --repo repo --forge F --api-url U --slug octo/hello --token-env <token_env_>
  //          [--backend scripted --script S] --out run<N> <extra>
  ProcessResult pr(const std::string& script, std::vector<std::string> extra,
                   const std::string& token = kForgeToken, const std::string& event_name = "issue_comment");

  std::string git(const std::string& dir, const std::string& args);  // output of a git command
  std::string remote_tip(const std::string& branch);                  // "" when absent
  // A commit by someone else on the remote's `branch` (created from main when missing).
  std::string push_foreign_commit(const std::string& branch);
  // The user's checkout is as it was: on main, clean, no bot branch, no extra worktree.
  void expect_checkout_untouched();

  static Json turn_write(const std::string& path, const std::string& content);
  static Json turn_shell(const std::string& command);
  static Json turn_final(const std::string& text);

  TempDir tmp_;
  std::filesystem::path root_, bare_, repo_;
  std::string flavor_ = "github";
  std::unique_ptr<FakeForge> forge_;
  std::string token_env_ = "PR_E2E_TOKEN";  // --token-env
  std::string api_url_;                      // --api-url ("" = the fake forge's)
  bool scripted_ = true;                     // pass --backend scripted --script S
  std::vector<std::string> extra_env_;       // NAME=VALUE for the agent's environment
  // XDG_CONFIG_HOME of every run (no user config unless a test writes one there).
  std::filesystem::path config_home_;
  int runs_ = 0;
  std::filesystem::path last_run_;
};

}  // namespace agent::testing
