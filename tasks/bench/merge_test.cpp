// Merging shard folders: the union of their results in tasks-file order and the same
// report.json one unsharded folder gives; mismatched or overlapping folders refused.
#include "tasks/bench/merge.h"

#include <gtest/gtest.h>

#include "common/fs.h"
#include "tasks/bench/manifest.h"
#include "tasks/bench/report.h"
#include "tasks/bench/results.h"

namespace agent::bench {
namespace {

TaskResult result(const std::string& id, const std::string& outcome) {
  TaskResult r;
  r.instance_id = id;
  r.model = "m";
  r.outcome = outcome;
  r.model_patch = outcome == "empty_patch" ? "" : "diff --git a/x b/x\n";
  return r;
}

BatchManifest manifest(int shard, int count, const std::vector<std::pair<size_t, std::string>>& instances) {
  BatchManifest m;
  m.kind = "eval";
  m.tasks_file = "/x/tasks.jsonl";
  m.tasks_digest = "0123456789abcdef";
  m.shard_index = shard;
  m.shard_count = count;
  m.model = "m";
  m.instances = instances;
  return m;
}

class MergeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = TempDir::create("merge-test-");
    ASSERT_TRUE(t.ok());
    tmp_ = std::move(*t);
  }
  fs::path batch(const std::string& name, const BatchManifest& m, const std::vector<TaskResult>& rs) {
    fs::path dir = tmp_.path() / name;
    EXPECT_TRUE(make_dirs(dir).ok());
    EXPECT_TRUE(write_manifest(dir, m).ok());
    std::string lines;
    for (const auto& r : rs) lines += dump_json(to_json(r)) + "\n";
    EXPECT_TRUE(write_file_atomic(dir / "results.jsonl", lines).ok());
    return dir;
  }
  TempDir tmp_;
};

TEST_F(MergeTest, ShardsMergeToTheUnshardedReport) {
  fs::path s1 = batch("s1", manifest(1, 3, {{0, "a"}, {3, "d"}}), {result("a", "resolved"), result("d", "error")});
  fs::path s2 = batch("s2", manifest(2, 3, {{1, "b"}}), {result("b", "error"), result("b", "unresolved")});
  fs::path out = tmp_.path() / "merged";
  auto r = merge_batches({s2, s1}, out);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->instances, 3u);
  EXPECT_EQ(r->results, 3u) << "b's later result replaces its earlier one";
  EXPECT_EQ(r->missing_shards, std::vector<int>{3});
  auto merged = read_results(out / "results.jsonl");
  ASSERT_TRUE(merged.ok());
  std::vector<std::string> order;
  for (const auto& x : merged->results) order.push_back(x.instance_id);
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "d"})) << "tasks-file order";

  BatchManifest whole = manifest(0, 0, {{0, "a"}, {1, "b"}, {3, "d"}});
  std::vector<TaskResult> all = {result("a", "resolved"), result("b", "unresolved"), result("d", "error")};
  auto text = read_file(out / "report.json");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(Json::parse(*text), make_report_json(whole, all));
  EXPECT_TRUE(fs::exists(out / "report.md") && fs::exists(out / "report.html") && fs::exists(out / "preds.jsonl"));
}

TEST_F(MergeTest, MismatchedOrOverlappingFoldersAreRefused) {
  fs::path s1 = batch("s1", manifest(1, 2, {{0, "a"}}), {result("a", "resolved")});
  fs::path s2 = batch("s2", manifest(2, 2, {{0, "a"}}), {});
  auto overlap = merge_batches({s1, s2}, tmp_.path() / "o1");
  ASSERT_FALSE(overlap.ok());
  EXPECT_NE(overlap.status().message().find("instance a is in both"), std::string::npos) << overlap.status().message();

  BatchManifest other = manifest(2, 2, {{1, "b"}});
  other.tasks_digest = "fedcba9876543210";
  fs::path s3 = batch("s3", other, {});
  auto mismatch = merge_batches({s1, s3}, tmp_.path() / "o2");
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.status().message().find("not a shard of the same batch"), std::string::npos)
      << mismatch.status().message();

  fs::path s4 = batch("s4", manifest(0, 0, {{1, "b"}}), {});
  ASSERT_TRUE(write_file_atomic(tmp_.path() / "full/x", "x").ok());
  auto not_empty = merge_batches({s1, s4}, tmp_.path() / "full");
  ASSERT_FALSE(not_empty.ok());
  EXPECT_EQ(not_empty.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(merge_batches({}, tmp_.path() / "o3").ok());
}

}  // namespace
}  // namespace agent::bench
