#include "inference/api/url.h"

#include <gtest/gtest.h>

#include "inference/api/retry.h"

namespace agent::api {
namespace {

TEST(UrlTest, ParsesAndPrints) {
  auto u = parse_url("https://API.DeepSeek.com", "--base-url");
  ASSERT_TRUE(u.ok()) << u.status().to_string();
  EXPECT_EQ(u->host, "api.deepseek.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->path, "/");
  EXPECT_EQ(u->authority(), "api.deepseek.com:443");
  EXPECT_EQ(u->to_string(), "https://api.deepseek.com");
  auto v = parse_url("http://[::1]:8000/v1/", "x");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->host, "::1");
  EXPECT_EQ(v->port, 8000);
  EXPECT_EQ(v->authority(), "[::1]:8000");
}

TEST(UrlTest, RejectsBadUrlsNamingTheInput) {
  for (const char* bad : {"api.deepseek.com", "ftp://x", "https://", "https://h:0", "https://h:99999",
                          "https://h:12ab", "https://h/p?q=1", "https://user:pw@h"}) {
    auto u = parse_url(bad, "--base-url");
    EXPECT_FALSE(u.ok()) << bad;
    EXPECT_NE(u.status().message().find("--base-url"), std::string::npos) << u.status().message();
  }
}

TEST(UrlTest, ErrorsNeverShowTheCredentialsOfAProxyUrl) {
  for (const char* bad : {"http://bob:hunter2pass@proxy.example:99999", "http://bob:hunter2pass@[::1",
                          "bob:hunter2pass@proxy.example:0/x", "http://bob:hunter2pass@:8080"}) {
    auto u = parse_proxy_url(bad, "HTTPS_PROXY");
    ASSERT_FALSE(u.ok()) << bad;
    EXPECT_EQ(u.status().message().find("hunter2pass"), std::string::npos) << u.status().message();
    EXPECT_NE(u.status().message().find("***@"), std::string::npos) << u.status().message();
    EXPECT_NE(u.status().message().find("HTTPS_PROXY"), std::string::npos) << u.status().message();
  }
}

TEST(UrlTest, EndpointPathWithOrWithoutV1) {
  EXPECT_EQ(endpoint_path("/", "chat/completions"), "/v1/chat/completions");
  EXPECT_EQ(endpoint_path("/v1", "chat/completions"), "/v1/chat/completions");
  EXPECT_EQ(endpoint_path("/v1/", "chat/completions"), "/v1/chat/completions");
  EXPECT_EQ(endpoint_path("/anthropic", "messages"), "/anthropic/v1/messages");
  EXPECT_EQ(endpoint_path("/api/v1", "/messages"), "/api/v1/messages");
}

TEST(UrlTest, ProxySelectionHonoursNoProxy) {
  Url target = *parse_url("https://api.deepseek.com", "t");
  ProxySettings p{"proxy.corp:3128", "http://plain-proxy:8080", ""};
  auto r = proxy_for(target, p);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->host, "proxy.corp");
  EXPECT_EQ((*r)->port, 3128);
  Url plain = *parse_url("http://127.0.0.1:9000", "t");
  EXPECT_EQ((*proxy_for(plain, p))->host, "plain-proxy");
  for (const char* no : {"*", "deepseek.com", ".deepseek.com", "api.deepseek.com", "x, api.deepseek.com:443"}) {
    p.no_proxy = no;
    EXPECT_FALSE(proxy_for(target, p)->has_value()) << no;
  }
  for (const char* no : {"seek.com", "api.deepseek.com:8443", "other.com"}) {
    p.no_proxy = no;
    EXPECT_TRUE(proxy_for(target, p)->has_value()) << no;
  }
  p.no_proxy = "";
  p.https_proxy = "https://tls-proxy:443";
  EXPECT_FALSE(proxy_for(target, p).ok());
  p.https_proxy = "http://bad:port";
  auto bad = proxy_for(target, p);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("HTTPS_PROXY"), std::string::npos);
}

TEST(UrlTest, DeepSeekHosts) {
  EXPECT_TRUE(is_deepseek_host("api.deepseek.com"));
  EXPECT_TRUE(is_deepseek_host("deepseek.com"));
  EXPECT_FALSE(is_deepseek_host("notdeepseek.com"));
  EXPECT_FALSE(is_deepseek_host("deepseek.com.evil.net"));
  EXPECT_FALSE(is_deepseek_host("127.0.0.1"));
}

TEST(RetryTest, RetryAfterSecondsAndDates) {
  auto now = std::chrono::system_clock::from_time_t(1792540000);  // 2026-10-21 ...
  EXPECT_EQ(parse_retry_after("30", now), 30.0);
  EXPECT_EQ(parse_retry_after(" 1.5 ", now), 1.5);
  EXPECT_FALSE(parse_retry_after("", now));
  EXPECT_FALSE(parse_retry_after("-3", now));
  EXPECT_FALSE(parse_retry_after("soon", now));
  std::time_t t = 1792540000 + 90;
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", std::gmtime(&t));
  auto d = parse_retry_after(buf, now);
  ASSERT_TRUE(d);
  EXPECT_NEAR(*d, 90.0, 0.001);
}

TEST(RetryTest, BackoffGrowsWithJitterAndHonoursRetryAfter) {
  Backoff b(RetryPolicy{10, 1.0, 8.0, 100.0}, 42);
  for (int attempt = 1; attempt <= 6; ++attempt) {
    double full = std::min(8.0, std::ldexp(1.0, attempt - 1));
    double d = b.delay_s(attempt, std::nullopt);
    EXPECT_GE(d, full / 2) << attempt;
    EXPECT_LE(d, full) << attempt;
  }
  EXPECT_EQ(b.delay_s(1, 42.0), 42.0);
}

TEST(RetryTest, SleepStopsWhenCancelled) {
  CancelToken token;
  token.cancel();
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(sleep_unless_cancelled(30, token));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
  CancelToken idle;
  EXPECT_TRUE(sleep_unless_cancelled(0.01, idle));
}

}  // namespace
}  // namespace agent::api
