#include "tasks/pr/pr_event.h"

#include <algorithm>
#include <cctype>

namespace agent::pr {

namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

Status bad_field(const std::string& path, const char* want) {
  return invalid_argument("the event payload's " + path + " is missing or not " + want);
}

Result<const Json*> get_object(const Json& parent, const std::string& at, const char* key) {
  std::string path = at.empty() ? key : at + "." + key;
  if (!parent.contains(key) || !parent[key].is_object()) return bad_field(path, "an object");
  return &parent[key];
}

Result<int64_t> get_int(const Json& parent, const std::string& at, const char* key) {
  if (!parent.contains(key) || !parent[key].is_number_integer()) return bad_field(at + "." + key, "an integer");
  return parent[key].get<int64_t>();
}

// Strings that GitHub sends as null when empty (an issue's body) read as "".
Result<std::string> get_string(const Json& parent, const std::string& at, const char* key, bool nullable) {
  if (nullable && (!parent.contains(key) || parent[key].is_null())) return std::string();
  if (!parent.contains(key) || !parent[key].is_string()) return bad_field(at + "." + key, "a string");
  return parent[key].get<std::string>();
}

struct Author {
  std::string login, type, association;
};

Result<Author> get_author(const Json& holder, const std::string& at) {
  AGENT_ASSIGN_OR_RETURN(const Json* user, get_object(holder, at, "user"));
  Author a;
  AGENT_ASSIGN_OR_RETURN(a.login, get_string(*user, at + ".user", "login", false));
  AGENT_ASSIGN_OR_RETURN(a.type, get_string(*user, at + ".user", "type", true));
  AGENT_ASSIGN_OR_RETURN(a.association, get_string(holder, at, "author_association", true));
  return a;
}

bool is_bot(const std::string& login, const std::string& type, const TriggerRules& rules) {
  return type == "Bot" || (login.size() > 5 && login.substr(login.size() - 5) == "[bot]") ||
         (!rules.bot_login.empty() && login == rules.bot_login);
}

bool allowed(const std::string& association, const TriggerRules& rules) {
  std::string a = upper(association);
  return std::any_of(rules.allowed.begin(), rules.allowed.end(), [&](const std::string& x) { return upper(x) == a; });
}

std::string association_name(const std::string& a) { return a.empty() ? "(none given)" : a; }

Result<IssueRequest> read_issue(const Json& issue) {
  IssueRequest r;
  AGENT_ASSIGN_OR_RETURN(r.number, get_int(issue, "issue", "number"));
  if (r.number <= 0) return bad_field("issue.number", "a positive integer");
  AGENT_ASSIGN_OR_RETURN(r.title, get_string(issue, "issue", "title", false));
  AGENT_ASSIGN_OR_RETURN(r.body, get_string(issue, "issue", "body", true));
  AGENT_ASSIGN_OR_RETURN(r.url, get_string(issue, "issue", "html_url", true));
  return r;
}

EventDecision nothing(std::string why) {
  EventDecision d;
  d.reason = std::move(why);
  return d;
}

Result<EventDecision> decide_comment(const Json& p, const Json& issue, const TriggerRules& rules) {
  AGENT_ASSIGN_OR_RETURN(std::string action, get_string(p, "", "action", false));
  AGENT_ASSIGN_OR_RETURN(const Json* comment, get_object(p, "", "comment"));
  AGENT_ASSIGN_OR_RETURN(std::string body, get_string(*comment, "comment", "body", true));
  AGENT_ASSIGN_OR_RETURN(Author who, get_author(*comment, "comment"));
  AGENT_ASSIGN_OR_RETURN(IssueRequest req, read_issue(issue));
  if (action != "created") return nothing("the comment was " + action + ", not created");
  if (issue.contains("pull_request") && !issue["pull_request"].is_null()) {
    return nothing("the comment is on a pull request; the bot works on issues");
  }
  if (issue.value("state", "open") == "closed") return nothing("issue #" + std::to_string(req.number) + " is closed");
  if (body.find(kBotMarker) != std::string::npos) return nothing("the comment is the bot's own");
  if (is_bot(who.login, who.type, rules)) return nothing("the comment is by a bot (" + who.login + ")");
  if (!contains_trigger(body, rules.phrase)) return nothing("the comment does not contain " + rules.phrase);
  if (!allowed(who.association, rules)) {
    return nothing("@" + who.login + " is not allowed to start the bot (author_association " +
                   association_name(who.association) + ")");
  }
  req.requested_by = who.login;
  req.instructions = body;
  EventDecision d;
  d.reason = "@" + who.login + " (" + who.association + ") asked in a comment on issue #" + std::to_string(req.number);
  d.run = std::move(req);
  return d;
}

Result<EventDecision> decide_issue(const Json& p, const Json& issue, const TriggerRules& rules) {
  AGENT_ASSIGN_OR_RETURN(std::string action, get_string(p, "", "action", false));
  AGENT_ASSIGN_OR_RETURN(IssueRequest req, read_issue(issue));
  AGENT_ASSIGN_OR_RETURN(Author author, get_author(issue, "issue"));
  if (issue.value("state", "open") == "closed") return nothing("issue #" + std::to_string(req.number) + " is closed");
  if (action == "labeled") {
    AGENT_ASSIGN_OR_RETURN(const Json* label, get_object(p, "", "label"));
    AGENT_ASSIGN_OR_RETURN(std::string name, get_string(*label, "label", "name", false));
    AGENT_ASSIGN_OR_RETURN(const Json* sender, get_object(p, "", "sender"));
    AGENT_ASSIGN_OR_RETURN(std::string login, get_string(*sender, "sender", "login", false));
    AGENT_ASSIGN_OR_RETURN(std::string type, get_string(*sender, "sender", "type", true));
    if (upper(name) != upper(rules.label)) return nothing("the label \"" + name + "\" is not \"" + rules.label + "\"");
    if (is_bot(login, type, rules)) return nothing("the label was added by a bot (" + login + ")");
    // Labelling someone else's issue needs triage rights, but an issue opened from a template
    // with `labels:` arrives labelled by its author, whoever that is: then the author must be
    // trusted, as for "opened".
    if (upper(login) == upper(author.login) && !allowed(author.association, rules)) {
      return nothing("the label came with the issue from its author @" + login +
                     ", who is not allowed to start the bot (author_association " +
                     association_name(author.association) + ")");
    }
    req.requested_by = login;
    EventDecision d;
    d.reason = "@" + login + " labelled issue #" + std::to_string(req.number) + " \"" + name + "\"";
    d.run = std::move(req);
    return d;
  }
  if (action != "opened") return nothing("the issue was " + action + "; only opened or labeled issues start the bot");
  if (is_bot(author.login, author.type, rules)) return nothing("the issue was opened by a bot (" + author.login + ")");
  if (!contains_trigger(req.title, rules.phrase) && !contains_trigger(req.body, rules.phrase)) {
    return nothing("the issue does not contain " + rules.phrase);
  }
  if (!allowed(author.association, rules)) {
    return nothing("@" + author.login + " is not allowed to start the bot (author_association " +
                   association_name(author.association) + ")");
  }
  req.requested_by = author.login;
  EventDecision d;
  d.reason = "@" + author.login + " (" + author.association + ") opened issue #" + std::to_string(req.number);
  d.run = std::move(req);
  return d;
}

}  // namespace

bool contains_trigger(const std::string& text, const std::string& phrase) {
  if (phrase.empty()) return false;
  auto glued = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '/'; };
  for (size_t pos = text.find(phrase); pos != std::string::npos; pos = text.find(phrase, pos + 1)) {
    bool left_ok = pos == 0 || !glued(text[pos - 1]);
    size_t end = pos + phrase.size();
    bool right_ok = end == text.size() || !glued(text[end]);
    if (left_ok && right_ok) return true;
  }
  return false;
}

Result<EventDecision> decide_event(const Json& payload, const std::string& event_name, const TriggerRules& rules) {
  if (!payload.is_object()) return invalid_argument("the event payload is not a JSON object");
  std::string name = event_name;
  if (name.empty()) {
    if (payload.contains("comment") && payload.contains("issue")) name = "issue_comment";
    else if (payload.contains("issue")) name = "issues";
  }
  if (name != "issue_comment" && name != "issues") {
    return nothing("the event " + (name.empty() ? std::string("(of unknown kind)") : name) +
                   " is not an issues or issue_comment event");
  }
  AGENT_ASSIGN_OR_RETURN(const Json* issue, get_object(payload, "", "issue"));
  Result<EventDecision> d = name == "issue_comment" ? decide_comment(payload, *issue, rules)
                                                    : decide_issue(payload, *issue, rules);
  if (d.ok() && payload.contains("repository") && payload["repository"].is_object()) {
    d->repository = payload["repository"].value("full_name", "");
  }
  return d;
}

std::string issue_text(const IssueRequest& issue) {
  std::string text = "# " + issue.title + "\n\n" + (issue.body.empty() ? "(no description)" : issue.body) + "\n";
  text += "\n(Issue #" + std::to_string(issue.number) + (issue.url.empty() ? "" : ": " + issue.url) + ")\n";
  if (!issue.instructions.empty()) {
    text += "\n@" + issue.requested_by + " asked for this in a comment:\n\n" + issue.instructions + "\n";
  }
  return text;
}

}  // namespace agent::pr
