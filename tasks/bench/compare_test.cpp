// A/B comparison on result sets whose numbers are worked out by hand.
#include "tasks/bench/compare.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace agent::bench {
namespace {

ResultSet make_set(const std::string& model, int n, int runs, const std::vector<std::vector<int>>& resolved_by_run,
                   double cost_each) {
  ResultSet s;
  s.manifest.kind = "run";
  s.manifest.model = model;
  s.manifest.runs = runs;
  for (int i = 0; i < n; ++i) s.manifest.instances.emplace_back(i, "t" + std::to_string(i));
  for (int k = 1; k <= runs; ++k) {
    for (int i = 0; i < n; ++i) {
      TaskResult r;
      r.instance_id = "t" + std::to_string(i);
      r.run = k;
      r.cost_usd = cost_each;
      r.usage.prompt_tokens = 100;
      const auto& yes = resolved_by_run[k - 1];
      r.outcome = std::find(yes.begin(), yes.end(), i) != yes.end() ? "resolved" : "unresolved";
      s.results.push_back(r);
    }
  }
  return s;
}

TEST(Compare, SingleRunMcNemar) {
  // A resolves t0..t5, B resolves t0..t2 and t6: 3 tasks lost, 1 gained.
  ResultSet a = make_set("flash", 10, 1, {{0, 1, 2, 3, 4, 5}}, 0.10);
  ResultSet b = make_set("pro", 10, 1, {{0, 1, 2, 6}}, 0.05);
  CompareReport r = compare_results(a, b);
  EXPECT_EQ(r.tasks.size(), 10u);
  EXPECT_DOUBLE_EQ(r.a.rate, 0.6);
  EXPECT_DOUBLE_EQ(r.b.rate, 0.4);
  EXPECT_NEAR(r.diff, -0.2, 1e-12);
  EXPECT_EQ(r.test, "exact McNemar");
  EXPECT_EQ(r.a_better, 3);
  EXPECT_EQ(r.b_better, 1);
  EXPECT_NEAR(r.p_value, 2.0 * 5 / 16, 1e-12);  // 2 * (C(4,0) + C(4,1)) / 2^4
  EXPECT_FALSE(r.b_significantly_worse);
  EXPECT_NEAR(r.a.cost_per_resolved, 1.0 / 6, 1e-12);
  EXPECT_NEAR(r.b.cost_per_resolved, 0.5 / 4, 1e-12);
  EXPECT_NEAR(r.a.ci.low, 0.3126738, 1e-6);  // Wilson 6/10
  EXPECT_NEAR(r.a.ci.high, 0.8318197, 1e-6);
  ASSERT_EQ(r.lost.size(), 3u);
  EXPECT_EQ(r.lost[0].instance_id, "t3");
  ASSERT_EQ(r.gained.size(), 1u);
  EXPECT_EQ(r.gained[0].instance_id, "t6");
  std::string text = format_compare(r);
  EXPECT_NE(text.find("no significant difference"), std::string::npos) << text;
  EXPECT_NE(text.find("  t6\n"), std::string::npos) << text;
}

TEST(Compare, SignificantRegression) {
  std::vector<int> all{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  ResultSet a = make_set("v1", 12, 1, {all}, 0);
  ResultSet b = make_set("v2", 12, 1, {{0, 1}}, 0);
  CompareReport r = compare_results(a, b);
  EXPECT_NEAR(r.p_value, 2.0 / 1024, 1e-12);  // 10 discordant, all one way
  EXPECT_TRUE(r.b_significantly_worse);
  EXPECT_LT(r.a.cost_per_resolved, 1e-12);
  Json j = to_json(r);
  EXPECT_TRUE(j["b_significantly_worse"].get<bool>());
  EXPECT_NE(format_compare(r).find("B is significantly worse than A"), std::string::npos);
  // The other way round B is better, not worse.
  EXPECT_FALSE(compare_results(b, a).b_significantly_worse);
}

TEST(Compare, RepeatedRunsUseResolveFractions) {
  // 3 runs each. A: t0 3/3, t1 2/3, t2 0/3, t3 1/3. B: t0 3/3, t1 1/3, t2 1/3, t3 0/3.
  ResultSet a = make_set("a", 4, 3, {{0, 1}, {0, 1, 3}, {0}}, 0.01);
  ResultSet b = make_set("b", 4, 3, {{0, 2}, {0}, {0, 1}}, 0.02);
  CompareReport r = compare_results(a, b);
  EXPECT_EQ(r.test, "exact sign test (per-task resolve fractions)");
  EXPECT_NEAR(r.a.rate, (1 + 2.0 / 3 + 0 + 1.0 / 3) / 4, 1e-12);
  EXPECT_NEAR(r.b.rate, (1 + 1.0 / 3 + 1.0 / 3 + 0) / 4, 1e-12);
  EXPECT_EQ(r.a.resolved_runs, 6);
  EXPECT_EQ(r.a.trials, 12);
  EXPECT_EQ(r.a_better, 2);  // t1, t3
  EXPECT_EQ(r.b_better, 1);  // t2
  EXPECT_DOUBLE_EQ(r.p_value, 1.0);
  EXPECT_NEAR(r.b.cost_per_resolved, 0.24 / 5, 1e-12);
  ASSERT_EQ(r.lost.size(), 2u);
  EXPECT_NEAR(r.lost[0].a, 2.0 / 3, 1e-12);
}

TEST(Compare, OnlySharedTasksCount) {
  ResultSet a = make_set("a", 3, 1, {{0, 1, 2}}, 0);
  ResultSet b = make_set("b", 3, 1, {{0}}, 0);
  b.manifest.instances[2].second = "other";
  b.results[2].instance_id = "other";
  CompareReport r = compare_results(a, b);
  EXPECT_EQ(r.tasks.size(), 2u);
  EXPECT_EQ(r.only_in_a, std::vector<std::string>{"t2"});
  EXPECT_EQ(r.only_in_b, std::vector<std::string>{"other"});
  EXPECT_DOUBLE_EQ(r.a.rate, 1.0);
  EXPECT_DOUBLE_EQ(r.b.rate, 0.5);
}

TEST(Compare, TasksWithoutEveryResultAreLeftOutNotUnresolved) {
  // B was interrupted: t2 has no result, t3 has only run 1 of 2, t4's last result is an
  // infrastructure failure. Only t0 and t1 are compared.
  ResultSet a = make_set("a", 5, 2, {{0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}}, 0.1);
  ResultSet b = make_set("b", 5, 2, {{0, 1, 2, 3}, {0, 1, 2, 3}}, 0.1);
  std::vector<TaskResult> kept;
  for (auto r : b.results) {
    if (r.instance_id == "t2" || (r.instance_id == "t3" && r.run == 2)) continue;
    if (r.instance_id == "t4" && r.run == 1) r.outcome = TaskResult::kInfraFailure;
    kept.push_back(r);
  }
  b.results = kept;
  CompareReport r = compare_results(a, b);
  EXPECT_EQ(r.tasks, (std::vector<std::string>{"t0", "t1"}));
  EXPECT_EQ(r.left_out, (std::vector<std::string>{"t2", "t3", "t4"}));
  EXPECT_EQ(r.a_better, 0);
  EXPECT_DOUBLE_EQ(r.b.rate, 1.0);
  EXPECT_EQ(r.b.trials, 4);
  EXPECT_FALSE(r.b_significantly_worse);
  std::string text = format_compare(r);
  EXPECT_NE(text.find("Left out: 3 shared tasks"), std::string::npos) << text;
  EXPECT_NE(text.find(" t2 t3 t4\n"), std::string::npos) << text;
  EXPECT_EQ(to_json(r)["left_out"], Json::array({"t2", "t3", "t4"}));
  // Nothing comparable at all: no tasks (the command exits 2).
  b.results.clear();
  EXPECT_TRUE(compare_results(a, b).tasks.empty());
}

}  // namespace
}  // namespace agent::bench
