// Statistics for comparing two models on the same tasks: confidence intervals for a resolve
// rate, exact paired tests, and a paired bootstrap interval for the difference.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

namespace agent::bench {

struct Interval {
  double low = 0, high = 0;
};

// Wilson score interval for `successes` out of `n` trials at confidence 1 - alpha (two-sided).
// n == 0 gives [0, 1].
Interval wilson_interval(int64_t successes, int64_t n, double alpha = 0.05);

// Exact two-sided McNemar test on the discordant pairs: b tasks only A resolved, c tasks only B
// resolved. Under the null each discordant task is a fair coin: p = min(1, 2 * P(X <= min(b, c)))
// for X ~ Binomial(b + c, 1/2). No discordant pairs gives p = 1.
double mcnemar_exact_p(int64_t b, int64_t c);

// Two-sided exact sign test on paired differences (ties dropped): the generalisation of exact
// McNemar used with repeated runs, where each task's outcome is its fraction of resolved runs.
double sign_test_p(const std::vector<double>& a, const std::vector<double>& b);

// Percentile bootstrap interval for mean(b) - mean(a), resampling tasks (pairs kept together).
// Deterministic for a given seed.
Interval paired_bootstrap_diff(const std::vector<double>& a, const std::vector<double>& b,
                               int resamples = 10000, uint64_t seed = 12345, double alpha = 0.05);

// The standard normal quantile (inverse CDF), for Wilson's z.
double normal_quantile(double p);

}  // namespace agent::bench
