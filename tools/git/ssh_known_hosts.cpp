#include "tools/git/ssh_known_hosts.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <vector>

namespace agent {

namespace {

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t next = s.find(sep, pos);
    if (next == std::string_view::npos) next = s.size();
    out.push_back(s.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < line.size()) {
    size_t start = line.find_first_not_of(" \t", pos);
    if (start == std::string_view::npos) break;
    size_t end = line.find_first_of(" \t", start);
    if (end == std::string_view::npos) end = line.size();
    out.push_back(line.substr(start, end - start));
    pos = end;
  }
  return out;
}

bool wildcard_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '*') {
    for (size_t i = 0; i <= text.size(); ++i) {
      if (wildcard_match(pattern.substr(1), text.substr(i))) return true;
    }
    return false;
  }
  if (text.empty()) return false;
  if (pattern[0] != '?' && pattern[0] != text[0]) return false;
  return wildcard_match(pattern.substr(1), text.substr(1));
}

// "|1|base64(salt)|base64(HMAC-SHA1(salt, name))", OpenSSH's HashKnownHosts format.
bool hashed_match(std::string_view entry, const std::string& name) {
  auto parts = split(entry.substr(1), '|');
  if (parts.size() != 3 || parts[0] != "1") return false;
  std::string salt = base64_decode(parts[1]);
  std::string want = base64_decode(parts[2]);
  if (salt.empty() || want.size() != 20) return false;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha1(), salt.data(), static_cast<int>(salt.size()),
           reinterpret_cast<const unsigned char*>(name.data()), name.size(), mac, &len) == nullptr) {
    return false;
  }
  return len == 20 && std::string_view(reinterpret_cast<char*>(mac), len) == want;
}

// True when the comma-separated patterns name the host (a negated match wins).
bool hosts_match(std::string_view patterns, const std::string& name) {
  if (!patterns.empty() && patterns[0] == '|') return hashed_match(patterns, name);
  bool matched = false;
  for (std::string_view p : split(patterns, ',')) {
    bool negated = !p.empty() && p[0] == '!';
    if (negated) p.remove_prefix(1);
    if (!wildcard_match(p, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

}  // namespace

std::string base64_decode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    int v = base64_value(c);
    if (v < 0) return std::string();
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

HostKeyCheck check_known_host(std::string_view known_hosts, std::string_view host, int port,
                              std::string_view key_blob) {
  // Non-default ports are written "[host]:port" in known_hosts.
  std::string name = port == 22 || port <= 0 ? std::string(host)
                                              : "[" + std::string(host) + "]:" + std::to_string(port);
  // A @revoked line wins wherever it stands, so the whole file is read first.
  bool listed = false, matched = false;
  for (std::string_view line : split(known_hosts, '\n')) {
    auto f = fields(line);
    if (f.empty() || f[0][0] == '#') continue;
    bool revoked = false;
    if (f[0][0] == '@') {
      if (f[0] != "@revoked") continue;
      revoked = true;
      f.erase(f.begin());
    }
    if (f.size() < 3 || !hosts_match(f[0], name)) continue;
    bool same_key = base64_decode(f[2]) == key_blob;
    if (revoked && same_key) return HostKeyCheck::kRevoked;
    if (revoked) continue;
    matched = matched || same_key;
    listed = true;
  }
  if (matched) return HostKeyCheck::kMatch;
  return listed ? HostKeyCheck::kMismatch : HostKeyCheck::kUnknown;
}

}  // namespace agent
