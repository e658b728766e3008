// Url and proxy selection for the API client: the small, Boost-free part of HTTP that the
// backends, the configuration code and tests share.
//
// Owns: parsing http(s) URLs ("https://host[:port][/path]"), joining a base URL with an
// endpoint path, and choosing a proxy from HTTPS_PROXY / HTTP_PROXY / NO_PROXY values (which
// tasks/ reads from the environment and passes in: inference/ never reads the environment).
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace agent::api {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower-case; IPv6 literals without brackets
  uint16_t port = 0;
  std::string path;    // starts with '/', no query string kept apart
  std::string userinfo;  // "user:password" of a proxy URL (never logged)

  bool tls() const { return scheme == "https"; }
  // "host:port" as written in a Host header or a CONNECT line (IPv6 in brackets).
  std::string authority() const;
  // scheme://authority/path, without userinfo: safe to print.
  std::string to_string() const;
};

// Parses an absolute http or https URL. A missing scheme is an error (a bare "host:port" is
// accepted for proxy values only, see parse_proxy_url). The error names `what`.
Result<Url> parse_url(std::string_view text, std::string_view what);

// Proxy variables are often written without a scheme ("proxy:3128"): http is assumed.
Result<Url> parse_proxy_url(std::string_view text, std::string_view what);

// The request path of `endpoint` ("chat/completions", "messages") under a base URL's path:
// "/v1" is added unless the base already ends with it, so https://api.deepseek.com,
// https://api.deepseek.com/v1 and http://vllm:8000 all reach ".../v1/chat/completions" (which
// DeepSeek, vLLM, SGLang and llama.cpp's server all serve), and
// https://api.deepseek.com/anthropic reaches "/anthropic/v1/messages".
std::string endpoint_path(std::string_view base_path, std::string_view endpoint);

struct ProxySettings {
  std::string https_proxy;  // HTTPS_PROXY (or https_proxy)
  std::string http_proxy;   // HTTP_PROXY (or http_proxy)
  std::string no_proxy;     // NO_PROXY (or no_proxy): comma-separated hosts, domains, "*"
};

// The proxy to use for `target`, or nullopt for a direct connection. NO_PROXY entries match
// the host exactly or as a domain suffix (".example.com" and "example.com" both match
// "api.example.com"); an entry may carry ":port"; "*" disables proxies. An unparsable proxy
// value is an InvalidArgument naming the variable.
Result<std::optional<Url>> proxy_for(const Url& target, const ProxySettings& proxies);

// True for api.deepseek.com and other *.deepseek.com hosts: DeepSeek's own servers, where the
// model names and request fields are DeepSeek's.
bool is_deepseek_host(std::string_view host);

}  // namespace agent::api
