// The forge a PR bot talks to — GitHub, Gitea/Forgejo or GitLab — behind one small interface:
// read the repository (which also proves the token works), find, open and update the pull
// (merge) request of a branch, and comment on an issue. Branches are pushed with git
// (tools/git/git_remote.h), never through the REST API.
//
// Implementations speak each forge's REST API over an api::HttpTransport (the real
// HttpClient, or an in-memory fake), retrying 5xx answers, rate limits and dropped
// connections with backoff (forge_http.h). Errors say what the caller should do:
// Unauthenticated (token refused), PermissionDenied (token lacks a permission), NotFound
// (no such repository or issue), AlreadyExists (create_pull: an open pull request for the
// branch exists), InvalidArgument (the forge refused the request's content), Unavailable
// (5xx or network failure after the retries). Messages name the forge and quote its answer;
// the token never appears in them.
// Thread-safety: one caller at a time per Forge.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "inference/api/http_client.h"
#include "inference/api/retry.h"

namespace agent::pr {

struct ForgeConfig {
  std::string kind;     // "github", "gitea" (Forgejo too) or "gitlab"
  std::string api_url;  // https://api.github.com, https://HOST/api/v1, https://HOST/api/v4
  std::string slug;     // OWNER/NAME (GitLab: GROUP/SUBGROUP/NAME)
  std::string token;
  api::RetryPolicy retry{5, 1.0, 30.0, 120.0};  // attempts, first delay, longest delay, total wait (s)
};

struct RepoInfo {
  std::string default_branch;
};

struct PullRequest {
  int64_t number = 0;     // GitHub/Gitea number, GitLab iid
  std::string url;        // the web page
  std::string head_sha;
};

struct PullRequestSpec {
  std::string title, body;
  std::string head;  // the branch with the changes (in the same repository)
  std::string base;  // the branch to merge into
  bool draft = false;
};

class Forge {
 public:
  virtual ~Forge() = default;
  virtual std::string name() const = 0;  // "GitHub", "Gitea", "GitLab": for messages
  // The user name git sends with the token over HTTPS.
  virtual std::string git_user() const = 0;
  // What "pull request" is called there ("pull request", "merge request").
  virtual std::string pull_noun() const { return "pull request"; }

  virtual Result<RepoInfo> repository() = 0;
  virtual Result<std::optional<PullRequest>> find_open_pull(const std::string& head, const std::string& base) = 0;
  virtual Result<PullRequest> create_pull(const PullRequestSpec& spec) = 0;
  virtual Result<PullRequest> update_pull(int64_t number, const std::string& title, const std::string& body) = 0;
  // Returns the comment's web address when the forge gives one.
  virtual Result<std::string> comment_on_issue(int64_t issue, const std::string& body) = 0;
};

// Errors: InvalidArgument for an unknown kind, a malformed api_url or slug.
Result<std::unique_ptr<Forge>> make_forge(const ForgeConfig& config, std::shared_ptr<api::HttpTransport> transport);

}  // namespace agent::pr
