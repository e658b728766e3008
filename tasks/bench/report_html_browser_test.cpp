// report.html in headless Chromium: a report with every kind of data (costs, tokens, times,
// several runs, stop reasons) is laid out with all of its bars visible.
#include <gtest/gtest.h>

#include "common/fs.h"
#include "tasks/bench/report.h"
#include "tests/support/chromium.h"

namespace agent::bench {
namespace {

TEST(ReportHtmlBrowser, EveryPlotRendersInChromium) {
  std::string chromium = testing::find_chromium();
  ASSERT_FALSE(chromium.empty()) << "chromium is not installed (scripts/install-deps.sh installs it)";
  BatchManifest m;
  m.kind = "run";
  m.model = "deepseek-v4-flash";
  m.tasks_file = "/data/tasks.jsonl";
  m.runs = 2;
  std::vector<TaskResult> results;
  const char* outcomes[] = {"resolved", "unresolved", "error", "empty_patch", "resolved"};
  const char* statuses[] = {"finished", "budget", "failed", "finished", "context_full"};
  for (int i = 0; i < 5; ++i) {
    m.instances.emplace_back(i, "task-" + std::to_string(i));
    for (int k = 1; k <= 2; ++k) {
      TaskResult r;
      r.instance_id = "task-" + std::to_string(i);
      r.run = k;
      r.outcome = outcomes[(i + k) % 5];
      r.has_agent = true;
      r.agent_status = statuses[i];
      r.usage.prompt_tokens = 20000 + 5000 * i;
      r.usage.cached_tokens = 15000;
      r.usage.completion_tokens = 900 * (i + 1);
      r.cost_usd = 0.01 * (i + 1) * k;
      r.agent_wall_s = 30.0 * (i + 1);
      r.eval_wall_s = 5;
      r.wall_s = r.agent_wall_s + r.eval_wall_s;
      results.push_back(r);
    }
  }
  auto tmp = TempDir::create("report-html-");
  ASSERT_TRUE(tmp.ok());
  fs::path html = tmp->path() / "report.html";
  ASSERT_TRUE(write_file_atomic(html, make_report_html(m, results)).ok());
  auto dom = testing::chromium_dump_dom(chromium, html, tmp->path() / "profile");
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  auto plots = testing::plot_attributes(dom.out);
  // Outcomes: 2 runs x 4 non-empty categories; per task: 10 rows each; stops: 4 statuses x 2 runs.
  std::map<std::string, int> expected = {{"plot-outcomes", 8}, {"plot-cost", 10}, {"plot-time", 20},
                                         {"plot-tokens", 30}, {"plot-stops", 8}};
  for (const auto& [id, bars] : expected) {
    ASSERT_TRUE(plots.count(id)) << id << " is missing from the DOM";
    EXPECT_EQ(plots[id]["data-bars"], std::to_string(bars)) << id;
    EXPECT_EQ(plots[id]["data-rendered-bars"], std::to_string(bars)) << id << ": not all bars were laid out";
  }
  EXPECT_NE(dom.out.find("data-plots=\"5\""), std::string::npos);
}

}  // namespace
}  // namespace agent::bench
