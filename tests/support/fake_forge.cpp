#include "tests/support/fake_forge.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace agent::testing {

namespace {

std::string run_git(const std::filesystem::path& bare, const std::string& args) {
  std::string cmd = "git -C '" + bare.string() + "' " + args + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "";
  std::string out;
  char buf[256];
  while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
  pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

bool safe_ref(const std::string& b) {
  return !b.empty() && std::all_of(b.begin(), b.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '-' || c == '_' || c == '.';
  });
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(const std::string& q) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos < q.size()) {
    size_t amp = q.find('&', pos);
    if (amp == std::string::npos) amp = q.size();
    std::string kv = q.substr(pos, amp - pos);
    size_t eq = kv.find('=');
    out[percent_decode(kv.substr(0, eq))] = eq == std::string::npos ? "" : percent_decode(kv.substr(eq + 1));
    pos = amp + 1;
  }
  return out;
}

std::string encode_slash(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '/' ? std::string("%2F") : std::string(1, c);
  return out;
}

FakeResponse json_response(int status, const Json& body) {
  return FakeResponse::text(status, "application/json; charset=utf-8", body.dump());
}

// "/pulls/12" -> 12 after `prefix`; 0 when the rest is not a number.
int64_t number_after(const std::string& rest, const std::string& prefix, const std::string& suffix = "") {
  if (rest.rfind(prefix, 0) != 0 || rest.size() < prefix.size() + suffix.size()) return 0;
  std::string mid = rest.substr(prefix.size(), rest.size() - prefix.size() - suffix.size());
  if (rest.substr(rest.size() - suffix.size()) != suffix || mid.empty() ||
      !std::all_of(mid.begin(), mid.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return 0;
  }
  return std::stoll(mid);
}

bool is_string_or_absent(const Json& j, const char* k) { return !j.contains(k) || j[k].is_string(); }

}  // namespace

std::unique_ptr<FakeForge> FakeForge::start(FakeForgeOptions options) {
  std::unique_ptr<FakeForge> f(new FakeForge());
  f->opt_ = std::move(options);
  f->next_number_ = 1 + (f->opt_.issues.empty() ? 0 : *std::max_element(f->opt_.issues.begin(), f->opt_.issues.end()));
  FakeForge* self = f.get();
  f->server_ = FakeHttpServer::start([self](const FakeRequest& r) { return self->handle(r); });
  return f;
}

FakeForge::~FakeForge() { server_.reset(); }

std::string FakeForge::api_url() const {
  std::string root = server_->url();
  if (opt_.flavor == "gitea") return root + "/api/v1";
  if (opt_.flavor == "gitlab") return root + "/api/v4";
  return root;
}

void FakeForge::fail_next(const std::string& prefix, int status, int times) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back({prefix, status, times});
}

std::vector<FakeForge::Pull> FakeForge::pulls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pulls_;
}

std::vector<FakeForge::Comment> FakeForge::comments() const {
  std::lock_guard<std::mutex> lock(mu_);
  return comments_;
}

std::vector<std::string> FakeForge::violations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return violations_;
}

std::vector<std::string> FakeForge::log() const {
  std::lock_guard<std::mutex> lock(mu_);
  return log_;
}

void FakeForge::violation(const std::string& what) { violations_.push_back(what); }

FakeResponse FakeForge::error(int status, const std::string& message) const {
  if (opt_.flavor == "gitlab") return json_response(status, Json{{"message", Json::array({message})}});
  Json body{{"message", message}};
  if (opt_.flavor == "github") body["documentation_url"] = "https://docs.github.com/rest";
  return json_response(status, body);
}

std::string FakeForge::branch_sha(const std::string& branch) const {
  if (!safe_ref(branch)) return "";
  return run_git(opt_.bare_repo, "rev-parse --verify -q refs/heads/" + branch);
}

bool FakeForge::issue_exists(int64_t n) const {
  if (std::find(opt_.issues.begin(), opt_.issues.end(), n) != opt_.issues.end()) return true;
  return std::any_of(pulls_.begin(), pulls_.end(), [&](const Pull& p) { return p.number == n; });
}

FakeResponse FakeForge::handle(const FakeRequest& req) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t q = req.target.find('?');
  std::string path = req.target.substr(0, q);
  std::string query = q == std::string::npos ? "" : req.target.substr(q + 1);
  std::string line = req.method + " " + path;
  FakeResponse resp;
  auto fault = std::find_if(faults_.begin(), faults_.end(),
                            [&](const Fault& f) { return f.times > 0 && line.rfind(f.prefix, 0) == 0; });
  if (fault != faults_.end()) {
    --fault->times;
    resp = FakeResponse::text(fault->status, "text/html", "<html><body><h1>" + std::to_string(fault->status) +
                                                                " Server Error</h1></body></html>");
  } else {
    resp = route(req, path, query);
  }
  log_.push_back(line + " -> " + std::to_string(resp.status));
  return resp;
}

FakeResponse FakeForge::route(const FakeRequest& req, const std::string& path, const std::string& query) {
  bool authorized = false;
  if (opt_.flavor == "github") {
    authorized = req.header("Authorization") == "Bearer " + opt_.token;
    if (req.header("Accept") != "application/vnd.github+json") violation(req.method + " " + path + ": Accept is not application/vnd.github+json");
    if (req.header("X-GitHub-Api-Version") != "2022-11-28") violation(req.method + " " + path + ": no X-GitHub-Api-Version");
    if (req.header("User-Agent").empty()) {
      violation(req.method + " " + path + ": no User-Agent");
      return error(403, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header");
    }
    if (!authorized) return error(401, "Bad credentials");
  } else if (opt_.flavor == "gitea") {
    std::string a = req.header("Authorization");
    authorized = a == "token " + opt_.token || a == "Bearer " + opt_.token;
    if (!authorized) return error(401, "invalid username, password or token");
  } else {
    authorized = req.header("PRIVATE-TOKEN") == opt_.token;
    if (!authorized) return json_response(401, Json{{"message", "401 Unauthorized"}});
  }
  bool has_body = req.method == "POST" || req.method == "PATCH" || req.method == "PUT";
  if (has_body) {
    Json body = Json::parse(req.body, nullptr, false);
    if (req.header("Content-Type").rfind("application/json", 0) != 0 || !body.is_object()) {
      violation(req.method + " " + path + ": body is not a JSON object with Content-Type application/json");
      return error(400, "Problems parsing JSON");
    }
  } else if (!req.body.empty()) {
    violation(req.method + " " + path + ": a body on a " + req.method);
  }
  if (opt_.flavor == "github" && path.rfind("/repos/" + opt_.slug, 0) == 0) return github(req, path.substr(7 + opt_.slug.size()), query);
  if (opt_.flavor == "gitea" && path.rfind("/api/v1/repos/" + opt_.slug, 0) == 0) return gitea(req, path.substr(14 + opt_.slug.size()), query);
  std::string project = "/api/v4/projects/" + encode_slash(opt_.slug);
  if (opt_.flavor == "gitlab" && path.rfind(project, 0) == 0) return gitlab(req, path.substr(project.size()), query);
  violation("unexpected request " + req.method + " " + path);
  return error(404, "Not Found");
}

FakeResponse FakeForge::github(const FakeRequest& req, const std::string& rest, const std::string& query) {
  Json body = Json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
  std::string owner = opt_.slug.substr(0, opt_.slug.find('/'));
  if (req.method == "GET" && rest.empty()) {
    return json_response(200, Json{{"id", 1296269}, {"name", opt_.slug.substr(owner.size() + 1)}, {"full_name", opt_.slug},
                                   {"owner", {{"login", owner}}}, {"private", false}, {"default_branch", opt_.default_branch},
                                   {"html_url", "https://github.com/" + opt_.slug}});
  }
  if (req.method == "GET" && rest == "/pulls") {
    auto qs = parse_query(query);
    Json list = Json::array();
    for (const auto& p : pulls_) {
      if (qs.count("state") && qs["state"] != "all" && p.state != qs["state"]) continue;
      if (qs.count("head") && qs["head"] != owner + ":" + p.head) continue;
      if (qs.count("base") && qs["base"] != p.base) continue;
      list.push_back(pull_json(p));
    }
    return json_response(200, list);
  }
  if (req.method == "POST" && rest == "/pulls") {
    if (!body.contains("title") || !body["title"].is_string() || !body.contains("head") || !body["head"].is_string() ||
        !body.contains("base") || !body["base"].is_string() || !is_string_or_absent(body, "body") ||
        (body.contains("draft") && !body["draft"].is_boolean())) {
      violation("POST pulls: title, head and base must be strings, draft a boolean: " + req.body);
      return error(422, "Invalid request.");
    }
    std::string head = body["head"];
    if (head.rfind(owner + ":", 0) == 0) head = head.substr(owner.size() + 1);
    return open_pull(body, head, body["base"], body["title"]);
  }
  if (int64_t n = number_after(rest, "/pulls/"); n > 0 && req.method == "PATCH") return update(n, body, "title", "body", 200);
  if (int64_t n = number_after(rest, "/issues/", "/comments"); n > 0 && req.method == "POST") return comment(n, body);
  violation("unexpected request " + req.method + " /repos/" + opt_.slug + rest);
  return error(404, "Not Found");
}

FakeResponse FakeForge::gitea(const FakeRequest& req, const std::string& rest, const std::string& query) {
  Json body = Json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
  if (req.method == "GET" && rest.empty()) {
    return json_response(200, Json{{"id", 3}, {"full_name", opt_.slug}, {"default_branch", opt_.default_branch},
                                   {"html_url", "https://gitea.example/" + opt_.slug}});
  }
  if (req.method == "GET" && rest == "/pulls") {
    auto qs = parse_query(query);
    size_t limit = qs.count("limit") ? std::stoul(qs["limit"]) : 30, page = qs.count("page") ? std::stoul(qs["page"]) : 1;
    std::vector<const Pull*> match;
    for (const auto& p : pulls_) {
      if (!qs.count("state") || qs["state"] == "all" || p.state == qs["state"]) match.push_back(&p);
    }
    Json list = Json::array();
    for (size_t i = (page - 1) * limit; i < match.size() && i < page * limit; ++i) list.push_back(pull_json(*match[i]));
    return json_response(200, list);
  }
  if (req.method == "POST" && rest == "/pulls") {
    if (!body.contains("head") || !body["head"].is_string() || !body.contains("base") || !body["base"].is_string() ||
        !body.contains("title") || !body["title"].is_string() || !is_string_or_absent(body, "body")) {
      violation("POST pulls: head, base and title must be strings: " + req.body);
      return error(422, "[]: head, base and title are required");
    }
    if (body.contains("draft")) violation("POST pulls: Gitea has no draft field");
    return open_pull(body, body["head"], body["base"], body["title"]);
  }
  if (int64_t n = number_after(rest, "/pulls/"); n > 0 && req.method == "PATCH") return update(n, body, "title", "body", 201);
  if (int64_t n = number_after(rest, "/issues/", "/comments"); n > 0 && req.method == "POST") return comment(n, body);
  violation("unexpected request " + req.method + " /api/v1/repos/" + opt_.slug + rest);
  return error(404, "The target couldn't be found.");
}

FakeResponse FakeForge::gitlab(const FakeRequest& req, const std::string& rest, const std::string& query) {
  Json body = Json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
  if (req.method == "GET" && rest.empty()) {
    return json_response(200, Json{{"id", 42}, {"path_with_namespace", opt_.slug}, {"default_branch", opt_.default_branch},
                                   {"web_url", "https://gitlab.example/" + opt_.slug}});
  }
  if (req.method == "GET" && rest == "/merge_requests") {
    auto qs = parse_query(query);
    Json list = Json::array();
    for (const auto& p : pulls_) {
      std::string state = p.state == "open" ? "opened" : p.state;
      if (qs.count("state") && qs["state"] != "all" && state != qs["state"]) continue;
      if (qs.count("source_branch") && qs["source_branch"] != p.head) continue;
      if (qs.count("target_branch") && qs["target_branch"] != p.base) continue;
      list.push_back(pull_json(p));
    }
    return json_response(200, list);
  }
  if (req.method == "POST" && rest == "/merge_requests") {
    if (!body.contains("source_branch") || !body["source_branch"].is_string() || !body.contains("target_branch") ||
        !body["target_branch"].is_string() || !body.contains("title") || !body["title"].is_string() ||
        !is_string_or_absent(body, "description")) {
      violation("POST merge_requests: source_branch, target_branch and title must be strings: " + req.body);
      return json_response(400, Json{{"error", "source_branch, target_branch, title are missing"}});
    }
    return open_pull(body, body["source_branch"], body["target_branch"], body["title"]);
  }
  if (int64_t n = number_after(rest, "/merge_requests/"); n > 0 && req.method == "PUT") {
    return update(n, body, "title", "description", 200);
  }
  if (int64_t n = number_after(rest, "/issues/", "/notes"); n > 0 && req.method == "POST") return comment(n, body);
  violation("unexpected request " + req.method + " " + rest);
  return json_response(404, Json{{"message", "404 Not Found"}});
}

FakeResponse FakeForge::open_pull(const Json& body, const std::string& head, const std::string& base,
                                  const std::string& title) {
  std::string owner = opt_.slug.substr(0, opt_.slug.find('/'));
  auto invalid = [&](const std::string& field) {
    if (opt_.flavor == "github") {
      return json_response(422, Json{{"message", "Validation Failed"},
                                     {"errors", {{{"resource", "PullRequest"}, {"field", field}, {"code", "invalid"}}}},
                                     {"documentation_url", "https://docs.github.com/rest/pulls/pulls#create-a-pull-request"}});
    }
    return error(404, "branch " + field + " does not exist");
  };
  if (branch_sha(base).empty()) return invalid("base");
  if (branch_sha(head).empty()) return invalid("head");
  for (const auto& p : pulls_) {
    if (p.state != "open" || p.head != head) continue;
    if (opt_.flavor == "github") {
      return json_response(422, Json{{"message", "Validation Failed"},
                                     {"errors", {{{"resource", "PullRequest"}, {"code", "custom"},
                                                  {"message", "A pull request already exists for " + owner + ":" + head + "."}}}}});
    }
    if (opt_.flavor == "gitea") return error(409, "pull request already exists for these targets [head_branch: " + head + "]");
    return error(409, "Another open merge request already exists for this source branch: !" + std::to_string(p.number));
  }
  if (run_git(opt_.bare_repo, "rev-list --count refs/heads/" + base + "..refs/heads/" + head) == "0") {
    return error(422, "No commits between " + base + " and " + head);
  }
  Pull p;
  p.number = next_number_++;
  p.head = head;
  p.base = base;
  p.title = title;
  p.body = body.value(opt_.flavor == "gitlab" ? "description" : "body", "");
  p.draft = body.value("draft", false);
  pulls_.push_back(p);
  return json_response(201, pull_json(p));
}

FakeResponse FakeForge::update(int64_t number, const Json& body, const char* title_key, const char* body_key, int ok_status) {
  auto it = std::find_if(pulls_.begin(), pulls_.end(), [&](const Pull& p) { return p.number == number; });
  if (it == pulls_.end()) return error(404, "Not Found");
  if (!is_string_or_absent(body, title_key) || !is_string_or_absent(body, body_key)) {
    violation("update: title and body must be strings");
    return error(422, "Invalid request.");
  }
  if (body.contains(title_key)) it->title = body[title_key];
  if (body.contains(body_key)) it->body = body[body_key];
  return json_response(ok_status, pull_json(*it));
}

FakeResponse FakeForge::comment(int64_t issue, const Json& body) {
  if (!issue_exists(issue)) return error(404, "Not Found");
  if (!body.contains("body") || !body["body"].is_string() || body["body"].get<std::string>().empty()) {
    violation("comment: body must be a non-empty string");
    return error(422, "Validation Failed");
  }
  comments_.push_back({issue, body["body"]});
  int64_t id = 1000 + static_cast<int64_t>(comments_.size());
  if (opt_.flavor == "gitlab") {
    return json_response(201, Json{{"id", id}, {"body", body["body"]}, {"author", {{"username", "agent-bot"}}},
                                   {"noteable_type", "Issue"}, {"noteable_iid", issue}});
  }
  std::string host = opt_.flavor == "github" ? "https://github.com/" : "https://gitea.example/";
  return json_response(201, Json{{"id", id}, {"node_id", "IC_" + std::to_string(id)},
                                 {"html_url", host + opt_.slug + "/issues/" + std::to_string(issue) + "#issuecomment-" + std::to_string(id)},
                                 {"body", body["body"]}, {"user", {{"login", "agent-bot"}, {"type", "Bot"}}},
                                 {"author_association", "NONE"}, {"created_at", "2026-01-01T00:00:00Z"}});
}

Json FakeForge::pull_json(const Pull& p) const {
  std::string n = std::to_string(p.number);
  if (opt_.flavor == "gitlab") {
    return Json{{"id", 9000 + p.number}, {"iid", p.number}, {"project_id", 42}, {"title", p.title},
                {"description", p.body}, {"state", p.state == "open" ? "opened" : p.state}, {"source_branch", p.head},
                {"target_branch", p.base}, {"sha", branch_sha(p.head)}, {"draft", p.title.rfind("Draft: ", 0) == 0},
                {"web_url", "https://gitlab.example/" + opt_.slug + "/-/merge_requests/" + n}};
  }
  std::string host = opt_.flavor == "github" ? "https://github.com/" : "https://gitea.example/";
  std::string page = host + opt_.slug + (opt_.flavor == "github" ? "/pull/" : "/pulls/") + n;
  Json j{{"id", 5000 + p.number}, {"number", p.number}, {"state", p.state}, {"title", p.title}, {"body", p.body},
         {"html_url", page}, {"url", page}, {"diff_url", page + ".diff"},
         {"head", {{"ref", p.head}, {"sha", branch_sha(p.head)}, {"repo", {{"full_name", opt_.slug}}}}},
         {"base", {{"ref", p.base}, {"sha", branch_sha(p.base)}}}, {"user", {{"login", "agent-bot"}}},
         {"created_at", "2026-01-01T00:00:00Z"}};
  if (opt_.flavor == "github") {
    j["node_id"] = "PR_" + n;
    j["draft"] = p.draft;
    j["mergeable"] = nullptr;
  }
  return j;
}

}  // namespace agent::testing
