// Reports from results: the official categories and id lists, later results replacing earlier
// ones, results.jsonl round trips and its torn tail, and the HTML's plots.
#include "tasks/bench/report.h"

#include <gtest/gtest.h>

#include "common/fs.h"

namespace agent::bench {
namespace {

TaskResult result(const std::string& id, const std::string& outcome, int run = 1) {
  TaskResult r;
  r.instance_id = id;
  r.run = run;
  r.model = "m";
  r.outcome = outcome;
  r.model_patch = outcome == "empty_patch" ? "" : "diff --git a/x b/x\n";
  r.has_agent = true;
  r.agent_status = "finished";
  r.usage.prompt_tokens = 1000;
  r.usage.cached_tokens = 400;
  r.usage.completion_tokens = 100;
  r.cost_usd = 0.25;
  r.wall_s = 3;
  r.agent_wall_s = 2;
  r.eval_wall_s = 1;
  if (outcome == "resolved" || outcome == "unresolved") {
    TestsReport t;
    t.f2p_success = {"t1"};
    if (outcome == "unresolved") t.p2p_failure = {"t2"};
    r.tests_after = t;
  }
  return r;
}

BatchManifest manifest(std::vector<std::string> ids, int runs = 1) {
  BatchManifest m;
  m.kind = "run";
  m.tasks_file = "/x/tasks.jsonl";
  m.tasks_digest = "0123456789abcdef";
  m.runs = runs;
  m.model = "m";
  for (size_t i = 0; i < ids.size(); ++i) m.instances.emplace_back(i, ids[i]);
  return m;
}

TEST(Report, OfficialCategories) {
  BatchManifest m = manifest({"e", "d", "c", "b", "a", "f"});
  std::vector<TaskResult> rs = {result("a", "resolved"), result("b", "unresolved"), result("c", "empty_patch"),
                                result("d", "error"), result("e", "resolved"), result("zzz", "resolved")};
  rs[3].agent_error = "script ran out";
  Json j = make_report_json(m, rs);
  EXPECT_EQ(j["total_instances"], 6);
  EXPECT_EQ(j["submitted_instances"], 5);
  EXPECT_EQ(j["completed_instances"], 3);
  EXPECT_EQ(j["resolved_instances"], 2);
  EXPECT_EQ(j["unresolved_instances"], 1);
  EXPECT_EQ(j["empty_patch_instances"], 1);
  EXPECT_EQ(j["error_instances"], 1);
  EXPECT_EQ(j["resolved_ids"], Json::array({"a", "e"})) << "sorted, like the official report";
  EXPECT_EQ(j["incomplete_ids"], Json::array({"f"}));
  EXPECT_EQ(j["error_ids"], Json::array({"d"}));
  EXPECT_EQ(j["empty_patch_ids"], Json::array({"c"}));
  EXPECT_EQ(j["submitted_ids"], Json::array({"a", "b", "c", "d", "e"}));
  EXPECT_EQ(j["schema_version"], 2);
  EXPECT_EQ(j["agent_error_ids"], Json::array({"d"}));
  EXPECT_DOUBLE_EQ(j["cost_usd"].get<double>(), 1.25) << "the result outside the batch is not counted";
  EXPECT_DOUBLE_EQ(j["cost_per_resolved_usd"].get<double>(), 0.625);
  EXPECT_EQ(j["usage"]["cached_tokens"], 2000);
  EXPECT_DOUBLE_EQ(j["resolve_rate"].get<double>(), 2.0 / 6);
  EXPECT_FALSE(j.contains("wall_s")) << "report.json holds no timing";
}

TEST(Report, LaterResultsReplaceEarlierOnesAndRunsAreSeparate) {
  BatchManifest m = manifest({"a", "b"}, 2);
  std::vector<TaskResult> rs = {result("a", "error"), result("a", "resolved"), result("b", "resolved", 2),
                                result("a", "unresolved", 2)};
  auto latest = latest_results(m.instance_ids(), rs);
  ASSERT_EQ(latest.size(), 3u);
  EXPECT_EQ(latest[0].outcome, "resolved");
  Json j = make_report_json(m, rs);
  EXPECT_EQ(j["resolved_ids"], Json::array({"a"})) << "top level: run 1";
  EXPECT_EQ(j["incomplete_ids"], Json::array({"b"}));
  ASSERT_EQ(j["per_run"].size(), 2u);
  EXPECT_EQ(j["per_run"][1]["resolved_ids"], Json::array({"b"}));
  EXPECT_DOUBLE_EQ(j["mean_resolve_rate"].get<double>(), 0.5);
}

TEST(Results, RoundTripAndTornTail) {
  auto tmp = TempDir::create("results-test-");
  ASSERT_TRUE(tmp.ok());
  fs::path p = tmp->path() / "results.jsonl";
  TaskResult a = result("a", "resolved");
  a.tests_before = TestsReport{{}, {"t1"}, {"t2"}, {}};
  std::string text = dump_json(to_json(a)) + "\n" + dump_json(to_json(result("b", "error"))) + "\n";
  ASSERT_TRUE(write_file_atomic(p, text + "{\"instance_id\": \"c\", \"outc").ok());
  auto r = read_results(p);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_TRUE(r->truncated_tail);
  ASSERT_EQ(r->results.size(), 2u);
  EXPECT_EQ(r->results[0].tests_before->f2p_failure, std::vector<std::string>{"t1"});
  EXPECT_EQ(r->results[0].usage.cached_tokens, 400);
  EXPECT_EQ(dump_json(to_json(r->results[0])), dump_json(to_json(a)));
  ASSERT_TRUE(repair_results_tail(p).ok());
  EXPECT_EQ(*read_file(p), text);
  ASSERT_TRUE(write_file_atomic(p, "{\"bad\": 1}\n" + text).ok());
  auto corrupt = read_results(p);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(corrupt.status().message().find("results.jsonl:1"), std::string::npos);
}

TEST(Report, MarkdownAndHtml) {
  BatchManifest m = manifest({"a<b>", "c"});
  std::vector<TaskResult> rs = {result("a<b>", "resolved"), result("c", "unresolved")};
  std::string md = make_report_md(m, rs);
  EXPECT_NE(md.find("| 1 | 1/2 | 50.0% (9.5%-90.5%)"), std::string::npos) << md;
  EXPECT_NE(md.find("| a<b> | 1 | resolved | 1/1 | 0/0 |"), std::string::npos) << md;
  std::string html = make_report_html(m, rs);
  EXPECT_EQ(html.find("a<b>"), std::string::npos) << "ids are escaped";
  EXPECT_NE(html.find("a&lt;b&gt;"), std::string::npos);
  for (const char* id : {"plot-outcomes", "plot-cost", "plot-time", "plot-tokens", "plot-stops"}) {
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_EQ(html.find("http://www.w3.org/2000/svg\"") != std::string::npos, true);
  EXPECT_EQ(html.find("<link"), std::string::npos) << "no external resources";
  EXPECT_EQ(html.find("src="), std::string::npos) << "no external resources";
}

TEST(Report, InfraFailuresAreNeitherSubmittedNorPredicted) {
  BatchManifest m = manifest({"a", "b", "c"});
  std::vector<TaskResult> rs = {result("a", "resolved"), result("b", TaskResult::kInfraFailure),
                                result("c", "unresolved")};
  rs[1].model_patch = "";
  Json j = make_report_json(m, rs);
  EXPECT_EQ(j["infra_failure_instances"], 1);
  EXPECT_EQ(j["infra_failure_ids"], Json::array({"b"}));
  EXPECT_EQ(j["ambiguous_failure_instances"], 0);
  EXPECT_EQ(j["submitted_instances"], 2);
  EXPECT_EQ(j["unresolved_ids"], Json::array({"c"})) << "an infrastructure failure is not unresolved";
  EXPECT_EQ(j["incomplete_ids"], Json::array());
  EXPECT_EQ(j["per_run"][0]["infra_failure_instances"], 1);
  EXPECT_DOUBLE_EQ(j["cost_usd"].get<double>(), 0.75) << "what the failed run spent still counts";
  auto tmp = TempDir::create("report-test-");
  ASSERT_TRUE(tmp.ok());
  ASSERT_TRUE(write_outputs(tmp->path(), m, rs).ok());
  auto preds = read_file(tmp->path() / "preds.jsonl");
  ASSERT_TRUE(preds.ok());
  EXPECT_EQ(preds->find("\"b\""), std::string::npos) << "no prediction was made: " << *preds;
  EXPECT_NE(make_report_md(m, rs).find("| infra failure |"), std::string::npos);
}

TEST(Report, HumanFormats) {
  EXPECT_EQ(human_count(999), "999");
  EXPECT_EQ(human_count(12345), "12.3k");
  EXPECT_EQ(human_count(2500000), "2.5M");
  EXPECT_EQ(human_usd(0), "$0.00");
  EXPECT_EQ(human_usd(0.0123), "$0.0123");
  EXPECT_EQ(human_usd(12.5), "$12.50");
  EXPECT_EQ(human_duration(62), "1:02");
  EXPECT_EQ(human_duration(3723), "1:02:03");
}

}  // namespace
}  // namespace agent::bench
