#include "sandbox/command_env.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/logging.h"

namespace agent {
namespace {

bool has_name(const std::vector<std::string>& env, const std::string& name) {
  return std::any_of(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(name + "=", 0) == 0; });
}

TEST(CommandEnv, SecretNames) {
  for (const char* n : {"DEEPSEEK_API_KEY", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "db_password",
                        "SSH_AUTH_SOCK", "ANTHROPIC_AUTH_TOKEN", "NPM_TOKEN", "GITHUB_PAT", "GITLAB_PAT",
                        "SENTRY_DSN", "DSN", "MYSQL_PASSWD", "GPG_PASSPHRASE", "AZURE_CREDENTIALS",
                        "HTTP_AUTHORIZATION", "BASIC_AUTH", "DB_PASS", "REGISTRY_CREDS"}) {
    EXPECT_TRUE(is_secret_env_name(n)) << n;
  }
  for (const char* n : {"PATH", "HOME", "LANG", "CARGO_HOME", "GOPATH", "PYTHONPATH", "GIT_AUTHOR_NAME",
                        "GIT_AUTHOR_EMAIL", "OLDPWD", "DISPLAY", "PATCH_LEVEL", "PASS_THROUGH"}) {
    EXPECT_FALSE(is_secret_env_name(n)) << n;
  }
}

TEST(CommandEnv, SecretValues) {
  for (const char* v : {"postgres://u:hunter2@host/db", "https://oauth2:abc123@gitlab.example.com/x.git",
                        "mysql://root:pw@127.0.0.1:3306", "redis://a:b@h:6379/0,redis://c@d",
                        "ghp_0123456789abcdefABCDEF0123456789abcd", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
                        "gho_0123456789abcdefABCDEF", "ghs_0123456789abcdefABCDEF", "glpat-0123456789abcdefABCD",
                        "sk-0123456789abcdef0123456789abcdef", "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx",
                        "sk-ant-api03-abcdefghijklmnopqrstuvwxyz", "xoxb-1234567890-abcdefghij",
                        "xoxp-1234567890-abcdefghij", "AKIAIOSFODNN7EXAMPLE", "Bearer ghp_0123456789abcdefABCDEF0123",
                        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
                        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----"}) {
    EXPECT_TRUE(is_secret_env_value(v)) << v;
  }
  for (const char* v : {"/usr/local/bin:/usr/bin:/bin", "/home/u", "en_US.UTF-8", "/home/u/.cargo",
                        "http://proxy.example.com:3128", "https://user@host/x", "git@github.com:o/r.git",
                        "rs=0:di=01;34:ln=01;36:mh=00:pi=40;33", "/opt/sk-tools/bin", "task-runner-sk-x",
                        "https://o1.ingest.sentry.io/1", "-O2 -g", "xterm-256color", "ghp_short"}) {
    EXPECT_FALSE(is_secret_env_value(v)) << v;
  }
}

// The audit's leaks: a forge token, a database URL, a Sentry DSN; ordinary variables stay.
TEST(CommandEnv, DropsSecretsByNameAndValue) {
  auto env = build_command_env({"PATH=/usr/bin", "HOME=/home/u", "LANG=C.UTF-8", "CARGO_HOME=/home/u/.cargo",
                                "GOPATH=/home/u/go", "GIT_AUTHOR_NAME=A U Thor", "GITHUB_PAT=ghp_x",
                                "DATABASE_URL=postgres://u:hunter2@host/db",
                                "SENTRY_DSN=https://abc@o1.ingest.sentry.io/1",
                                "UPLOAD=ghp_0123456789abcdefABCDEF0123456789abcd", "DB_PASSWORD=x"});
  for (const char* kept : {"PATH", "HOME", "LANG", "CARGO_HOME", "GOPATH", "GIT_AUTHOR_NAME"}) {
    EXPECT_TRUE(has_name(env, kept)) << kept;
  }
  for (const char* gone : {"GITHUB_PAT", "DATABASE_URL", "SENTRY_DSN", "UPLOAD", "DB_PASSWORD"}) {
    EXPECT_FALSE(has_name(env, gone)) << gone;
  }
}

// api.key_env = "LLMAPIVAR": the variable the key was read from is named by the caller, and
// a copy of a registered secret under any other name is dropped too.
TEST(CommandEnv, DropsTheNamedKeyVariableAndRegisteredSecrets) {
  auto env = build_command_env({"LLMAPIVAR=plain-looking-value-1234", "OTHER=1"}, {}, {"LLMAPIVAR"});
  EXPECT_FALSE(has_name(env, "LLMAPIVAR"));
  EXPECT_TRUE(has_name(env, "OTHER"));
  register_secret("registered-command-env-secret-42");
  env = build_command_env({"INNOCENT=registered-command-env-secret-42", "COPY=x:registered-command-env-secret-42",
                           "OTHER=1"});
  EXPECT_FALSE(has_name(env, "INNOCENT"));
  EXPECT_FALSE(has_name(env, "COPY"));
  EXPECT_TRUE(has_name(env, "OTHER"));
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
