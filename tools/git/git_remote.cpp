#include "tools/git/git_remote.h"

#include <cctype>
#include <cstring>

#include "common/fs.h"
#include "tools/git/git_handle.h"
#include "tools/git/ssh_known_hosts.h"

namespace agent {

namespace fs = std::filesystem;

namespace {

using Remote = std::unique_ptr<git_remote, git::Deleter<git_remote, git_remote_free>>;

struct UrlParts {
  std::string scheme;  // file, http, https, ssh
  std::string host;
  int port = 0;
};

UrlParts parse_remote_url(const std::string& url) {
  UrlParts u;
  size_t sep = url.find("://");
  if (sep == std::string::npos) {
    // scp-like "user@host:path" is SSH; anything else is a local path.
    size_t colon = url.find(':');
    size_t slash = url.find('/');
    if (colon != std::string::npos && (slash == std::string::npos || colon < slash) && colon > 1) {
      size_t at = url.rfind('@', colon);
      u.scheme = "ssh";
      u.host = url.substr(at == std::string::npos ? 0 : at + 1, colon - (at == std::string::npos ? 0 : at + 1));
      u.port = 22;
    } else {
      u.scheme = "file";
    }
    return u;
  }
  u.scheme = url.substr(0, sep);
  if (u.scheme == "ssh+git" || u.scheme == "git+ssh") u.scheme = "ssh";
  std::string rest = url.substr(sep + 3);
  std::string authority = rest.substr(0, rest.find('/'));
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  size_t colon = authority.rfind(':');
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    u.host = authority.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    colon = close != std::string::npos && close + 1 < authority.size() ? close + 1 : std::string::npos;
  } else {
    u.host = authority.substr(0, colon);
  }
  u.port = colon != std::string::npos ? std::atoi(authority.c_str() + colon + 1) : 0;
  if (u.port == 0) u.port = u.scheme == "https" ? 443 : u.scheme == "http" ? 80 : u.scheme == "ssh" ? 22 : 0;
  return u;
}

// Everything libgit2's callbacks learn during one connection, and the messages they leave
// (libgit2 may replace the error text of a failed callback with its own, vaguer one).
struct Session {
  const GitCredentials* creds = nullptr;
  UrlParts url;
  int http_tries = 0, ssh_tries = 0;
  std::string auth_error, hostkey_error;
  // Push only.
  std::string lease_ref;
  std::optional<std::string> lease_expected;
  std::string lease_error, rejected;
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool same_server(const UrlParts& a, const UrlParts& b) {
  return a.scheme == b.scheme && lower(a.host) == lower(b.host) && a.port == b.port;
}

// Credentials go only to the server the caller named: `url` is the one libgit2 connected to,
// after any rewriting of the remote's URL (which anonymous_remote turns off; off-site
// redirects are refused by kNoRedirects).
int credentials_cb(git_credential** out, const char* url, const char* user_from_url,
                   unsigned int allowed, void* payload) {
  auto* s = static_cast<Session*>(payload);
  const GitCredentials& c = *s->creds;
  auto fail = [&](std::string why) {
    s->auth_error = std::move(why);
    git_error_set_str(GIT_ERROR_NET, s->auth_error.c_str());
    return GIT_EAUTH;
  };
  UrlParts asking = url != nullptr ? parse_remote_url(url) : UrlParts{};
  if (!same_server(asking, s->url)) {
    return fail("refusing to send credentials to " + (url != nullptr ? git_safe_url(url) : std::string("(no URL)")) +
                ", which is not the remote's server (" + s->url.scheme + "://" + s->url.host + ")");
  }
  if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
    if (c.token.empty()) return fail("the remote asks for credentials and no token was given");
    if (asking.scheme == "http" && !is_loopback_host(asking.host)) {
      return fail("refusing to send the token over plain http to " + asking.host + "; use an https URL");
    }
    // A second request means the first answer was refused; asking again would loop forever.
    if (++s->http_tries > 1) return fail("the remote rejected the token (HTTP 401)");
    return git_credential_userpass_plaintext_new(out, c.token_user.c_str(), c.token.c_str());
  }
  const char* user = user_from_url != nullptr && *user_from_url != '\0' ? user_from_url : "git";
  if (allowed & GIT_CREDENTIAL_SSH_KEY) {
    if (++s->ssh_tries > 1) return fail("the SSH server refused the keys offered by ssh-agent");
    return git_credential_ssh_key_from_agent(out, user);
  }
  if (allowed & GIT_CREDENTIAL_USERNAME) return git_credential_username_new(out, user);
  return fail("the remote asks for a kind of credentials this program does not support");
}

// TLS certificates are left to libgit2 (GIT_PASSTHROUGH keeps its verdict); SSH host keys,
// which libgit2 1.5 does not check at all, must be in known_hosts.
int certificate_cb(git_cert* cert, int /*valid*/, const char* host, void* payload) {
  if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2) return GIT_PASSTHROUGH;
  auto* s = static_cast<Session*>(payload);
  auto* key = reinterpret_cast<git_cert_hostkey*>(cert);
  auto refuse = [&](std::string why) {
    s->hostkey_error = std::move(why);
    git_error_set_str(GIT_ERROR_SSH, s->hostkey_error.c_str());
    return GIT_ECERTIFICATE;
  };
  if (!(key->type & GIT_CERT_SSH_RAW)) return refuse("the SSH server sent no host key to check");
  if (s->creds->known_hosts.empty()) return refuse("no known_hosts file to check the SSH host key of " + std::string(host));
  auto text = read_file(s->creds->known_hosts, 16u << 20);
  if (!text.ok()) return refuse("cannot read known_hosts: " + text.status().message());
  std::string_view blob(key->hostkey, key->hostkey_len);
  switch (check_known_host(*text, host, s->url.port, blob)) {
    case HostKeyCheck::kMatch: return 0;
    case HostKeyCheck::kMismatch:
      return refuse("the SSH host key of " + std::string(host) + " differs from the one in " +
                    s->creds->known_hosts.string() + " (possible man-in-the-middle attack)");
    case HostKeyCheck::kRevoked: return refuse("the SSH host key of " + std::string(host) + " is revoked");
    case HostKeyCheck::kUnknown: break;
  }
  return refuse(std::string(host) + " is not in " + s->creds->known_hosts.string() +
                " (add its host key, e.g. with ssh-keyscan, after checking it)");
}

int negotiation_cb(const git_push_update** updates, size_t len, void* payload) {
  auto* s = static_cast<Session*>(payload);
  for (size_t i = 0; i < len; ++i) {
    if (s->lease_ref != updates[i]->dst_refname) continue;
    bool absent = git_oid_is_zero(&updates[i]->src) == 1;
    std::string found = absent ? "" : git_oid_tostr_s(&updates[i]->src);
    std::string want = s->lease_expected.value_or("");
    if (found == want) continue;
    s->lease_error = s->lease_ref + " moved on the remote: expected " +
                     (want.empty() ? std::string("no such branch") : want) + ", found " +
                     (found.empty() ? std::string("no such branch") : found) +
                     " (someone else pushed to it); nothing was pushed";
    git_error_set_str(GIT_ERROR_REFERENCE, s->lease_error.c_str());
    return -1;
  }
  return 0;
}

int update_reference_cb(const char* refname, const char* status, void* payload) {
  auto* s = static_cast<Session*>(payload);
  if (status != nullptr) s->rejected = std::string(refname) + ": " + status;
  return 0;
}

// Off-site redirects are never followed: after one, libgit2 still passes the remote's own URL
// to credentials_cb, which could not tell that the token would go to another server. Set on
// every operation, so that http.followRedirects in the repository's config has no say.
constexpr git_remote_redirect_t kNoRedirects = GIT_REMOTE_REDIRECT_NONE;

git_remote_callbacks callbacks_for(Session& s) {
  git_remote_callbacks cb = GIT_REMOTE_CALLBACKS_INIT;
  cb.credentials = credentials_cb;
  cb.certificate_check = certificate_cb;
  cb.push_negotiation = negotiation_cb;
  cb.push_update_reference = update_reference_cb;
  cb.payload = &s;
  return cb;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

// One place turns libgit2's failure into a Status whose code says what to do, and whose text
// holds neither the token nor a URL's userinfo.
Status remote_error(const std::string& what, int rc, const Session& s, const std::string& url) {
  std::string msg;
  const git_error* e = git_error_last();
  int klass = e != nullptr ? e->klass : 0;
  if (!s.auth_error.empty()) {
    msg = s.auth_error;
  } else if (!s.hostkey_error.empty()) {
    msg = s.hostkey_error;
  } else if (!s.lease_error.empty()) {
    msg = s.lease_error;
  } else {
    msg = e != nullptr && e->message != nullptr ? e->message : "unknown libgit2 error";
  }
  msg = replace_all(replace_all(msg, url, git_safe_url(url)), s.creds->token, "[REDACTED]");
  std::string full = what + " " + git_safe_url(url) + ": " + msg;
  if (!s.lease_error.empty()) return failed_precondition(std::move(full));
  if (!s.auth_error.empty() || rc == GIT_EAUTH) return unauthenticated(std::move(full));
  if (!s.hostkey_error.empty() || rc == GIT_ECERTIFICATE) return failed_precondition(std::move(full));
  if (msg.find("status code: 401") != std::string::npos) return unauthenticated(std::move(full));
  if (msg.find("status code: 403") != std::string::npos) return permission_denied(std::move(full));
  if (rc == GIT_ENOTFOUND || msg.find("status code: 404") != std::string::npos) return not_found(std::move(full));
  if (klass == GIT_ERROR_NET || klass == GIT_ERROR_HTTP || klass == GIT_ERROR_SSH ||
      klass == GIT_ERROR_SSL || klass == GIT_ERROR_OS) {
    return unavailable(std::move(full));
  }
  return internal_error(std::move(full));
}

// url.<base>.insteadOf / pushInsteadOf in the repository's config (which the agent's
// commands may have written) are not applied: the bot talks to exactly `url`.
Result<Remote> anonymous_remote(git_repository* repo, const std::string& url) {
  git_remote* raw = nullptr;
  git_remote_create_options opts = GIT_REMOTE_CREATE_OPTIONS_INIT;
  opts.repository = repo;
  opts.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
  if (git_remote_create_with_opts(&raw, url.c_str(), &opts) != 0) {
    return invalid_argument("\"" + git_safe_url(url) + "\" is not a usable git remote URL");
  }
  return Remote(raw);
}

// Connects and reads the advertised refs: refs/heads/<b> -> id for the branches asked.
Result<std::map<std::string, std::string>> list_branches(git_remote* remote, Session& s,
                                                         const std::string& url,
                                                         const std::vector<std::string>& branches) {
  git_remote_connect_options opts = GIT_REMOTE_CONNECT_OPTIONS_INIT;
  opts.callbacks = callbacks_for(s);
  opts.follow_redirects = kNoRedirects;
  if (int rc = git_remote_connect_ext(remote, GIT_DIRECTION_FETCH, &opts); rc != 0) {
    return remote_error("connect to", rc, s, url);
  }
  const git_remote_head** heads = nullptr;
  size_t n = 0;
  if (int rc = git_remote_ls(&heads, &n, remote); rc != 0) return remote_error("list refs of", rc, s, url);
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < n; ++i) {
    std::string name = heads[i]->name;
    for (const auto& b : branches) {
      if (name == "refs/heads/" + b) out[b] = git_oid_tostr_s(&heads[i]->oid);
    }
  }
  git_remote_disconnect(remote);
  return out;
}

}  // namespace

bool is_loopback_host(const std::string& h) {
  std::string host = h;
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (host == "localhost" || host == "::1") return true;
  if (host.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (size_t i = 0; i < host.size(); ++i) {
    if (host[i] == '.') {
      if (i + 1 == host.size() || host[i + 1] == '.') return false;
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(host[i]))) {
      return false;
    }
  }
  return dots == 3;
}

std::string git_safe_url(const std::string& url) {
  size_t sep = url.find("://");
  if (sep == std::string::npos) return url;
  size_t host_start = sep + 3;
  size_t slash = url.find('/', host_start);
  size_t at = url.rfind('@', slash == std::string::npos ? url.size() : slash);
  if (at == std::string::npos || at < host_start) return url;
  return url.substr(0, host_start) + url.substr(at + 1);
}

// remote.<name>.url as written: git_remote_lookup would rewrite it with url.*.insteadOf.
Result<std::string> git_remote_url(const fs::path& repo_dir, const std::string& name) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(repo_dir));
  git_remote* raw = nullptr;
  if (git_remote_lookup(&raw, repo.get(), name.c_str()) != 0) {
    return not_found("the repository has no remote named \"" + name + "\"");
  }
  Remote remote(raw);
  git_config* config = nullptr;
  if (git_repository_config_snapshot(&config, repo.get()) != 0) return git::error("read the repository's config");
  std::unique_ptr<git_config, git::Deleter<git_config, git_config_free>> holder(config);
  const char* url = nullptr;
  std::string key = "remote." + name + ".url";
  if (git_config_get_string(&url, config, key.c_str()) != 0 || url == nullptr || *url == '\0') {
    return not_found("remote \"" + name + "\" has no URL");
  }
  return std::string(url);
}

Result<std::map<std::string, std::string>> git_ls_remote(const fs::path& repo_dir, const std::string& url,
                                                         const std::vector<std::string>& branches,
                                                         const GitCredentials& creds) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(repo_dir));
  AGENT_ASSIGN_OR_RETURN(Remote remote, anonymous_remote(repo.get(), url));
  Session s;
  s.creds = &creds;
  s.url = parse_remote_url(url);
  return list_branches(remote.get(), s, url, branches);
}

Result<std::map<std::string, std::string>> git_fetch_branches(const fs::path& repo_dir, const std::string& url,
                                                              const std::string& tracking,
                                                              const std::vector<std::string>& branches,
                                                              const GitCredentials& creds) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(repo_dir));
  AGENT_ASSIGN_OR_RETURN(Remote remote, anonymous_remote(repo.get(), url));
  Session s;
  s.creds = &creds;
  s.url = parse_remote_url(url);
  AGENT_ASSIGN_OR_RETURN(auto tips, list_branches(remote.get(), s, url, branches));
  if (tips.empty()) return tips;
  // The fetch opens a new connection, which asks for credentials afresh.
  s.http_tries = s.ssh_tries = 0;
  std::vector<std::string> specs;
  for (const auto& [branch, id] : tips) specs.push_back("+refs/heads/" + branch + ":refs/remotes/" + tracking + "/" + branch);
  std::vector<char*> ptrs;
  for (auto& sp : specs) ptrs.push_back(sp.data());
  git_strarray refspecs{ptrs.data(), ptrs.size()};
  git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
  opts.callbacks = callbacks_for(s);
  opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  opts.prune = GIT_FETCH_NO_PRUNE;
  opts.update_fetchhead = 0;
  opts.follow_redirects = kNoRedirects;
  if (int rc = git_remote_fetch(remote.get(), &refspecs, &opts, "agent: fetch"); rc != 0) {
    return remote_error("fetch from", rc, s, url);
  }
  // What was fetched is what the tracking refs hold now (a branch may have moved since the
  // listing; the fetch saw the newer tip).
  for (auto& [branch, id] : tips) {
    git_oid oid;
    std::string ref = "refs/remotes/" + tracking + "/" + branch;
    if (git_reference_name_to_id(&oid, repo.get(), ref.c_str()) != 0) return git::error("read " + ref);
    id = git_oid_tostr_s(&oid);
  }
  return tips;
}

Status git_push_with_lease(const fs::path& repo_dir, const std::string& url, const std::string& local_branch,
                           const std::string& branch, const std::optional<std::string>& expected,
                           const GitCredentials& creds) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(repo_dir));
  git_reference* local = nullptr;
  if (git_branch_lookup(&local, repo.get(), local_branch.c_str(), GIT_BRANCH_LOCAL) != 0) {
    return not_found("no local branch \"" + local_branch + "\" to push");
  }
  git::Reference local_holder(local);
  AGENT_ASSIGN_OR_RETURN(Remote remote, anonymous_remote(repo.get(), url));
  Session s;
  s.creds = &creds;
  s.url = parse_remote_url(url);
  s.lease_ref = "refs/heads/" + branch;
  s.lease_expected = expected;
  std::string spec = "+refs/heads/" + local_branch + ":" + s.lease_ref;
  char* specs[] = {spec.data()};
  git_strarray refspecs{specs, 1};
  git_push_options opts = GIT_PUSH_OPTIONS_INIT;
  opts.callbacks = callbacks_for(s);
  opts.follow_redirects = kNoRedirects;
  if (int rc = git_remote_push(remote.get(), &refspecs, &opts); rc != 0) {
    return remote_error("push to", rc, s, url);
  }
  if (!s.rejected.empty()) {
    return failed_precondition("push to " + git_safe_url(url) + ": the remote refused " + s.rejected);
  }
  return ok_status();
}

Status git_set_ca_locations(const std::string& file, const std::string& dir) {
  git::init();
  if (file.empty() && dir.empty()) return ok_status();
  if (git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file.empty() ? nullptr : file.c_str(),
                       dir.empty() ? nullptr : dir.c_str()) != 0) {
    return git::error("use the certificates in " + (file.empty() ? dir : file), StatusCode::kInvalidArgument);
  }
  return ok_status();
}

}  // namespace agent
