#include "tasks/pr/forge.h"

#include "tasks/pr/forge_impl.h"
#include "tools/git/git_remote.h"

namespace agent::pr {

Result<int64_t> answer_int(const Json& obj, const char* key, const std::string& what) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_number_integer()) {
    return data_loss(what + ": the answer has no integer \"" + key + "\"");
  }
  return obj[key].get<int64_t>();
}

Result<std::string> answer_string(const Json& obj, const char* key, const std::string& what) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string()) {
    return data_loss(what + ": the answer has no string \"" + key + "\"");
  }
  return obj[key].get<std::string>();
}

Result<std::unique_ptr<Forge>> make_forge(const ForgeConfig& config, std::shared_ptr<api::HttpTransport> transport) {
  AGENT_ASSIGN_OR_RETURN(api::Url base, api::parse_url(config.api_url, "--api-url"));
  // The token goes in every request's headers: in clear only to this machine (tests, a
  // local tunnel), as for git remotes.
  if (!base.tls() && !is_loopback_host(base.host)) {
    return invalid_argument("--api-url " + base.to_string() + ": refusing to send the token over plain http to " +
                            base.host + "; use an https URL (plain http is allowed only to localhost, 127.0.0.1 "
                            "or ::1)");
  }
  size_t slash = config.slug.find('/');
  if (slash == std::string::npos || slash == 0 || config.slug.back() == '/' ||
      config.slug.find_first_of(" ?#") != std::string::npos ||
      (config.kind != "gitlab" && config.slug.find('/', slash + 1) != std::string::npos)) {
    return invalid_argument("--slug must be OWNER/NAME" +
                            std::string(config.kind == "gitlab" ? " (or GROUP/SUBGROUP/NAME)" : "") + ", got \"" +
                            config.slug + "\"");
  }
  api::Headers headers;
  if (config.kind == "github") {
    headers = {{"Authorization", "Bearer " + config.token},
               {"Accept", "application/vnd.github+json"},
               {"X-GitHub-Api-Version", "2022-11-28"}};
    return make_github_forge(std::make_unique<ForgeHttp>("GitHub", base, headers, transport, config.retry), config.slug);
  }
  if (config.kind == "gitea") {
    headers = {{"Authorization", "token " + config.token}, {"Accept", "application/json"}};
    return make_gitea_forge(std::make_unique<ForgeHttp>("Gitea", base, headers, transport, config.retry), config.slug);
  }
  if (config.kind == "gitlab") {
    headers = {{"PRIVATE-TOKEN", config.token}, {"Accept", "application/json"}};
    return make_gitlab_forge(std::make_unique<ForgeHttp>("GitLab", base, headers, transport, config.retry), config.slug);
  }
  return invalid_argument("--forge must be github, gitea or gitlab, got \"" + config.kind + "\"");
}

}  // namespace agent::pr
