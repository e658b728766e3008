#include "policies/policy.h"

#include <gtest/gtest.h>

#include "policies/default_policy.h"
#include "policies/policy_file.h"

namespace agent::policy {
namespace {

constexpr const char* kUserRules = R"toml(
[[command]]
prefix = "rm"
decision = "deny"
reason = "no deleting here"

[[command]]
prefix = ["curl"]
decision = "ask"

[[command]]
prefix = ["make"]
decision = "allow"
)toml";

PolicyConfig config(bool sandboxed = true, const char* user = kUserRules) {
  auto builtin = builtin_policy(sandboxed);
  EXPECT_TRUE(builtin.ok()) << builtin.status().to_string();
  auto u = parse_policy_layer(user, "user.toml", Layer::kUser);
  EXPECT_TRUE(u.ok()) << u.status().to_string();
  return merge_layers({{Layer::kBuiltin, *builtin}, {Layer::kUser, *u}});
}

struct Case {
  const char* line;
  Verdict want;
};

class CommandTable : public ::testing::TestWithParam<Case> {};

TEST_P(CommandTable, Decides) {
  static const PolicyConfig cfg = config();
  Decision d = decide_command(GetParam().line, cfg);
  EXPECT_EQ(verdict_name(d.verdict), verdict_name(GetParam().want)) << GetParam().line << "\n" << d.reason;
  EXPECT_FALSE(d.reason.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Wrappers, CommandTable,
    ::testing::Values(
        Case{"ls -la", Verdict::kAllow}, Case{"make test", Verdict::kAllow},
        Case{"bash build.sh", Verdict::kAllow}, Case{"python3 -m pytest -q", Verdict::kAllow},
        Case{"rm x", Verdict::kDeny}, Case{"/usr/bin/rm x", Verdict::kDeny},
        Case{"./rm x", Verdict::kDeny}, Case{"bash -c 'rm x'", Verdict::kDeny},
        Case{"sh -c \"echo hi; rm x\"", Verdict::kDeny}, Case{"bash -lc 'cd a && rm x'", Verdict::kDeny},
        Case{"env X=1 rm x", Verdict::kDeny}, Case{"env -S 'rm x'", Verdict::kDeny},
        Case{"timeout 5 rm x", Verdict::kDeny}, Case{"timeout -k 1 -s KILL 5 rm x", Verdict::kDeny},
        Case{"nice -n 10 rm x", Verdict::kDeny}, Case{"nohup rm x &", Verdict::kDeny},
        Case{"echo ok; rm x", Verdict::kDeny}, Case{"true && rm x", Verdict::kDeny},
        Case{"false || rm x", Verdict::kDeny}, Case{"ls | rm x", Verdict::kDeny},
        Case{"(rm x)", Verdict::kDeny}, Case{"{ rm x; }", Verdict::kDeny},
        Case{"echo $(rm x)", Verdict::kDeny}, Case{"echo `rm x`", Verdict::kDeny},
        Case{"cat <(rm x)", Verdict::kDeny}, Case{"if true; then rm x; fi", Verdict::kDeny},
        Case{"\\rm x", Verdict::kDeny}, Case{"r''m x", Verdict::kDeny}, Case{"$'rm' x", Verdict::kDeny},
        Case{"xargs rm < list", Verdict::kDeny}, Case{"find . -exec rm {} +", Verdict::kDeny},
        Case{"eval 'rm x'", Verdict::kDeny}, Case{"watch -n1 rm x", Verdict::kDeny},
        Case{"busybox rm x", Verdict::kDeny}, Case{"command rm x", Verdict::kDeny},
        Case{"cat <<EOF\n$(rm x)\nEOF", Verdict::kDeny}, Case{"sudo ls", Verdict::kDeny},
        Case{"X=rm; $X x", Verdict::kAsk}, Case{"curl example.com", Verdict::kAsk},
        Case{"curl x && rm y", Verdict::kDeny}, Case{"git push origin main", Verdict::kAsk},
        Case{"git -C . status && git push", Verdict::kAsk}, Case{"echo rm", Verdict::kAllow},
        Case{"grep -r 'rm -rf' .", Verdict::kAllow}, Case{"cat <<'EOF'\n$(rm x)\nEOF", Verdict::kAllow}));

TEST(Policy, AskKeysNameWhatAnAlwaysAnswerApproves) {
  Decision d = decide_command("git push && curl x", config());
  ASSERT_EQ(d.verdict, Verdict::kAsk);
  EXPECT_EQ(d.ask_keys, (std::vector<std::string>{"git push", "curl"}));
  EXPECT_NE(d.reason.find("publishes commits"), std::string::npos) << d.reason;
}

TEST(Policy, WritesByPath) {
  PolicyConfig cfg = config();
  auto w = [&](const char* tool, Json args) { return decide({tool, std::move(args), "/ws"}, cfg).verdict; };
  EXPECT_EQ(w("write_file", {{"path", "src/a.c"}, {"content", ""}}), Verdict::kAllow);
  EXPECT_EQ(w("write_file", {{"path", ".git/hooks/pre-commit"}}), Verdict::kDeny);
  EXPECT_EQ(w("edit_file", {{"path", "/ws/vendor/x/.git/config"}}), Verdict::kDeny);
  EXPECT_EQ(w("edit_file", {{"path", "./.git/config"}}), Verdict::kDeny);
  EXPECT_EQ(w("write_file", {{"path", ".github/workflows/ci.yml"}}), Verdict::kAsk);
  EXPECT_EQ(w("apply_patch", {{"patch", "*** Begin Patch\n*** Update File: src/a.c\n@@\n-a\n+b\n"
                                         "*** Add File: .agent/policy.toml\n+x\n*** End Patch\n"}}),
            Verdict::kDeny);
  EXPECT_EQ(w("apply_patch", {{"patch", "--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n@@ -1 +1 @@\n-a\n+b\n"}}),
            Verdict::kAsk);
  EXPECT_EQ(w("read_file", {{"path", ".git/config"}}), Verdict::kAllow);
}

TEST(Policy, PatchPaths) {
  EXPECT_EQ(patch_paths("*** Begin Patch\n*** Update File: a.c\n*** Move to: b.c\n@@\n--- x\n*** Delete File: c.c\n*** End Patch"),
            (std::vector<std::string>{"a.c", "b.c", "c.c"}));
  EXPECT_EQ(patch_paths("--- /dev/null\n+++ b/new.txt\t2024-01-01\n@@ -0,0 +1 @@\n+x\n"),
            (std::vector<std::string>{"new.txt"}));
}

TEST(Policy, PathGlobs) {
  EXPECT_TRUE(path_glob_match("**/.git/**", ".git/hooks/x"));
  EXPECT_TRUE(path_glob_match("**/.git/**", "a/b/.git/config"));
  EXPECT_FALSE(path_glob_match("**/.git/**", ".gitignore"));
  EXPECT_TRUE(path_glob_match("src/*.c", "src/a.c"));
  EXPECT_FALSE(path_glob_match("src/*.c", "src/x/a.c"));
  EXPECT_TRUE(path_glob_match("docs/**", "docs/a/b.md"));
  EXPECT_TRUE(path_glob_match("**/*.md", "README.md"));
}

TEST(Policy, NetworkAndUnsandboxedDefaults) {
  auto deny_net = parse_policy_layer("[defaults]\nnetwork = \"deny\"\n", "u.toml", Layer::kUser);
  ASSERT_TRUE(deny_net.ok());
  PolicyConfig cfg = merge_layers({{Layer::kUser, *deny_net}});
  EXPECT_EQ(decide_network(true, cfg).verdict, Verdict::kDeny);
  EXPECT_EQ(decide_network(false, cfg).verdict, Verdict::kAllow);
  PolicyConfig off = config(false, "");
  EXPECT_EQ(decide_command("ls -la && git status", off).verdict, Verdict::kAllow);
  EXPECT_EQ(decide_command("make", off).verdict, Verdict::kAsk);
  EXPECT_EQ(decide_command("git commit -m x", off).verdict, Verdict::kAsk);
  EXPECT_EQ(decide_command("bash -c 'ls'", off).verdict, Verdict::kAsk) << "bash itself is not in the read-only list";
}

}  // namespace
}  // namespace agent::policy
