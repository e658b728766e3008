#include "tasks/approval.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <deque>

#include "policies/default_policy.h"

namespace agent::cli {
namespace {

class FakePrompter : public Prompter {
 public:
  std::optional<char> ask(const std::string& question) override {
    questions.push_back(question);
    if (answers.empty()) return std::nullopt;
    char a = answers.front();
    answers.pop_front();
    return a;
  }
  std::deque<char> answers;
  std::vector<std::string> questions;
};

policy::PolicyConfig builtin() {
  auto b = policy::builtin_policy(true);
  EXPECT_TRUE(b.ok());
  return policy::merge_layers({{policy::Layer::kBuiltin, *b}});
}

ToolCall shell_call() { return ToolCall{"call_1", "shell", "{}"}; }
Json shell_args(const std::string& cmd) { return Json{{"command", cmd}}; }

TEST(Approval, AllowRunsDenyNeverRuns) {
  FakePrompter p;
  Approver a(builtin(), "/ws", ApprovalMode::kYes, &p);
  EXPECT_TRUE(a.approve(shell_call(), shell_args("make test")).allowed);
  auto d = a.approve(shell_call(), shell_args("sudo make install"));
  EXPECT_FALSE(d.allowed) << "--yes never overrides deny";
  EXPECT_NE(d.reason.find("denied by policy"), std::string::npos) << d.reason;
  EXPECT_TRUE(p.questions.empty());
}

TEST(Approval, YesApprovesAsk) {
  Approver a(builtin(), "/ws", ApprovalMode::kYes, nullptr);
  EXPECT_TRUE(a.approve(shell_call(), shell_args("git push")).allowed);
}

TEST(Approval, HeadlessRefusesAskWithAMessageForTheModel) {
  Approver a(builtin(), "/ws", ApprovalMode::kHeadless, nullptr);
  auto d = a.approve(shell_call(), shell_args("git push origin main"));
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.reason.find("publishes commits"), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find("--yes"), std::string::npos) << d.reason;
  auto w = a.approve(ToolCall{"c", "write_file", "{}"}, Json{{"path", ".github/workflows/x.yml"}, {"content", ""}});
  EXPECT_FALSE(w.allowed);
}

TEST(Approval, PromptYesNoAndAlways) {
  FakePrompter p;
  p.answers = {'n', 'y', 'a'};
  Approver a(builtin(), "/ws", ApprovalMode::kPrompt, &p);
  auto no = a.approve(shell_call(), shell_args("git push"));
  EXPECT_FALSE(no.allowed);
  EXPECT_NE(no.reason.find("declined"), std::string::npos);
  EXPECT_TRUE(a.approve(shell_call(), shell_args("git push")).allowed);
  EXPECT_TRUE(a.approve(shell_call(), shell_args("git push -f")).allowed);  // 'a'lways
  ASSERT_EQ(p.questions.size(), 3u);
  EXPECT_NE(p.questions[0].find("`git push`"), std::string::npos) << p.questions[0];
  EXPECT_TRUE(a.approve(shell_call(), shell_args("cd x && git push origin")).allowed) << "always covers it";
  EXPECT_EQ(p.questions.size(), 3u) << "no new question";
  p.answers = {'n'};
  EXPECT_FALSE(a.approve(shell_call(), shell_args("git push && gh pr create")).allowed)
      << "`gh` was never approved";
}

TEST(Approval, NoTerminalAnswerIsARefusal) {
  FakePrompter p;  // no answers: nobody at the terminal
  Approver a(builtin(), "/ws", ApprovalMode::kPrompt, &p);
  EXPECT_FALSE(a.approve(shell_call(), shell_args("git push")).allowed);
}

TEST(Approval, ModeFromFlagsAndTerminal) {
  EXPECT_EQ(approval_mode(true), ApprovalMode::kYes);
  // ctest runs without a terminal on stdin.
  if (!::isatty(0)) {
    EXPECT_EQ(approval_mode(false), ApprovalMode::kHeadless);
  }
}

}  // namespace
}  // namespace agent::cli
