// A batch interrupted (SIGINT) or killed (SIGKILL) midway resumes to the same final report as
// an uninterrupted run, and two shards merged equal one unsharded run.
#include <signal.h>
#include <sys/wait.h>

#include <set>
#include <thread>

#include "tests/e2e/bench_fixture.h"

namespace agent::testing {
namespace {

namespace fs = std::filesystem;

class BenchResumeShardTest : public BenchFixture {
 protected:
  std::vector<std::string> run_args(const fs::path& tasks, const fs::path& out, const std::string& workers) {
    return {"run", "--tasks", tasks.string(), "--out", out.string(), "--workers", workers,
            "--backend", "scripted", "--script", scripts_.string(), "--test-timeout", "60"};
  }
};

// Fast tasks (C, Python, JavaScript): three solved, two empty patches, one crashed agent.
const std::vector<std::string> kSubset = {"examples__b64-1", "examples__semver-1", "examples__qs-1",
                                          "examples__slugify-1", "examples__deepmerge-1", "examples__duration-1"};

TEST_F(BenchResumeShardTest, KilledAndShardedBatchesEqualOneRun) {
  fs::path tasks = subset(kSubset, "subset.jsonl");
  fs::path whole = root_ / "whole";
  auto r = bench(run_args(tasks, whole, "2"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json expected = report(whole);
  EXPECT_EQ(expected["resolved_ids"], Json::array({"examples__b64-1", "examples__qs-1", "examples__semver-1"}));
  EXPECT_EQ(expected["empty_patch_ids"], Json::array({"examples__deepmerge-1", "examples__slugify-1"}));
  EXPECT_EQ(expected["unresolved_ids"], Json::array({"examples__duration-1"}));

  // Two shards, run at the same time as two machines would, then merged (in either order).
  fs::path s1 = root_ / "shard1", s2 = root_ / "shard2", merged = root_ / "merged";
  auto args1 = run_args(tasks, s1, "1");
  args1.insert(args1.end(), {"--shard", "1/2"});
  pid_t p1 = bench_background(args1);
  auto args2 = run_args(tasks, s2, "1");
  args2.insert(args2.end(), {"--shard", "2/2"});
  auto r2 = bench(args2);
  int status = 0;
  waitpid(p1, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  EXPECT_EQ(report(s1)["total_instances"], 3) << "shard 1 of 2 takes tasks 1, 3, 5";
  EXPECT_EQ(report(s1)["submitted_ids"], Json::array({"examples__b64-1", "examples__deepmerge-1", "examples__qs-1"}));
  auto m = bench({"merge", s2.string(), s1.string(), "--out", merged.string()});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(report(merged), expected);
  std::vector<std::string> order;
  for (const auto& line : results(merged)) order.push_back(line["instance_id"]);
  EXPECT_EQ(order, kSubset) << "merged results follow the tasks file";
  auto dup = bench({"merge", s1.string(), s2.string(), s1.string(), "--out", (root_ / "dup").string()});
  EXPECT_EQ(dup.exit_code, 2);
  EXPECT_NE(dup.err.find("is in both"), std::string::npos) << dup.err;
  auto mixed = bench({"merge", whole.string(), s1.string(), "--out", (root_ / "mixed").string()});
  EXPECT_EQ(mixed.exit_code, 2);
  EXPECT_NE(mixed.err.find("shard counts differ"), std::string::npos) << mixed.err;
  auto not_batch = bench({"merge", s1.string(), root_.string() + "/scripts", "--out", (root_ / "nb").string()});
  EXPECT_EQ(not_batch.exit_code, 2);
  EXPECT_NE(not_batch.err.find("not a batch folder"), std::string::npos) << not_batch.err;

  // Interrupted with SIGINT after a task was recorded (exit 130, partial reports), resumed and
  // killed with SIGKILL after one more, then resumed to the end.
  fs::path killed = root_ / "killed";
  auto resume_args = [&](const std::string& workers) {
    auto a = run_args(tasks, killed, workers);
    a.push_back("--resume");
    return a;
  };
  auto wait_for_results = [&](size_t n) {
    for (int i = 0; i < 2400 && results(killed).size() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return results(killed).size();
  };
  pid_t pid = bench_background(run_args(tasks, killed, "1"));
  ASSERT_GE(wait_for_results(1), 1u);
  kill(pid, SIGINT);
  status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  size_t after_sigint = results(killed).size();
  ASSERT_LT(after_sigint, kSubset.size()) << "the batch should have stopped early";
  EXPECT_EQ(report(killed)["submitted_instances"], after_sigint) << "the reports show what finished";

  pid = bench_background(resume_args("1"));
  ASSERT_GE(wait_for_results(after_sigint + 1), after_sigint + 1);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  size_t done_before = results(killed).size();
  ASSERT_LT(done_before, kSubset.size()) << "the batch should have been killed midway";
  auto resumed = bench(resume_args("2"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming: " + std::to_string(done_before) + " of 6 done"), std::string::npos) << resumed.err;
  EXPECT_EQ(report(killed), expected);
  std::multiset<std::string> ids;
  for (const auto& line : results(killed)) ids.insert(line["instance_id"].get<std::string>());
  EXPECT_EQ(ids.size(), 6u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 6u) << "no task recorded twice";

  // A folder holds one batch: other settings or no --resume are refused.
  auto other = run_args(tasks, killed, "1");
  other.insert(other.end(), {"--resume", "--model", "another-model"});
  auto refused = bench(other);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("different batch"), std::string::npos) << refused.err;
  auto not_empty = bench(run_args(tasks, killed, "1"));
  EXPECT_EQ(not_empty.exit_code, 2);
  EXPECT_NE(not_empty.err.find("not empty"), std::string::npos) << not_empty.err;
}

}  // namespace
}  // namespace agent::testing
