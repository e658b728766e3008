#include "inference/api/retry.h"

#include <poll.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <string>
#include <thread>

namespace agent::api {

Backoff::Backoff(RetryPolicy policy, uint64_t seed)
    : policy_(policy), rng_(seed != 0 ? seed : std::random_device{}()) {}

double Backoff::delay_s(int failed_attempt, std::optional<double> retry_after_s) {
  if (retry_after_s) return std::max(0.0, *retry_after_s);
  int exp = std::clamp(failed_attempt - 1, 0, 30);
  double full = std::min(policy_.max_delay_s, policy_.base_delay_s * std::ldexp(1.0, exp));
  std::uniform_real_distribution<double> half(0.5, 1.0);
  return full * half(rng_);
}

std::optional<double> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  double seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size()) {
    if (seconds < 0 || !std::isfinite(seconds)) return std::nullopt;
    return seconds;
  }
  std::tm tm{};
  std::string text(value);
  const char* rest = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (rest == nullptr || *rest != '\0') return std::nullopt;
  auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  return std::max(0.0, std::chrono::duration<double>(at - now).count());
}

bool sleep_unless_cancelled(double seconds, const CancelToken& cancel) {
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    if (cancel.cancelled()) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    if (cancel.fd() >= 0) {
      pollfd p{cancel.fd(), POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count() + 1, 60000)));
    } else {
      std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(20)));
    }
  }
}

}  // namespace agent::api
