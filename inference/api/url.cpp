#include "inference/api/url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace agent::api {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The URL as it may be shown: a "user:password@" part replaced by "***@" (proxy URLs carry
// credentials, and error messages reach journals and terminals).
std::string printable(std::string_view text) {
  size_t start = text.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  size_t end = text.find_first_of("/?#", start);
  size_t at = text.substr(0, end).rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(text);
  return std::string(text.substr(0, start)) + "***" + std::string(text.substr(at));
}

Status bad(std::string_view what, std::string_view text, std::string_view why) {
  return invalid_argument(std::string(what) + ": \"" + printable(text) + "\" is not a valid URL (" +
                          std::string(why) + ")");
}

// Splits "host[:port]" (IPv6 in brackets) of an authority already stripped of userinfo.
Status parse_host_port(std::string_view hp, Url& u, std::string_view what, std::string_view text) {
  std::string_view host = hp, port;
  if (!hp.empty() && hp.front() == '[') {
    size_t close = hp.find(']');
    if (close == std::string_view::npos) return bad(what, text, "unclosed '[' in the host");
    host = hp.substr(1, close - 1);
    std::string_view rest = hp.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad(what, text, "junk after the IPv6 host");
      port = rest.substr(1);
    }
  } else if (size_t colon = hp.rfind(':'); colon != std::string_view::npos) {
    host = hp.substr(0, colon);
    port = hp.substr(colon + 1);
  }
  if (host.empty()) return bad(what, text, "no host");
  for (char c : host) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '?' || c == '#') {
      return bad(what, text, "invalid character in the host");
    }
  }
  u.host = lower(host);
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return bad(what, text, "the port must be a number from 1 to 65535");
    }
    u.port = static_cast<uint16_t>(value);
  } else {
    u.port = u.tls() ? 443 : 80;
  }
  return ok_status();
}

Result<Url> parse_impl(std::string_view raw, std::string_view what, bool default_http) {
  std::string_view text = trim(raw);
  Url u;
  size_t sep = text.find("://");
  std::string_view rest;
  if (sep == std::string_view::npos) {
    if (!default_http) return bad(what, raw, "it must start with http:// or https://");
    u.scheme = "http";
    rest = text;
  } else {
    u.scheme = lower(text.substr(0, sep));
    rest = text.substr(sep + 3);
  }
  if (u.scheme != "http" && u.scheme != "https") {
    return bad(what, raw, "the scheme must be http or https, not " + u.scheme);
  }
  size_t path_at = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_at);
  std::string_view path = path_at == std::string_view::npos ? std::string_view() : rest.substr(path_at);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    u.userinfo = std::string(authority.substr(0, at));
    authority = authority.substr(at + 1);
  }
  AGENT_RETURN_IF_ERROR(parse_host_port(authority, u, what, raw));
  if (size_t q = path.find_first_of("?#"); q != std::string_view::npos) {
    if (path[q] == '?') return bad(what, raw, "a base URL cannot carry a query string");
    path = path.substr(0, q);
  }
  u.path = path.empty() ? "/" : std::string(path);
  return u;
}

bool host_matches(std::string_view host, std::string_view pattern) {
  if (!pattern.empty() && pattern.front() == '.') pattern.remove_prefix(1);
  if (pattern.empty()) return false;
  if (host == pattern) return true;
  return host.size() > pattern.size() && host.substr(host.size() - pattern.size()) == pattern &&
         host[host.size() - pattern.size() - 1] == '.';
}

bool no_proxy_matches(const Url& target, std::string_view list) {
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    std::string entry = lower(trim(list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos)));
    pos = comma == std::string_view::npos ? list.size() + 1 : comma + 1;
    if (entry.empty()) continue;
    if (entry == "*") return true;
    std::string_view host = entry;
    std::string_view port;
    if (host.front() != '[' && std::count(host.begin(), host.end(), ':') == 1) {
      size_t colon = host.find(':');
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
    } else if (host.front() == '[') {
      size_t close = host.find(']');
      if (close != std::string_view::npos) {
        if (close + 1 < host.size() && host[close + 1] == ':') port = host.substr(close + 2);
        host = host.substr(1, close - 1);
      }
    }
    if (!port.empty() && port != std::to_string(target.port)) continue;
    if (host_matches(target.host, host)) return true;
  }
  return false;
}

}  // namespace

std::string Url::authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

std::string Url::to_string() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (tls() && port == 443) || (!tls() && port == 80);
  return scheme + "://" + h + (default_port ? "" : ":" + std::to_string(port)) + (path == "/" ? "" : path);
}

Result<Url> parse_url(std::string_view text, std::string_view what) {
  AGENT_ASSIGN_OR_RETURN(Url u, parse_impl(text, what, false));
  if (!u.userinfo.empty()) {
    return invalid_argument(std::string(what) + ": credentials in the URL are not accepted; "
                            "configure the API key through its environment variable");
  }
  return u;
}

Result<Url> parse_proxy_url(std::string_view text, std::string_view what) {
  return parse_impl(text, what, true);
}

std::string endpoint_path(std::string_view base_path, std::string_view endpoint) {
  std::string p(base_path);
  while (!p.empty() && p.back() == '/') p.pop_back();
  if (p.size() < 3 || p.compare(p.size() - 3, 3, "/v1") != 0) p += "/v1";
  while (!endpoint.empty() && endpoint.front() == '/') endpoint.remove_prefix(1);
  return p + "/" + std::string(endpoint);
}

Result<std::optional<Url>> proxy_for(const Url& target, const ProxySettings& proxies) {
  const std::string& value = target.tls() ? proxies.https_proxy : proxies.http_proxy;
  if (trim(value).empty()) return std::optional<Url>();
  if (no_proxy_matches(target, proxies.no_proxy)) return std::optional<Url>();
  const char* name = target.tls() ? "HTTPS_PROXY" : "HTTP_PROXY";
  AGENT_ASSIGN_OR_RETURN(Url proxy, parse_proxy_url(value, name));
  if (proxy.tls()) {
    return invalid_argument(std::string(name) + ": https:// proxies are not supported; use an http:// proxy "
                            "(HTTPS traffic is still encrypted end to end through CONNECT)");
  }
  return std::optional<Url>(std::move(proxy));
}

bool is_deepseek_host(std::string_view host) { return host_matches(host, "deepseek.com"); }

}  // namespace agent::api
