#include "policies/policy_file.h"

#include <gtest/gtest.h>

#include "policies/default_policy.h"

namespace agent::policy {
namespace {

std::string error_of(const std::string& text, Layer layer = Layer::kUser) {
  auto r = parse_policy_layer(text, "rules.toml", layer);
  return r.ok() ? "" : r.status().message();
}

TEST(PolicyFile, TheBuiltInPolicyLoadsWithItsExamples) {
  auto on = builtin_policy(true);
  ASSERT_TRUE(on.ok()) << on.status().to_string();
  EXPECT_GE(on->commands.size(), 8u);
  EXPECT_GE(on->writes.size(), 5u);
  auto off = builtin_policy(false);
  ASSERT_TRUE(off.ok()) << off.status().to_string();
  EXPECT_EQ(off->command, Verdict::kAsk);
}

TEST(PolicyFile, ParsesRulesDefaultsAndSandbox) {
  auto r = parse_policy_layer(R"(
[defaults]
command = "ask"
builtin_rules = false

[sandbox]
home_visible = [".m2"]
memory = "8G"
max_processes = 512
shell = "oneshot"

[[command]]
prefix = ["git", ["push", "fetch"]]
decision = "deny"
match = ["git fetch origin"]
not_match = ["git pull"]

[[write]]
path = "secrets/**"
decision = "deny"
match = ["secrets/a/b.key"]
)", "rules.toml", Layer::kUser);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->command, Verdict::kAsk);
  EXPECT_FALSE(r->builtin_rules);
  EXPECT_EQ(r->sandbox.home_visible, std::vector<std::string>{".m2"});
  EXPECT_EQ(*r->sandbox.memory_bytes, 8ull << 30);
  EXPECT_EQ(*r->sandbox.max_processes, 512u);
  EXPECT_EQ(*r->sandbox.shell, "oneshot");
  ASSERT_EQ(r->commands.size(), 1u);
  EXPECT_EQ(r->commands[0].source, "rules.toml:12");
  auto builtin = builtin_policy(true);
  PolicyConfig cfg = merge_layers({{Layer::kBuiltin, *builtin}, {Layer::kUser, *r}});
  EXPECT_EQ(cfg.commands.size(), 1u) << "builtin_rules = false drops the built-in rules";
}

struct BadCase {
  const char* text;
  Layer layer;
  const char* message;  // part of the error
};

class BadFiles : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadFiles, AreRefusedWithALineNumber) {
  std::string e = error_of(GetParam().text, GetParam().layer);
  EXPECT_NE(e.find(GetParam().message), std::string::npos) << e;
  EXPECT_EQ(e.rfind("rules.toml:", 0), 0u) << e;
}

INSTANTIATE_TEST_SUITE_P(
    Policy, BadFiles,
    ::testing::Values(
        BadCase{"[[command]\nprefix = 1", Layer::kUser, ""},
        BadCase{"[[command]]\nprefix = \"rm\"\n", Layer::kUser, "needs `decision`"},
        BadCase{"[[command]]\nprefix = \"rm\"\ndecision = \"maybe\"\n", Layer::kUser, "allow, ask or deny"},
        BadCase{"[[command]]\nprefx = \"rm\"\ndecision = \"deny\"\n", Layer::kUser, "unknown key `prefx`"},
        BadCase{"[[command]]\nprefix = \"rm -rf\"\ndecision = \"deny\"\nmatch = [\"rm -r x\"]\n", Layer::kUser,
                "does not match its example \"rm -r x\""},
        BadCase{"[[command]]\nprefix = [\"rm\", \"*\"]\ndecision = \"deny\"\nnot_match = [\"rm x\"]\n", Layer::kUser,
                "matches its not_match example"},
        BadCase{"[[write]]\npath = \"/etc/**\"\ndecision = \"deny\"\n", Layer::kUser, "relative to the repository"},
        BadCase{"[[command]]\nprefix = \"ls\"\ndecision = \"allow\"\n", Layer::kProject, "may only deny or ask"},
        BadCase{"[sandbox]\nhome_visible = [\".ssh\"]\n", Layer::kProject, "cannot change [sandbox]"},
        BadCase{"[defaults]\ncommand = \"allow\"\n", Layer::kProject, "only tighten"},
        BadCase{"[sandbox]\nmemory = \"12Q\"\n", Layer::kUser, "unit must be"},
        BadCase{"[rules]\nx = 1\n", Layer::kUser, "unknown section `rules`"}));

TEST(PolicyFile, ProjectDefaultsOnlyTighten) {
  auto user = parse_policy_layer("[defaults]\ncommand = \"ask\"\n", "u", Layer::kUser);
  auto project = parse_policy_layer("[defaults]\nwrite = \"ask\"\n[[command]]\nprefix = \"curl\"\ndecision = \"deny\"\n",
                                    "p", Layer::kProject);
  ASSERT_TRUE(user.ok() && project.ok());
  PolicyConfig cfg = merge_layers({{Layer::kUser, *user}, {Layer::kProject, *project}});
  EXPECT_EQ(cfg.defaults.command, Verdict::kAsk);
  EXPECT_EQ(cfg.defaults.write, Verdict::kAsk);
  EXPECT_EQ(cfg.commands.size(), 1u);
  EXPECT_EQ(cfg.sources, (std::vector<std::string>{"u", "p"}));
}

TEST(PolicyFile, Sizes) {
  EXPECT_EQ(*parse_size("512M"), 512ull << 20);
  EXPECT_EQ(*parse_size("2GiB"), 2ull << 30);
  EXPECT_EQ(*parse_size("4096"), 4096u);
  EXPECT_FALSE(parse_size("G").ok());
  EXPECT_FALSE(parse_size("0").ok());
}

}  // namespace
}  // namespace agent::policy
