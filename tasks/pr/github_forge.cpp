// GitHub's REST API (api.github.com, or GHES under /api/v3), version 2022-11-28.
#include "tasks/pr/forge_impl.h"

namespace agent::pr {

namespace {

class GitHubForge final : public Forge {
 public:
  GitHubForge(std::unique_ptr<ForgeHttp> http, std::string slug)
      : http_(std::move(http)), slug_(std::move(slug)), owner_(slug_.substr(0, slug_.find('/'))) {}

  std::string name() const override { return "GitHub"; }
  std::string git_user() const override { return "x-access-token"; }

  Result<RepoInfo> repository() override {
    const std::string what = "read repository " + slug_;
    AGENT_ASSIGN_OR_RETURN(ForgeResponse r, http_->call("GET", "/repos/" + slug_));
    if (r.status != 200) return http_->error_for(r, what);
    RepoInfo info;
    AGENT_ASSIGN_OR_RETURN(info.default_branch, answer_string(r.body, "default_branch", "GitHub " + what));
    return info;
  }

  Result<std::optional<PullRequest>> find_open_pull(const std::string& head, const std::string& base) override {
    const std::string what = "list pull requests of " + head;
    std::string path = "/repos/" + slug_ + "/pulls?state=open&head=" + url_encode(owner_ + ":" + head) +
                       "&base=" + url_encode(base) + "&per_page=100";
    AGENT_ASSIGN_OR_RETURN(ForgeResponse r, http_->call("GET", path));
    if (r.status != 200) return http_->error_for(r, what);
    if (!r.body.is_array()) return data_loss("GitHub " + what + ": the answer is not a list");
    if (r.body.empty()) return std::optional<PullRequest>();
    AGENT_ASSIGN_OR_RETURN(PullRequest pr, parse_pull(r.body[0], "GitHub " + what));
    return std::optional<PullRequest>(pr);
  }

  Result<PullRequest> create_pull(const PullRequestSpec& spec) override {
    const std::string what = "open a pull request from " + spec.head + " into " + spec.base;
    Json body{{"title", spec.title}, {"head", spec.head}, {"base", spec.base}, {"body", spec.body},
              {"draft", spec.draft}, {"maintainer_can_modify", true}};
    AGENT_ASSIGN_OR_RETURN(ForgeResponse r, http_->call("POST", "/repos/" + slug_ + "/pulls", body));
    if (r.status == 201) return parse_pull(r.body, "GitHub " + what);
    Status s = http_->error_for(r, what);
    // 422 "Validation Failed" with "A pull request already exists for owner:branch."
    if (r.status == 422 && s.message().find("already exists") != std::string::npos) {
      return already_exists(s.message());
    }
    return s;
  }

  Result<PullRequest> update_pull(int64_t number, const std::string& title, const std::string& body) override {
    const std::string what = "update pull request #" + std::to_string(number);
    AGENT_ASSIGN_OR_RETURN(ForgeResponse r, http_->call("PATCH", "/repos/" + slug_ + "/pulls/" + std::to_string(number),
                                                        Json{{"title", title}, {"body", body}}));
    if (r.status != 200) return http_->error_for(r, what);
    return parse_pull(r.body, "GitHub " + what);
  }

  Result<std::string> comment_on_issue(int64_t issue, const std::string& body) override {
    const std::string what = "comment on issue #" + std::to_string(issue);
    AGENT_ASSIGN_OR_RETURN(ForgeResponse r, http_->call("POST", "/repos/" + slug_ + "/issues/" +
                                                                    std::to_string(issue) + "/comments",
                                                        Json{{"body", body}}));
    if (r.status != 201) return http_->error_for(r, what);
    return answer_string(r.body, "html_url", "GitHub " + what);
  }

 private:
  static Result<PullRequest> parse_pull(const Json& j, const std::string& what) {
    PullRequest pr;
    AGENT_ASSIGN_OR_RETURN(pr.number, answer_int(j, "number", what));
    AGENT_ASSIGN_OR_RETURN(pr.url, answer_string(j, "html_url", what));
    if (j.contains("head")) {
      AGENT_ASSIGN_OR_RETURN(pr.head_sha, answer_string(j["head"], "sha", what + " (head)"));
    }
    return pr;
  }

  std::unique_ptr<ForgeHttp> http_;
  std::string slug_, owner_;
};

}  // namespace

std::unique_ptr<Forge> make_github_forge(std::unique_ptr<ForgeHttp> http, std::string slug) {
  return std::make_unique<GitHubForge>(std::move(http), std::move(slug));
}

}  // namespace agent::pr
