#include "tasks/bench/stats.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace agent::bench {

double normal_quantile(double p) {
  // Acklam's rational approximation (relative error < 1.2e-9), then one Newton step on
  // erfc for full double precision.
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  if (p <= 0) return -INFINITY;
  if (p >= 1) return INFINITY;
  double x;
  if (p < 0.02425) {
    double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - 0.02425) {
    double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

Interval wilson_interval(int64_t successes, int64_t n, double alpha) {
  if (n <= 0) return {0, 1};
  double z = normal_quantile(1 - alpha / 2);
  double nn = static_cast<double>(n);
  double p = static_cast<double>(successes) / nn;
  double z2 = z * z;
  double denom = 1 + z2 / nn;
  double center = (p + z2 / (2 * nn)) / denom;
  double half = z / denom * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

namespace {

// P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so large n does not overflow.
double binomial_half_cdf(int64_t k, int64_t n) {
  double total = 0;
  for (int64_t i = 0; i <= k; ++i) {
    double log_term = std::lgamma(static_cast<double>(n) + 1) - std::lgamma(static_cast<double>(i) + 1) -
                      std::lgamma(static_cast<double>(n - i) + 1) - static_cast<double>(n) * std::log(2.0);
    total += std::exp(log_term);
  }
  return total;
}

}  // namespace

double mcnemar_exact_p(int64_t b, int64_t c) {
  int64_t n = b + c;
  if (n == 0) return 1.0;
  return std::min(1.0, 2 * binomial_half_cdf(std::min(b, c), n));
}

double sign_test_p(const std::vector<double>& a, const std::vector<double>& b) {
  int64_t a_better = 0, b_better = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] > b[i]) ++a_better;
    if (b[i] > a[i]) ++b_better;
  }
  return mcnemar_exact_p(a_better, b_better);
}

Interval paired_bootstrap_diff(const std::vector<double>& a, const std::vector<double>& b,
                               int resamples, uint64_t seed, double alpha) {
  size_t n = std::min(a.size(), b.size());
  if (n == 0 || resamples <= 0) return {0, 0};
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, n - 1);
  std::vector<double> diffs;
  diffs.reserve(static_cast<size_t>(resamples));
  for (int r = 0; r < resamples; ++r) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) {
      size_t j = pick(rng);
      sum += b[j] - a[j];
    }
    diffs.push_back(sum / static_cast<double>(n));
  }
  std::sort(diffs.begin(), diffs.end());
  auto at = [&](double q) {
    size_t idx = static_cast<size_t>(std::floor(q * static_cast<double>(diffs.size() - 1) + 0.5));
    return diffs[std::min(idx, diffs.size() - 1)];
  };
  return {at(alpha / 2), at(1 - alpha / 2)};
}

}  // namespace agent::bench
