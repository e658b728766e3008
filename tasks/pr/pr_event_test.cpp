#include "tasks/pr/pr_event.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "common/fs.h"

namespace agent::pr {
namespace {

Json fixture(const std::string& name) {
  const char* src = std::getenv("AGENT_SOURCE_DIR");
  auto text = read_file(std::filesystem::path(src ? src : ".") / "tests/data/github-events" / name);
  EXPECT_TRUE(text.ok()) << name;
  return Json::parse(text.ok() ? *text : "{}");
}

TEST(PrEventTest, RealCommentPayloadWithoutTheTriggerAsksForNothing) {
  Json p = fixture("issue_comment.created.json");
  auto d = decide_event(p, "issue_comment", TriggerRules{});
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  EXPECT_FALSE(d->run);
  EXPECT_NE(d->reason.find("does not contain /agent"), std::string::npos) << d->reason;
  EXPECT_EQ(d->repository, "Codertocat/Hello-World");
}

TEST(PrEventTest, CommentWithTheTriggerFromTheOwnerRuns) {
  Json p = fixture("issue_comment.created.json");
  p["comment"]["body"] = "Looks easy. /agent please fix the spelling";
  auto d = decide_event(p, "issue_comment", TriggerRules{});
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  ASSERT_TRUE(d->run);
  EXPECT_EQ(d->run->number, 1);
  EXPECT_EQ(d->run->title, "Spelling error in the README file");
  EXPECT_EQ(d->run->body, "It looks like you accidently spelled 'commit' with two 't's.");
  EXPECT_EQ(d->run->url, "https://github.com/Codertocat/Hello-World/issues/1");
  EXPECT_EQ(d->run->requested_by, "Codertocat");
  EXPECT_EQ(d->run->instructions, "Looks easy. /agent please fix the spelling");
  // The event name may be left out: the payload's shape tells.
  auto inferred = decide_event(p, "", TriggerRules{});
  ASSERT_TRUE(inferred.ok());
  EXPECT_TRUE(inferred->run);
}

TEST(PrEventTest, WhoMayStartIt) {
  Json p = fixture("issue_comment.created.json");
  p["comment"]["body"] = "/agent";
  for (const char* assoc : {"MEMBER", "COLLABORATOR", "OWNER"}) {
    p["comment"]["author_association"] = assoc;
    EXPECT_TRUE(decide_event(p, "issue_comment", TriggerRules{})->run) << assoc;
  }
  for (const char* assoc : {"CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "NONE", "MANNEQUIN"}) {
    p["comment"]["author_association"] = assoc;
    auto d = decide_event(p, "issue_comment", TriggerRules{});
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(d->run) << assoc;
    EXPECT_NE(d->reason.find("not allowed"), std::string::npos) << d->reason;
  }
  p["comment"]["author_association"] = "CONTRIBUTOR";
  TriggerRules wider;
  wider.allowed = {"OWNER", "CONTRIBUTOR"};
  EXPECT_TRUE(decide_event(p, "issue_comment", wider)->run) << "the allowed set is configurable";
  p["comment"].erase("author_association");
  EXPECT_FALSE(decide_event(p, "issue_comment", TriggerRules{})->run) << "no association given: not allowed";
}

TEST(PrEventTest, BotsNeverStartIt) {
  Json p = fixture("issue_comment.created.json");
  p["comment"]["body"] = "/agent";
  Json bot = p;
  bot["comment"]["user"]["type"] = "Bot";
  EXPECT_FALSE(decide_event(bot, "issue_comment", TriggerRules{})->run);
  Json app = p;
  app["comment"]["user"]["login"] = "renovate[bot]";
  EXPECT_FALSE(decide_event(app, "issue_comment", TriggerRules{})->run);
  TriggerRules rules;
  rules.bot_login = "Codertocat";
  auto own = decide_event(p, "issue_comment", rules);
  EXPECT_FALSE(own->run);
  EXPECT_NE(own->reason.find("bot"), std::string::npos);
  Json marked = p;
  marked["comment"]["body"] = std::string("Re-run with /agent.\n") + kBotMarker;
  EXPECT_FALSE(decide_event(marked, "issue_comment", TriggerRules{})->run) << "the bot's own comment, any account";
}

TEST(PrEventTest, CommentsThatAreNotNewOrNotOnAnOpenIssue) {
  Json edited = fixture("issue_comment.edited.json");
  edited["comment"]["body"] = "/agent";
  auto d = decide_event(edited, "issue_comment", TriggerRules{});
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  EXPECT_FALSE(d->run);
  EXPECT_NE(d->reason.find("edited"), std::string::npos);
  Json p = fixture("issue_comment.created.json");
  p["comment"]["body"] = "/agent";
  Json on_pr = p;
  on_pr["issue"]["pull_request"] = Json{{"url", "https://api.github.com/repos/Codertocat/Hello-World/pulls/1"}};
  EXPECT_FALSE(decide_event(on_pr, "issue_comment", TriggerRules{})->run);
  Json closed = p;
  closed["issue"]["state"] = "closed";
  EXPECT_FALSE(decide_event(closed, "issue_comment", TriggerRules{})->run);
}

TEST(PrEventTest, IssuesOpenedAndLabeled) {
  Json opened = fixture("issues.opened.json");
  auto plain = decide_event(opened, "issues", TriggerRules{});
  ASSERT_TRUE(plain.ok()) << plain.status().to_string();
  EXPECT_FALSE(plain->run) << "an issue without the phrase asks for nothing";
  opened["issue"]["body"] = "Please fix.\n\n/agent";
  auto asked = decide_event(opened, "issues", TriggerRules{});
  ASSERT_TRUE(asked->run);
  EXPECT_EQ(asked->run->requested_by, "Codertocat");
  opened["issue"]["author_association"] = "NONE";
  EXPECT_FALSE(decide_event(opened, "issues", TriggerRules{})->run);

  Json null_body = fixture("issues.opened-null-body.json");
  auto nb = decide_event(null_body, "issues", TriggerRules{});
  ASSERT_TRUE(nb.ok()) << "a null body is an empty body: " << nb.status().to_string();
  null_body["issue"]["title"] = "/agent fix the README";
  ASSERT_TRUE(decide_event(null_body, "issues", TriggerRules{})->run);
  EXPECT_EQ(decide_event(null_body, "issues", TriggerRules{})->run->body, "");

  Json labeled = fixture("issues.labeled.json");
  auto bug = decide_event(labeled, "issues", TriggerRules{});
  ASSERT_TRUE(bug.ok()) << bug.status().to_string();
  EXPECT_FALSE(bug->run) << "the label \"bug\" is not the trigger label";
  TriggerRules by_bug;
  by_bug.label = "bug";
  EXPECT_TRUE(decide_event(labeled, "issues", by_bug)->run);
  labeled["sender"]["type"] = "Bot";
  EXPECT_FALSE(decide_event(labeled, "issues", by_bug)->run);
}

// An issue template with `labels: [agent]` makes the issue arrive labelled by its author: an
// outsider must not start the bot that way, while a maintainer labelling their issue does.
TEST(PrEventTest, LabelFromTheIssuesOwnAuthorNeedsATrustedAuthor) {
  Json p = fixture("issues.labeled.json");
  p["label"]["name"] = "agent";
  p["issue"]["user"]["login"] = "outsider";
  p["issue"]["author_association"] = "NONE";
  p["sender"]["login"] = "Outsider";  // logins compare without case
  auto templ = decide_event(p, "issues", TriggerRules{});
  ASSERT_TRUE(templ.ok()) << templ.status().to_string();
  EXPECT_FALSE(templ->run);
  EXPECT_NE(templ->reason.find("from its author @Outsider, who is not allowed"), std::string::npos) << templ->reason;
  EXPECT_NE(templ->reason.find("author_association NONE"), std::string::npos) << templ->reason;

  p["sender"]["login"] = "maintainer";
  auto triaged = decide_event(p, "issues", TriggerRules{});
  ASSERT_TRUE(triaged.ok());
  ASSERT_TRUE(triaged->run) << triaged->reason;
  EXPECT_EQ(triaged->run->requested_by, "maintainer");

  p["sender"]["login"] = "outsider";
  p["issue"]["author_association"] = "MEMBER";
  EXPECT_TRUE(decide_event(p, "issues", TriggerRules{})->run) << "a trusted author's own label counts";
}

TEST(PrEventTest, OtherEventsAskForNothing) {
  Json push = {{"ref", "refs/heads/main"}, {"repository", {{"full_name", "o/r"}}}};
  auto d = decide_event(push, "push", TriggerRules{});
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->run);
  EXPECT_NE(d->reason.find("push"), std::string::npos);
  EXPECT_FALSE(decide_event(push, "", TriggerRules{})->run);
}

TEST(PrEventTest, MalformedPayloadsNameTheField) {
  Json p = fixture("issue_comment.created.json");
  p["comment"]["body"] = "/agent";
  auto expect_error = [](const Json& payload, const std::string& event, const std::string& field) {
    auto d = decide_event(payload, event, TriggerRules{});
    ASSERT_FALSE(d.ok()) << field;
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(d.status().message().find(field), std::string::npos) << d.status().message();
  };
  Json no_number = p;
  no_number["issue"].erase("number");
  expect_error(no_number, "issue_comment", "issue.number");
  Json string_number = p;
  string_number["issue"]["number"] = "1";
  expect_error(string_number, "issue_comment", "issue.number");
  Json no_comment = p;
  no_comment.erase("comment");
  expect_error(no_comment, "issue_comment", "comment");
  Json no_login = p;
  no_login["comment"]["user"].erase("login");
  expect_error(no_login, "issue_comment", "comment.user.login");
  Json no_title = fixture("issues.opened.json");
  no_title["issue"]["title"] = nullptr;
  expect_error(no_title, "issues", "issue.title");
  expect_error(Json::array(), "issues", "not a JSON object");
}

TEST(PrEventTest, TriggerIsMatchedAsAWord) {
  EXPECT_TRUE(contains_trigger("/agent", "/agent"));
  EXPECT_TRUE(contains_trigger("please /agent.", "/agent"));
  EXPECT_TRUE(contains_trigger("line one\n/agent fix it", "/agent"));
  EXPECT_FALSE(contains_trigger("/agents are great", "/agent"));
  EXPECT_FALSE(contains_trigger("see docs/agent for more", "/agent"));
  EXPECT_FALSE(contains_trigger("/agent-config", "/agent"));
  EXPECT_FALSE(contains_trigger("", "/agent"));
  EXPECT_TRUE(contains_trigger("hey @bot do it", "@bot"));
}

TEST(PrEventTest, IssueTextHoldsTitleBodyLinkAndRequest) {
  IssueRequest r;
  r.number = 7;
  r.title = "Crash on empty input";
  r.body = "Steps: run it with no input.";
  r.url = "https://github.com/o/r/issues/7";
  r.requested_by = "alice";
  r.instructions = "/agent and add a test";
  std::string t = issue_text(r);
  EXPECT_EQ(t.rfind("# Crash on empty input\n\nSteps: run it with no input.\n", 0), 0u) << t;
  EXPECT_NE(t.find("(Issue #7: https://github.com/o/r/issues/7)"), std::string::npos);
  EXPECT_NE(t.find("@alice asked for this in a comment:\n\n/agent and add a test"), std::string::npos);
}

}  // namespace
}  // namespace agent::pr
