// Test support: a fake forge on 127.0.0.1 (ephemeral port) that speaks the REST API of
// GitHub, Gitea or GitLab for the calls the PR bot makes — read the repository, list, open
// and update pull/merge requests, comment on issues — and checks each request the way the
// real service would: the authentication header (401 with the service's answer otherwise),
// the content type and JSON body (required fields, types), the head branch existing on the
// bare repository that stands for the remote, commits between base and head, one open pull
// request per branch (GitHub 422 "Validation Failed", Gitea and GitLab 409). Answers have the
// real services' shapes. Requests a real client must not send (unknown routes, missing API
// headers, malformed bodies) are also recorded as violations for the test to assert on.
// Faults: the next N requests on a route can be made to answer a given status (5xx).
// Thread-safety: the accessors may be called from any thread while the server runs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/json.h"
#include "tests/support/fake_http_server.h"

namespace agent::testing {

struct FakeForgeOptions {
  std::string flavor = "github";  // github | gitea | gitlab
  std::string slug = "octo/hello";
  std::string token;
  std::filesystem::path bare_repo;  // the git remote: head branches are looked up there
  std::string default_branch = "main";
  std::vector<int64_t> issues = {7};
};

class FakeForge {
 public:
  struct Pull {
    int64_t number = 0;
    std::string head, base, title, body, state = "open";
    bool draft = false;
  };
  struct Comment {
    int64_t issue = 0;
    std::string body;
  };

  static std::unique_ptr<FakeForge> start(FakeForgeOptions options);
  ~FakeForge();

  // The API root to pass as --api-url (GitHub: the server root; Gitea: /api/v1; GitLab: /api/v4).
  std::string api_url() const;
  // The next `times` requests whose "METHOD path" starts with `prefix` answer `status`.
  void fail_next(const std::string& prefix, int status, int times);

  std::vector<Pull> pulls() const;
  std::vector<Comment> comments() const;
  std::vector<std::string> violations() const;
  std::vector<FakeRequest> requests() const { return server_->requests(); }
  // "METHOD path -> status" of every request, in order.
  std::vector<std::string> log() const;

 private:
  FakeForge() = default;
  FakeResponse handle(const FakeRequest& req);
  FakeResponse route(const FakeRequest& req, const std::string& path, const std::string& query);
  FakeResponse github(const FakeRequest& req, const std::string& rest, const std::string& query);
  FakeResponse gitea(const FakeRequest& req, const std::string& rest, const std::string& query);
  FakeResponse gitlab(const FakeRequest& req, const std::string& rest, const std::string& query);
  FakeResponse open_pull(const Json& body, const std::string& head, const std::string& base, const std::string& title);
  FakeResponse comment(int64_t issue, const Json& body);
  FakeResponse update(int64_t number, const Json& body, const char* title_key, const char* body_key, int ok_status);
  Json pull_json(const Pull& p) const;
  std::string branch_sha(const std::string& branch) const;
  bool issue_exists(int64_t n) const;
  FakeResponse error(int status, const std::string& message) const;
  void violation(const std::string& what);

  FakeForgeOptions opt_;
  std::unique_ptr<FakeHttpServer> server_;
  mutable std::mutex mu_;
  std::vector<Pull> pulls_;
  std::vector<Comment> comments_;
  std::vector<std::string> violations_, log_;
  struct Fault {
    std::string prefix;
    int status = 0, times = 0;
  };
  std::vector<Fault> faults_;
  int64_t next_number_ = 0;
};

}  // namespace agent::testing
