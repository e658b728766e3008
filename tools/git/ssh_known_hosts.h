// SSH host-key verification against an OpenSSH known_hosts file. libgit2 1.5 accepts any SSH
// host key unless the caller checks it, so git_remote.cpp checks it here: a push over SSH to
// an impostor would hand it the repository and the agent's work.
//
// Supported: plain host patterns ("host", "[host]:port", comma lists, * and ? wildcards,
// !negation), hashed entries ("|1|salt|hmac"), @revoked. @cert-authority lines are skipped
// (certificates are not verified, so such hosts are unknown unless also listed by key).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace agent {

enum class HostKeyCheck {
  kMatch,     // the host is listed with this key
  kMismatch,  // the host is listed, but only with other keys: possibly an attack
  kUnknown,   // the host is not listed
  kRevoked,   // the key is marked @revoked
};

// `key_blob` is the raw public key as the server sent it (what the base64 field encodes).
HostKeyCheck check_known_host(std::string_view known_hosts, std::string_view host, int port,
                              std::string_view key_blob);

// Decodes standard base64 (padding optional); empty on malformed input.
std::string base64_decode(std::string_view text);

}  // namespace agent
