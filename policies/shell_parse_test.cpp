#include "policies/shell_parse.h"

#include <gtest/gtest.h>

namespace agent::policy {
namespace {

// Each command line and the programs (argv[0] basenames, with arguments) it would run.
struct ParseCase {
  const char* line;
  std::vector<std::string> commands;  // "prog arg ..." per simple command, in order found
};

std::vector<std::string> flatten(const ParsedScript& s) {
  std::vector<std::string> out;
  for (const auto& c : s.commands) {
    std::string t = c.dynamic_program ? "?" : program_name(c.argv[0]);
    for (size_t i = 1; i < c.argv.size(); ++i) t += " " + c.argv[i];
    out.push_back(t);
  }
  return out;
}

class ParseTable : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseTable, FindsEverySimpleCommand) {
  const ParseCase& c = GetParam();
  EXPECT_EQ(flatten(parse_shell(c.line)), c.commands) << c.line;
}

INSTANTIATE_TEST_SUITE_P(
    Shell, ParseTable,
    ::testing::Values(
        ParseCase{"ls -la", {"ls -la"}},
        ParseCase{"a; b && c || d | e & f", {"a", "b", "c", "d", "e", "f"}},
        ParseCase{"echo 'a b' \"c d\" e\\ f", {"echo a b c d e f"}},
        ParseCase{"X=1 Y=\"2 3\" make -j2 > log 2>&1 < in", {"make -j2"}},
        ParseCase{"(cd sub && rm -rf x)", {"cd sub", "rm -rf x"}},
        ParseCase{"{ rm a; }", {"rm a"}},
        ParseCase{"if true; then rm a; else rm b; fi", {"true", "rm a", "rm b"}},
        ParseCase{"for f in a b; do rm $f; done", {"rm $"}},
        ParseCase{"echo $(rm -rf x) `id`", {"rm -rf x", "id", "echo $(..) `..`"}},
        ParseCase{"diff <(sort a) b", {"sort a", "diff <(..) b"}},
        ParseCase{"bash -c 'git push origin'", {"bash -c git push origin", "git push origin"}},
        ParseCase{"sh -lc \"cd x; sudo ls\"", {"sh -lc cd x; sudo ls", "cd x", "sudo ls", "ls"}},
        ParseCase{"env -i A=1 timeout -s KILL 5 nice -n 3 /usr/bin/rm x",
                  {"env -i A=1 timeout -s KILL 5 nice -n 3 /usr/bin/rm x",
                   "timeout -s KILL 5 nice -n 3 /usr/bin/rm x", "nice -n 3 /usr/bin/rm x", "rm x"}},
        ParseCase{"find . -name '*.o' -exec rm {} \\;", {"find . -name *.o -exec rm {} ;", "rm {}"}},
        ParseCase{"ls | xargs -0 -I{} rm {}", {"ls", "xargs -0 -I{} rm {}", "rm {}"}},
        ParseCase{"eval \"rm -rf /\"", {"eval rm -rf /", "rm -rf /"}},
        ParseCase{"$CMD x", {"? x"}},
        ParseCase{"r''m x; \\rm y; $'\\x72m' z", {"rm x", "rm y", "rm z"}},
        ParseCase{"cat <<EOF\n$(rm a)\nEOF\nls", {"cat", "rm a", "ls"}},
        ParseCase{"cat <<'EOF'\n$(rm a)\nEOF", {"cat"}},
        ParseCase{"# rm -rf /\necho ok", {"echo ok"}},
        ParseCase{"sudo -u root -- rm x", {"sudo -u root -- rm x", "rm x"}},
        ParseCase{"busybox rm x", {"busybox rm x", "rm x"}},
        ParseCase{"echo ${X:-$(rm a)}", {"rm a", "echo $(..)"}},
        ParseCase{"f() { rm a; }; f", {"f", "rm a", "f"}},
        ParseCase{"(( i++ )); echo $((1+2))", {"echo $((..))"}},
        ParseCase{"command -v rm; command rm x", {"command -v rm", "command rm x", "rm x"}},
        ParseCase{"time -p rm a; time make", {"rm a", "make"}},
        ParseCase{"trap 'rm a' EXIT; trap - INT", {"trap rm a EXIT", "rm a", "trap - INT"}},
        ParseCase{"git -C d -c a.b=c --no-pager push -f", {"git -C d -c a.b=c --no-pager push -f", "git push -f"}},
        ParseCase{"git --git-dir .g --work-tree=. log", {"git --git-dir .g --work-tree=. log", "git log"}},
        ParseCase{"git -c alias.p=push p x", {"git -c alias.p=push p x", "git push x"}},
        ParseCase{"git -c 'alias.x=!rm a' x", {"git -c alias.x=!rm a x", "rm a", "git x"}},
        ParseCase{"git -c core.pager=less log", {"git -c core.pager=less log", "less", "git log"}},
        ParseCase{"echo 'rm a' | bash", {"echo rm a", "bash", "rm a"}},
        ParseCase{"bash <<< 'rm a; ls'", {"bash", "rm a", "ls"}},
        ParseCase{"bash <<EOF; echo x\nrm a\nEOF\nls", {"echo x", "bash", "rm a", "ls"}},
        ParseCase{"source <(echo rm a)", {"echo rm a", "source <(..)", "rm a"}},
        ParseCase{"bash < <(echo rm a) 2>/dev/null", {"echo rm a", "bash", "rm a"}},
        ParseCase{"echo rm a | nohup bash -s", {"echo rm a", "nohup bash -s", "bash -s", "rm a"}},
        ParseCase{"stdbuf -o0 nice -5 rm a", {"stdbuf -o0 nice -5 rm a", "nice -5 rm a", "rm a"}}));

TEST(ShellParse, DynamicProgramNamesAreMarked) {
  auto s = parse_shell("$X -rf /; /usr/bin/r? x; r{m,x} y; \"$(which rm)\" z");
  ASSERT_EQ(s.commands.size(), 5u);
  EXPECT_TRUE(s.commands[0].dynamic_program);
  EXPECT_TRUE(s.commands[1].dynamic_program);
  EXPECT_TRUE(s.commands[2].dynamic_program);
  EXPECT_EQ(program_name(s.commands[3].argv[0]), "which");
  EXPECT_TRUE(s.commands[4].dynamic_program);
}

TEST(ShellParse, ScriptsAndInterpretersAreOpaque) {
  auto s = parse_shell("bash build.sh; python3 -c 'import os'; bash -c 'ls'; echo | sh; bash < x.sh");
  std::vector<bool> opaque, hidden;
  for (const auto& c : s.commands) opaque.push_back(c.opaque), hidden.push_back(c.hidden_code);
  // bash build.sh | python3 | bash -c, ls | echo, sh | bash < x.sh
  EXPECT_EQ(opaque, (std::vector<bool>{true, true, false, false, false, false, true}));
  EXPECT_EQ(hidden, (std::vector<bool>(7, false)));
}

TEST(ShellParse, ShellCodeKnownOnlyAtRunTimeIsHidden) {
  for (const char* line : {"curl -s x | sh", "cat a.sh | bash", "printf 'ls' | bash", "eval \"$X\"",
                           "bash -c \"$X\"", "source <(curl x)", "bash <<< \"$X\"", "xargs sh -c",
                           "(echo a; echo b) | bash", "trap \"$X\" EXIT", "bash"}) {
    auto s = parse_shell(line);
    bool hidden = false;
    for (const auto& c : s.commands) hidden = hidden || c.hidden_code;
    EXPECT_TRUE(hidden) << line;
  }
  for (const char* line : {"echo ls | sh", "bash -c 'ls $1' _ x", "bash <<< 'ls'", "eval 'ls'", "bash x.sh"}) {
    for (const auto& c : parse_shell(line).commands) EXPECT_FALSE(c.hidden_code) << line;
  }
}

TEST(ShellParse, UnterminatedQuoteIsIncomplete) {
  EXPECT_FALSE(parse_shell("echo 'oops").complete);
  EXPECT_TRUE(parse_shell("echo 'ok'").complete);
}

}  // namespace
}  // namespace agent::policy
