// Statistics against values worked out by hand (binomial sums) and published Wilson bounds.
#include "tasks/bench/stats.h"

#include <gtest/gtest.h>

namespace agent::bench {
namespace {

TEST(Stats, NormalQuantile) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-12);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-12);
  EXPECT_NEAR(normal_quantile(0.995), 2.5758293035489, 1e-10);
  EXPECT_NEAR(normal_quantile(0.01), -2.3263478740408, 1e-10);
}

TEST(Stats, WilsonInterval) {
  // 0 of 10: the upper bound 0.2775 is the textbook example of why Wald's interval fails.
  Interval zero = wilson_interval(0, 10);
  EXPECT_NEAR(zero.low, 0.0, 1e-12);
  EXPECT_NEAR(zero.high, 0.2775328, 1e-6);
  Interval all = wilson_interval(10, 10);
  EXPECT_NEAR(all.low, 0.7224672, 1e-6);
  EXPECT_NEAR(all.high, 1.0, 1e-12);
  // Roots of (7/13 - p)^2 = z^2 p (1 - p) / 13, solved by hand with the quadratic formula.
  Interval seven = wilson_interval(7, 13);
  EXPECT_NEAR(seven.low, 0.2914380, 1e-6);
  EXPECT_NEAR(seven.high, 0.7679393, 1e-6);
  Interval mid = wilson_interval(45, 100);
  EXPECT_NEAR(mid.low, 0.3561454, 1e-6);
  EXPECT_NEAR(mid.high, 0.5475540, 1e-6);
  Interval none = wilson_interval(0, 0);
  EXPECT_EQ(none.low, 0);
  EXPECT_EQ(none.high, 1);
}

TEST(Stats, ExactMcNemar) {
  // b=1, c=8: 2 * (C(9,0) + C(9,1)) / 2^9 = 20/512.
  EXPECT_NEAR(mcnemar_exact_p(1, 8), 20.0 / 512, 1e-12);
  EXPECT_NEAR(mcnemar_exact_p(8, 1), 20.0 / 512, 1e-12);
  // b=2, c=10: 2 * (1 + 12 + 66) / 4096.
  EXPECT_NEAR(mcnemar_exact_p(2, 10), 158.0 / 4096, 1e-12);
  // b=0, c=5: 2 / 32.
  EXPECT_NEAR(mcnemar_exact_p(0, 5), 0.0625, 1e-12);
  // Balanced: the doubled tail exceeds 1 and is capped.
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(3, 3), 1.0);
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(0, 0), 1.0);
  // Large counts stay finite: b=0, c=200 is about 2^-199.
  EXPECT_GT(mcnemar_exact_p(0, 200), 0.0);
  EXPECT_LT(mcnemar_exact_p(0, 200), 1e-59);
}

TEST(Stats, SignTestDropsTies) {
  // A better on tasks 0 and 3, B better on task 2, task 1 tied: 2 * (1 + 3) / 8 = 1.
  EXPECT_DOUBLE_EQ(sign_test_p({1, 0.5, 0, 1}, {0, 0.5, 1, 0}), 1.0);
  // Ten tasks all better with A: 2 / 1024.
  std::vector<double> a(10, 1.0), b(10, 1.0 / 3);
  EXPECT_NEAR(sign_test_p(a, b), 2.0 / 1024, 1e-12);
}

TEST(Stats, PairedBootstrap) {
  std::vector<double> same{1, 0, 1, 0, 1};
  Interval z = paired_bootstrap_diff(same, same);
  EXPECT_EQ(z.low, 0);
  EXPECT_EQ(z.high, 0);
  Interval up = paired_bootstrap_diff({0, 0, 0}, {1, 1, 1});
  EXPECT_EQ(up.low, 1);
  EXPECT_EQ(up.high, 1);
  // 6 of 10 vs 4 of 10 with 2 discordant tasks each way... the interval holds the observed
  // difference and is the same for the same seed.
  std::vector<double> a{1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, b{1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
  Interval d = paired_bootstrap_diff(a, b);
  EXPECT_LE(d.low, -0.2);
  EXPECT_GE(d.high, -0.2);
  EXPECT_LE(d.high, 0.0);
  Interval again = paired_bootstrap_diff(a, b);
  EXPECT_EQ(d.low, again.low);
  EXPECT_EQ(d.high, again.high);
}

}  // namespace
}  // namespace agent::bench
