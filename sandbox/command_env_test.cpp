#include "sandbox/command_env.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace agent {
namespace {

TEST(CommandEnv, SecretNames) {
  for (const char* n : {"DEEPSEEK_API_KEY", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "db_password",
                        "SSH_AUTH_SOCK", "ANTHROPIC_AUTH_TOKEN", "NPM_TOKEN"}) {
    EXPECT_TRUE(is_secret_env_name(n)) << n;
  }
  for (const char* n : {"PATH", "HOME", "LANG", "CARGO_HOME", "GOPATH", "PYTHONPATH"}) {
    EXPECT_FALSE(is_secret_env_name(n)) << n;
  }
}

TEST(CommandEnv, ExtraOverridesAndDefaultsAdded) {
  auto env = build_command_env({"PATH=/bin", "PAGER=less"}, {"HOME=/tmp/h"});
  auto has = [&](const std::string& e) { return std::find(env.begin(), env.end(), e) != env.end(); };
  EXPECT_TRUE(has("PATH=/bin"));
  EXPECT_TRUE(has("PAGER=cat"));
  EXPECT_TRUE(has("HOME=/tmp/h"));
  EXPECT_TRUE(has("GIT_TERMINAL_PROMPT=0"));
}

}  // namespace
}  // namespace agent
