// Gitea's and Forgejo's REST API (/api/v1): GitHub-like paths, but "token" authentication, no
// draft flag (a "WIP: " title prefix instead), 409 for a duplicate pull request, and no
// head filter on the list of pull requests (it is filtered here, page by page).
#include "tasks/pr/forge_impl.h"

namespace agent::pr {

namespace {

constexpr int kPageSize = 50;
constexpr int kMaxPages = 20;

class GiteaForge final : public Forge {
 public:
  GiteaForge(std::unique_ptr<ForgeHttp> http, std::string slug) : http_(std::move(http)), slug_(std::move(slug)) {}

  std::string name() const override { return "Gitea"; }
  // Gitea takes an access token as the Basic-auth password whatever the user name.
  std::string git_user() const override { return "x-access-token"; }

  Result<RepoInfo> repository() override {
    const std::string what = "read repository " + slug_;
    AGENT_ASSIGN_OR_RETURN(ForgeResponse r, http_->call("GET", "/repos/" + slug_));
    if (r.status != 200) return http_->error_for(r, what);
    RepoInfo info;
    AGENT_ASSIGN_OR_RETURN(info.default_branch, answer_string(r.body, "default_branch", "Gitea " + what));
    return info;
  }

  Result<std::optional<PullRequest>> find_open_pull(const std::string& head, const std::string& base) override {
    const std::string what = "list pull requests";
    for (int page = 1; page <= kMaxPages; ++page) {
      std::string path = "/repos/" + slug_ + "/pulls?state=open&page=" + std::to_string(page) +
                         "&limit=" + std::to_string(kPageSize);
      AGENT_ASSIGN_OR_RETURN(ForgeResponse r, http_->call("GET", path));
      if (r.status != 200) return http_->error_for(r, what);
      if (!r.body.is_array()) return data_loss("Gitea " + what + ": the answer is not a list");
      for (const auto& p : r.body) {
        if (!p.is_object() || !p.contains("head") || !p.contains("base")) continue;
        if (p["head"].value("ref", "") == head && p["base"].value("ref", "") == base) {
          AGENT_ASSIGN_OR_RETURN(PullRequest pr, parse_pull(p, "Gitea " + what));
          return std::optional<PullRequest>(pr);
        }
      }
      if (r.body.size() < static_cast<size_t>(kPageSize)) break;
    }
    return std::optional<PullRequest>();
  }

  Result<PullRequest> create_pull(const PullRequestSpec& spec) override {
    const std::string what = "open a pull request from " + spec.head + " into " + spec.base;
    Json body{{"title", spec.draft ? "WIP: " + spec.title : spec.title},
              {"head", spec.head}, {"base", spec.base}, {"body", spec.body}};
    AGENT_ASSIGN_OR_RETURN(ForgeResponse r, http_->call("POST", "/repos/" + slug_ + "/pulls", body));
    if (r.status == 201) return parse_pull(r.body, "Gitea " + what);
    Status s = http_->error_for(r, what);
    if (r.status == 409 || (r.status == 422 && s.message().find("already exists") != std::string::npos)) {
      return already_exists(s.message());
    }
    return s;
  }

  Result<PullRequest> update_pull(int64_t number, const std::string& title, const std::string& body) override {
    const std::string what = "update pull request #" + std::to_string(number);
    AGENT_ASSIGN_OR_RETURN(ForgeResponse r, http_->call("PATCH", "/repos/" + slug_ + "/pulls/" + std::to_string(number),
                                                        Json{{"title", title}, {"body", body}}));
    // Gitea answers an edit with 201.
    if (r.status != 200 && r.status != 201) return http_->error_for(r, what);
    return parse_pull(r.body, "Gitea " + what);
  }

  Result<std::string> comment_on_issue(int64_t issue, const std::string& body) override {
    const std::string what = "comment on issue #" + std::to_string(issue);
    AGENT_ASSIGN_OR_RETURN(ForgeResponse r, http_->call("POST", "/repos/" + slug_ + "/issues/" +
                                                                    std::to_string(issue) + "/comments",
                                                        Json{{"body", body}}));
    if (r.status != 201) return http_->error_for(r, what);
    return answer_string(r.body, "html_url", "Gitea " + what);
  }

 private:
  static Result<PullRequest> parse_pull(const Json& j, const std::string& what) {
    PullRequest pr;
    AGENT_ASSIGN_OR_RETURN(pr.number, answer_int(j, "number", what));
    AGENT_ASSIGN_OR_RETURN(pr.url, answer_string(j, "html_url", what));
    if (j.contains("head") && j["head"].is_object() && j["head"].contains("sha")) {
      AGENT_ASSIGN_OR_RETURN(pr.head_sha, answer_string(j["head"], "sha", what + " (head)"));
    }
    return pr;
  }

  std::unique_ptr<ForgeHttp> http_;
  std::string slug_;
};

}  // namespace

std::unique_ptr<Forge> make_gitea_forge(std::unique_ptr<ForgeHttp> http, std::string slug) {
  return std::make_unique<GiteaForge>(std::move(http), std::move(slug));
}

}  // namespace agent::pr
