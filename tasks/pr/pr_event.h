// Deciding whether a GitHub Actions event asks the PR bot for a run (the payload file at
// $GITHUB_EVENT_PATH; Gitea and Forgejo Actions write the same shapes), and reading the issue
// from it.
//
// A run is asked for by:
//  - issue_comment "created" on an open issue (not a pull request) whose body contains the
//    trigger phrase as a word, written by an allowed author_association (OWNER, MEMBER,
//    COLLABORATOR by default);
//  - issues "opened" whose title or body contains the trigger phrase, by an allowed author;
//  - issues "labeled" with the trigger label: labelling someone else's issue needs triage
//    rights, but a label the issue's author added (an issue template's `labels:`) counts
//    only when the author is allowed.
// Never by a bot: user.type "Bot", a login ending in "[bot]", the bot's own login, or a
// comment carrying the bot's marker (its own comments, whatever account posts them). Anyone
// else could otherwise spend the budget and run code next to a write token.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace agent::pr {

// The hidden marker every comment and pull request body of the bot carries.
inline constexpr const char* kBotMarker = "<!-- agent-pr -->";

struct TriggerRules {
  std::string phrase = "/agent";
  std::string label = "agent";
  std::vector<std::string> allowed = {"OWNER", "MEMBER", "COLLABORATOR"};
  std::string bot_login;  // the account the bot posts as, when it is not a "Bot" type
};

struct IssueRequest {
  int64_t number = 0;
  std::string title, body, url;
  std::string requested_by;  // login of whoever asked
  std::string instructions;  // the triggering comment's text (issue_comment only)
};

struct EventDecision {
  std::optional<IssueRequest> run;  // set: run the bot on this issue
  std::string reason;               // why it runs, or why the event asks for nothing
  std::string repository;           // repository.full_name, when the payload has it
};

// `event_name` is $GITHUB_EVENT_NAME ("" = infer from the payload's shape). Errors
// (InvalidArgument) name the payload field that is missing or of the wrong type.
Result<EventDecision> decide_event(const Json& payload, const std::string& event_name, const TriggerRules& rules);

// True when `text` holds `phrase` as a word: not glued to letters, digits, '_', '-' or '/'
// on either side ("/agent fix it" and "please /agent." do, "/agents" and "x/agent" do not).
bool contains_trigger(const std::string& text, const std::string& phrase);

// The issue as the agent reads it: title, body, link, and the comment that asked (if any).
std::string issue_text(const IssueRequest& issue);

}  // namespace agent::pr
