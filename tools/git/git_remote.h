// Talking to a git remote through libgit2 (no `git` process): listing its branches, fetching
// them, and pushing a branch with force-with-lease semantics.
//
// Transports: file:// and local paths, HTTPS (a token as the Basic-auth password; certificate
// checks stay on: libgit2 verifies the chain against the system store), plain HTTP only on
// loopback hosts (a token is never sent in clear across a network), and SSH (keys from the
// running ssh-agent; the host key must be listed in the given known_hosts file).
// Credentials go only to the server of the URL given: url.*.insteadOf / pushInsteadOf in the
// repository's config are not applied, off-site redirects are not followed, and the
// credentials callback checks the scheme, host and port it is asked for.
// Credentials never appear in returned errors; URLs in errors are printed without userinfo.
// Thread-safety: reentrant (one remote connection per call).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace agent {

struct GitCredentials {
  std::string token;                       // HTTP(S): sent as the password of Basic auth
  std::string token_user = "x-access-token";  // the user name sent with it (GitLab: oauth2)
  std::filesystem::path known_hosts;       // SSH: the accepted host keys; empty = refuse all
};

// The URL of the named remote of the repository containing `repo` (remote.<name>.url as
// written, without url.*.insteadOf rewriting). NotFound when there is no such remote.
Result<std::string> git_remote_url(const std::filesystem::path& repo, const std::string& remote);

// True for the names of this machine's loopback interface: localhost, ::1 and 127.x.y.z
// (numeric only: "127.example.com" is a DNS name like any other). Plain-http credentials go
// only there.
bool is_loopback_host(const std::string& host);

// `url` with any "user:password@" removed: safe to print.
std::string git_safe_url(const std::string& url);

// The tips of `branches` on the remote (like `git ls-remote`): branch -> commit id; branches
// the remote lacks are absent. Errors: Unauthenticated (credentials missing or refused),
// FailedPrecondition (TLS certificate or SSH host key not trusted), Unavailable (network).
Result<std::map<std::string, std::string>> git_ls_remote(const std::filesystem::path& repo,
                                                         const std::string& url,
                                                         const std::vector<std::string>& branches,
                                                         const GitCredentials& creds);

// Fetches the `branches` the remote has into refs/remotes/<tracking>/<branch> and returns
// their tips (as git_ls_remote does). Branches the remote lacks are skipped, not an error.
Result<std::map<std::string, std::string>> git_fetch_branches(const std::filesystem::path& repo,
                                                              const std::string& url,
                                                              const std::string& tracking,
                                                              const std::vector<std::string>& branches,
                                                              const GitCredentials& creds);

// Sets refs/heads/<branch> on the remote to local branch `local_branch`'s commit, forced, but
// only when the remote branch is at `expected` (a commit id), or absent when `expected` is
// nullopt: git's --force-with-lease. The check is made on the push connection itself (its ref
// advertisement), and over smart HTTP/SSH the server checks the old value again atomically.
// Errors: FailedPrecondition "... moved ..." when the lease does not hold (nothing was pushed)
// or the server refused the update (hook, protected branch), plus git_ls_remote's errors.
Status git_push_with_lease(const std::filesystem::path& repo, const std::string& url,
                           const std::string& local_branch, const std::string& branch,
                           const std::optional<std::string>& expected, const GitCredentials& creds);

// The certificates HTTPS remotes are checked against (process-wide, as libgit2 is): a PEM file
// and/or a folder of hashed certificates, used instead of the built-in system store (as
// SSL_CERT_FILE / SSL_CERT_DIR are for OpenSSL); both empty keep the system store.
Status git_set_ca_locations(const std::string& file, const std::string& dir);

}  // namespace agent
