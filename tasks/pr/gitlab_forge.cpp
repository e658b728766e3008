// GitLab's REST API (/api/v4): merge requests instead of pull requests, the project named by
// its URL-encoded path, PRIVATE-TOKEN authentication (a personal or project access token:
// CI_JOB_TOKEN cannot create merge requests), "Draft: " for drafts, 409 for a duplicate.
#include "tasks/pr/forge_impl.h"

namespace agent::pr {

namespace {

class GitLabForge final : public Forge {
 public:
  GitLabForge(std::unique_ptr<ForgeHttp> http, std::string slug)
      : http_(std::move(http)), slug_(std::move(slug)), project_("/projects/" + url_encode(slug_)) {}

  std::string name() const override { return "GitLab"; }
  std::string git_user() const override { return "oauth2"; }
  std::string pull_noun() const override { return "merge request"; }

  Result<RepoInfo> repository() override {
    const std::string what = "read project " + slug_;
    AGENT_ASSIGN_OR_RETURN(ForgeResponse r, http_->call("GET", project_));
    if (r.status != 200) return http_->error_for(r, what);
    RepoInfo info;
    AGENT_ASSIGN_OR_RETURN(info.default_branch, answer_string(r.body, "default_branch", "GitLab " + what));
    return info;
  }

  Result<std::optional<PullRequest>> find_open_pull(const std::string& head, const std::string& base) override {
    const std::string what = "list merge requests of " + head;
    std::string path = project_ + "/merge_requests?state=opened&source_branch=" + url_encode(head) +
                       "&target_branch=" + url_encode(base);
    AGENT_ASSIGN_OR_RETURN(ForgeResponse r, http_->call("GET", path));
    if (r.status != 200) return http_->error_for(r, what);
    if (!r.body.is_array()) return data_loss("GitLab " + what + ": the answer is not a list");
    if (r.body.empty()) return std::optional<PullRequest>();
    AGENT_ASSIGN_OR_RETURN(PullRequest mr, parse_mr(r.body[0], "GitLab " + what));
    return std::optional<PullRequest>(mr);
  }

  Result<PullRequest> create_pull(const PullRequestSpec& spec) override {
    const std::string what = "open a merge request from " + spec.head + " into " + spec.base;
    Json body{{"source_branch", spec.head}, {"target_branch", spec.base},
              {"title", spec.draft ? "Draft: " + spec.title : spec.title}, {"description", spec.body}};
    AGENT_ASSIGN_OR_RETURN(ForgeResponse r, http_->call("POST", project_ + "/merge_requests", body));
    if (r.status == 201) return parse_mr(r.body, "GitLab " + what);
    Status s = http_->error_for(r, what);
    if (r.status == 409) return already_exists(s.message());
    return s;
  }

  Result<PullRequest> update_pull(int64_t number, const std::string& title, const std::string& body) override {
    const std::string what = "update merge request !" + std::to_string(number);
    AGENT_ASSIGN_OR_RETURN(ForgeResponse r, http_->call("PUT", project_ + "/merge_requests/" + std::to_string(number),
                                                        Json{{"title", title}, {"description", body}}));
    if (r.status != 200) return http_->error_for(r, what);
    return parse_mr(r.body, "GitLab " + what);
  }

  Result<std::string> comment_on_issue(int64_t issue, const std::string& body) override {
    const std::string what = "comment on issue #" + std::to_string(issue);
    AGENT_ASSIGN_OR_RETURN(ForgeResponse r, http_->call("POST", project_ + "/issues/" + std::to_string(issue) + "/notes",
                                                        Json{{"body", body}}));
    if (r.status != 201) return http_->error_for(r, what);
    // Notes have no web address of their own; their id is what the answer gives.
    AGENT_ASSIGN_OR_RETURN(int64_t id, answer_int(r.body, "id", "GitLab " + what));
    return "note " + std::to_string(id);
  }

 private:
  static Result<PullRequest> parse_mr(const Json& j, const std::string& what) {
    PullRequest mr;
    AGENT_ASSIGN_OR_RETURN(mr.number, answer_int(j, "iid", what));
    AGENT_ASSIGN_OR_RETURN(mr.url, answer_string(j, "web_url", what));
    if (j.contains("sha") && j["sha"].is_string()) mr.head_sha = j["sha"].get<std::string>();
    return mr;
  }

  std::unique_ptr<ForgeHttp> http_;
  std::string slug_, project_;
};

}  // namespace

std::unique_ptr<Forge> make_gitlab_forge(std::unique_ptr<ForgeHttp> http, std::string slug) {
  return std::make_unique<GitLabForge>(std::move(http), std::move(slug));
}

}  // namespace agent::pr
