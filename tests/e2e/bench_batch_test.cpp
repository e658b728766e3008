// agent bench run end to end: a batch over the example tasks with scripted models — some
// solved, some not, one whose agent crashes (its script runs out), one whose script is
// malformed, one whose tests hang and are killed at the test timeout — and the report
// counts each of them where it belongs; the HTML report renders in headless Chromium.
#include <set>

#include "tests/e2e/bench_fixture.h"
#include "tests/support/chromium.h"

namespace agent::testing {
namespace {

namespace fs = std::filesystem;

class BenchBatchTest : public BenchFixture {};

std::string bundle_bytes() {
  std::string all;
  for (const auto& e : fs::directory_iterator(BenchFixture::examples() / "repos")) {
    auto r = read_file(e.path());
    if (r.ok()) all += *r;
  }
  return all;
}

Json result_of(const std::vector<Json>& results, const std::string& id) {
  for (const auto& r : results) {
    if (r["instance_id"] == id) return r;
  }
  return Json();
}

TEST_F(BenchBatchTest, ScriptedBatchOverTheExampleTasks) {
  std::string bundles_before = bundle_bytes();
  fs::path out = root_ / "batch";
  auto r = bench({"run", "--tasks", tasks_file().string(), "--out", out.string(), "--workers", "2", "--backend",
                  "scripted", "--script", scripts_.string(), "--test-timeout", "20", "--model", "scripted-v1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("13/13 done, 7 resolved, 0 running"), std::string::npos) << r.err;

  Json rep = report(out);
  EXPECT_EQ(rep["total_instances"], 13);
  EXPECT_EQ(rep["submitted_instances"], 13);
  EXPECT_EQ(rep["completed_instances"], 10);
  EXPECT_EQ(rep["resolved_ids"], Json::array({"examples__b64-1", "examples__csvline-1", "examples__lru-1",
                                              "examples__qs-1", "examples__rle-1", "examples__roman-1",
                                              "examples__semver-1"}));
  // Wrong fix, broken PASS_TO_PASS test, and a crash that left a partial diff (still graded).
  EXPECT_EQ(rep["unresolved_ids"], Json::array({"examples__duration-1", "examples__ini-1", "examples__wordwrap-1"}));
  // Gave up without a change; malformed script (the agent never started).
  EXPECT_EQ(rep["empty_patch_ids"], Json::array({"examples__deepmerge-1", "examples__slugify-1"}));
  // Its tests hang after the agent's change.
  EXPECT_EQ(rep["error_ids"], Json::array({"examples__intervals-1"}));
  EXPECT_EQ(rep["tests_timed_out_ids"], Json::array({"examples__intervals-1"}));
  EXPECT_EQ(rep["agent_error_ids"], Json::array({"examples__deepmerge-1", "examples__duration-1"}));
  EXPECT_EQ(rep["schema_version"], 2);
  EXPECT_EQ(rep["agent_status_counts"], Json({{"failed", 1}, {"finished", 11}, {"not started", 1}}));

  auto lines = results(out);
  ASSERT_EQ(lines.size(), 13u);
  Json semver = result_of(lines, "examples__semver-1");
  EXPECT_EQ(semver["agent_status"], "finished");
  EXPECT_EQ(semver["steps"], 4);
  EXPECT_EQ(semver["usage"]["prompt_tokens"], 17000);
  EXPECT_EQ(semver["usage"]["cached_tokens"], 11500);
  EXPECT_EQ(semver["apply_method"], "git apply");
  EXPECT_EQ(semver["tests_before"]["FAIL_TO_PASS"]["failure"].size(), 2u) << "the bug shows before the fix";
  EXPECT_EQ(semver["tests_before"]["PASS_TO_PASS"]["success"].size(), 4u);
  EXPECT_EQ(semver["tests_after"]["FAIL_TO_PASS"]["success"].size(), 2u);
  EXPECT_TRUE(semver["wall_s"].get<double>() > 0);

  Json ini = result_of(lines, "examples__ini-1");
  EXPECT_EQ(ini["tests_after"]["FAIL_TO_PASS"]["success"], Json::array({"ini_inline_comment"}));
  EXPECT_EQ(ini["tests_after"]["PASS_TO_PASS"]["failure"], Json::array({"ini_hash_in_value"}));

  Json duration = result_of(lines, "examples__duration-1");
  EXPECT_EQ(duration["agent_status"], "failed");
  EXPECT_NE(duration["agent_error"].get<std::string>().find("script"), std::string::npos) << duration.dump();
  EXPECT_NE(duration["model_patch"].get<std::string>().find("ms <= 999"), std::string::npos);
  EXPECT_TRUE(duration["patch_applied"].get<bool>());

  Json deepmerge = result_of(lines, "examples__deepmerge-1");
  EXPECT_EQ(deepmerge["agent_status"], "");
  EXPECT_NE(deepmerge["agent_error"].get<std::string>().find("line 2"), std::string::npos) << deepmerge.dump();

  Json intervals = result_of(lines, "examples__intervals-1");
  EXPECT_TRUE(intervals["tests_timed_out"].get<bool>());
  EXPECT_NE(intervals["error"].get<std::string>().find("timed out after 20 s"), std::string::npos);
  auto log = read_file(out / "tasks/examples__intervals-1/run-1/test_output.txt");
  ASSERT_TRUE(log.ok());
  EXPECT_NE(log->find("Tests Timed Out"), std::string::npos);

  // preds.jsonl: the official format, one line per task.
  auto preds = read_file(out / "preds.jsonl");
  ASSERT_TRUE(preds.ok());
  size_t pred_lines = 0;
  for (size_t p = preds->find('\n'); p != std::string::npos; p = preds->find('\n', p + 1)) ++pred_lines;
  EXPECT_EQ(pred_lines, 13u);
  Json first = Json::parse(preds->substr(0, preds->find('\n')));
  EXPECT_EQ(first.size(), 3u);
  EXPECT_EQ(first["model_name_or_path"], "scripted-v1");
  EXPECT_EQ(first["model_patch"], result_of(lines, first["instance_id"])["model_patch"]);

  auto md = read_file(out / "report.md");
  ASSERT_TRUE(md.ok());
  EXPECT_NE(md->find("| 1 | 7/13 | 53.8% (29.1%-76.8%)"), std::string::npos) << *md;
  EXPECT_EQ(bundle_bytes(), bundles_before) << "the source bundles are only read";

  // The same report in a browser: every plot with data drew all of its bars.
  std::string chromium = find_chromium();
  if (chromium.empty()) {
    ADD_FAILURE() << "chromium is not installed (scripts/install-deps.sh installs it)";
    return;
  }
  auto dom = chromium_dump_dom(chromium, out / "report.html", root_ / "chromium-profile");
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  auto plots = plot_attributes(dom.out);
  for (const char* id : {"plot-outcomes", "plot-time", "plot-tokens", "plot-stops"}) {
    ASSERT_TRUE(plots.count(id)) << id << " missing from the DOM";
    EXPECT_GT(std::stoi(plots[id]["data-bars"]), 0) << id;
    EXPECT_EQ(plots[id]["data-rendered-bars"], plots[id]["data-bars"]) << id << ": bars without a size on screen";
  }
  EXPECT_EQ(plots.count("plot-cost"), 0u) << "the scripted backend has no price: no cost plot";
  EXPECT_NE(dom.out.find("No cost was recorded"), std::string::npos);
}

}  // namespace
}  // namespace agent::testing
