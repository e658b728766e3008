// agent bench run with the API backend against a fake OpenAI-compatible provider on
// 127.0.0.1: every task's turns are priced from the user's price table, and the cost reaches
// results.jsonl, report.json (cost per resolved task) and report.html's cost plot; an outage
// of the provider is an infrastructure failure (exit 3) that --resume redoes; the key comes
// from the variable the config's api.key_env names.
#include "tests/e2e/bench_fixture.h"
#include "tests/support/chromium.h"
#include "tests/support/fake_provider.h"

namespace agent::testing {
namespace {

namespace fs = std::filesystem;

class BenchApiTest : public BenchFixture {};

// The b64 example's fix, as the model would send it (arguments as raw JSON text).
ToolCall b64_fix() {
  auto text = read_file(BenchFixture::examples() / "scripts/examples__b64-1.jsonl");
  EXPECT_TRUE(text.ok());
  size_t second = text->find('\n') + 1;
  Json turn = Json::parse(text->substr(second, text->find('\n', second) - second));
  const Json& call = turn["tool_calls"][0];
  return ToolCall{"call_fix", call["name"].get<std::string>(), call["arguments"].dump()};
}

TEST_F(BenchApiTest, CostsComeFromThePriceTable) {
  FakeTurn fix;
  fix.content = "Adding the missing pad.";
  fix.calls = {b64_fix()};
  fix.usage = Usage{10000, 8000, 100, 40};
  FakeTurn done;
  done.content = "Done.";
  done.usage = Usage{12000, 10000, 50, 10};
  auto provider = FakeProvider::start(Format::kOpenAI, {fix, done});
  fs::path xdg = root_ / "xdg";
  ASSERT_TRUE(write_file_atomic(xdg / "agent/prices.toml",
                                "[models.deepseek-v4-pro]\ncache_hit = 0.5\ncache_miss = 2.0\noutput = 8.0\npeak = false\n")
                  .ok());
  env_.insert(env_.end(), {"XDG_CONFIG_HOME=" + xdg.string(), "DEEPSEEK_API_KEY=sk-bench-test", "NO_PROXY=127.0.0.1",
                           "HTTPS_PROXY=", "https_proxy=", "HTTP_PROXY=", "http_proxy="});
  // The same two turns answer both tasks: they fix b64; on semver the edit finds no file.
  fs::path tasks = subset({"examples__b64-1", "examples__semver-1"}, "api.jsonl");
  fs::path out = root_ / "api";
  auto r = bench({"run", "--tasks", tasks.string(), "--out", out.string(), "--workers", "2", "--backend", "api",
                  "--base-url", provider->base_url(), "--model", "deepseek-v4-pro"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Per task: 8,000 hits * $0.5/M + 2,000 misses * $2/M + 100 out * $8/M = $0.0088, then
  // 10,000 * 0.5 + 2,000 * 2 + 50 * 8 = $0.0094.
  const double per_task = 0.0088 + 0.0094;
  for (const auto& line : results(out)) {
    EXPECT_NEAR(line["cost_usd"].get<double>(), per_task, 1e-9) << line["instance_id"];
    EXPECT_EQ(line["usage"]["cached_tokens"], 18000);
    EXPECT_EQ(line["agent_status"], "finished");
  }
  Json rep = report(out);
  EXPECT_EQ(rep["resolved_ids"], Json::array({"examples__b64-1"}));
  EXPECT_EQ(rep["empty_patch_ids"], Json::array({"examples__semver-1"}));
  EXPECT_NEAR(rep["cost_usd"].get<double>(), 2 * per_task, 1e-9);
  EXPECT_NEAR(rep["cost_per_resolved_usd"].get<double>(), 2 * per_task, 1e-9);
  EXPECT_EQ(provider->requests().size(), 4u);

  std::string chromium = find_chromium();
  ASSERT_FALSE(chromium.empty()) << "chromium is not installed (scripts/install-deps.sh installs it)";
  auto dom = chromium_dump_dom(chromium, out / "report.html", root_ / "chromium-profile");
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  auto plots = plot_attributes(dom.out);
  EXPECT_EQ(plots["plot-cost"]["data-bars"], "2");
  EXPECT_EQ(plots["plot-cost"]["data-rendered-bars"], "2");
}

TEST_F(BenchApiTest, AnOutageIsAnInfraFailureThatResumeRedoes) {
  FakeTurn fix;
  fix.content = "Adding the missing pad.";
  fix.calls = {b64_fix()};
  FakeTurn done;
  done.content = "Done.";
  auto provider = FakeProvider::start(Format::kOpenAI, {fix, done});
  provider->inject(0, Fault::k503);  // the first request of the first session
  provider->expect_key("sk-team-key");
  fs::path xdg = root_ / "xdg";
  // No retries, and the key in a variable of the team's choosing (DEEPSEEK_API_KEY empty), with
  // --backend left to auto: the key_env variable alone selects the API.
  ASSERT_TRUE(write_file_atomic(xdg / "agent/config.toml", "[api]\nmax_attempts = 1\nkey_env = \"BENCH_TEAM_KEY\"\n").ok());
  env_.insert(env_.end(), {"XDG_CONFIG_HOME=" + xdg.string(), "DEEPSEEK_API_KEY=", "BENCH_TEAM_KEY=sk-team-key",
                           "NO_PROXY=127.0.0.1", "HTTPS_PROXY=", "https_proxy=", "HTTP_PROXY=", "http_proxy="});
  fs::path tasks = subset({"examples__b64-1"}, "outage.jsonl");
  fs::path out = root_ / "outage";
  std::vector<std::string> args = {"run", "--tasks", tasks.string(), "--out", out.string(), "--base-url",
                                   provider->base_url(), "--model", "deepseek-v4-pro"};
  auto r = bench(args);
  ASSERT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("model backend failure"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--resume"), std::string::npos) << r.err;
  auto lines = results(out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["outcome"], "infra_failure") << lines[0].dump(2);
  EXPECT_NE(lines[0]["error"].get<std::string>().find("model backend failed"), std::string::npos) << lines[0].dump(2);
  Json rep = report(out);
  EXPECT_EQ(rep["infra_failure_instances"], 1);
  EXPECT_EQ(rep["infra_failure_ids"], Json::array({"examples__b64-1"}));
  EXPECT_EQ(rep["unresolved_instances"], 0) << "an outage is not the model's failure";
  EXPECT_EQ(rep["empty_patch_instances"], 0);
  EXPECT_EQ(rep["ambiguous_failure_instances"], 0);
  auto preds = read_file(out / "preds.jsonl");
  ASSERT_TRUE(preds.ok());
  EXPECT_EQ(*preds, "") << "no prediction was made";

  args.push_back("--resume");
  auto resumed = bench(args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming: 0 of 1 done"), std::string::npos) << resumed.err;
  Json after = report(out);
  EXPECT_EQ(after["resolved_ids"], Json::array({"examples__b64-1"})) << after.dump(2);
  EXPECT_EQ(after["infra_failure_instances"], 0);
  EXPECT_EQ(results(out).size(), 2u) << "the failure stays in results.jsonl; the later result replaces it";
  EXPECT_EQ(provider->requests().size(), 3u);
}

}  // namespace
}  // namespace agent::testing
