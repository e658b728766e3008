// Retry policy of the API backends: jittered exponential backoff within a budget of attempts
// and of total waiting time, the server's Retry-After honoured when it sends one, and a wait
// that a cancel token interrupts at once. Delays are configurable down to milliseconds so that
// tests of the fault paths stay fast.
// Thread-safety: Backoff is not synchronised (one per backend); the functions are reentrant.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

#include "common/cancel.h"

namespace agent::api {

struct RetryPolicy {
  int max_attempts = 6;        // attempts per model turn, the first included
  double base_delay_s = 1.0;   // the first retry waits about this long
  double max_delay_s = 60.0;   // no single backoff wait is longer (Retry-After may be)
  double budget_s = 600.0;     // total waiting per model turn; past it the turn fails
};

class Backoff {
 public:
  explicit Backoff(RetryPolicy policy, uint64_t seed = 0);
  // Seconds to wait before attempt `failed_attempt + 1`: the server's Retry-After when given,
  // else base * 2^(failed_attempt-1), capped, with "equal jitter" (a uniform draw in the upper
  // half) so that many agents hitting one rate limit do not retry in lock-step.
  double delay_s(int failed_attempt, std::optional<double> retry_after_s);
  const RetryPolicy& policy() const { return policy_; }

 private:
  RetryPolicy policy_;
  std::mt19937_64 rng_;
};

// Parses a Retry-After value: delta-seconds ("30", also "1.5") or an HTTP-date
// ("Wed, 21 Oct 2026 07:28:00 GMT", relative to `now`). nullopt when absent or unreadable.
std::optional<double> parse_retry_after(std::string_view value,
                                        std::chrono::system_clock::time_point now);

// Sleeps `seconds`, or less when `cancel` fires; false when it fired.
bool sleep_unless_cancelled(double seconds, const CancelToken& cancel);

}  // namespace agent::api
