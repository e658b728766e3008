// agent bench eval: the gold patches resolve every example task, and grading tells them from
// changes that do not fix anything (a patch that only adds a file resolves none; empty
// patches are not graded); compare --fail-if-worse on the two, and on an unfinished batch;
// fractional time limits; bad input named.
#include "tests/e2e/bench_fixture.h"

namespace agent::testing {
namespace {

namespace fs = std::filesystem;

class BenchEvalTest : public BenchFixture {
 protected:
  // Predictions for every example task, the patch chosen by `patch_of`.
  fs::path preds(const std::string& name, const std::function<Json(const Json&)>& patch_of) {
    std::string text;
    for (const auto& t : example_tasks()) {
      text += Json{{"instance_id", t["instance_id"]}, {"model_name_or_path", name}, {"model_patch", patch_of(t)}}.dump() +
              "\n";
    }
    fs::path p = root_ / (name + ".jsonl");
    EXPECT_TRUE(write_file_atomic(p, text).ok());
    return p;
  }
  ProcessResult eval(const fs::path& preds_file, const fs::path& out) {
    return bench({"eval", "--tasks", tasks_file().string(), "--preds", preds_file.string(), "--out", out.string(),
                  "--workers", "2", "--test-timeout", "120"});
  }
};

TEST_F(BenchEvalTest, GoldPatchesResolveEveryTaskAndNoFixResolvesNone) {
  fs::path gold = root_ / "gold";
  auto g = eval(preds("gold", [](const Json& t) { return t["patch"]; }), gold);
  ASSERT_EQ(g.exit_code, 0) << g.err;
  Json rg = report(gold);
  EXPECT_EQ(rg["total_instances"], 13);
  EXPECT_EQ(rg["resolved_instances"], 13) << rg.dump(2);
  EXPECT_EQ(rg["error_ids"], Json::array());
  EXPECT_EQ(rg["model_name_or_path"], "gold");

  // A patch that applies everywhere and fixes nothing: every task is graded and none resolved.
  const std::string notes = "diff --git a/NOTES.md b/NOTES.md\nnew file mode 100644\n--- /dev/null\n+++ b/NOTES.md\n"
                            "@@ -0,0 +1 @@\n+Looked into it.\n";
  fs::path noop = root_ / "noop";
  auto n = eval(preds("noop", [&](const Json&) { return Json(notes); }), noop);
  ASSERT_EQ(n.exit_code, 0) << n.err;
  Json rn = report(noop);
  EXPECT_EQ(rn["completed_instances"], 13) << rn.dump(2);
  EXPECT_EQ(rn["resolved_instances"], 0);
  for (const auto& r : results(noop)) {
    EXPECT_FALSE(r["tests_after"]["FAIL_TO_PASS"]["failure"].empty()) << r["instance_id"];
    EXPECT_TRUE(r["tests_after"]["PASS_TO_PASS"]["failure"].empty()) << r["instance_id"] << " breaks a passing test";
  }

  // Empty patches are not graded (the official harness's empty_patch).
  fs::path empty = root_ / "empty";
  auto e = eval(preds("empty", [](const Json&) { return Json(""); }), empty);
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(report(empty)["empty_patch_instances"], 13);
  EXPECT_EQ(report(empty)["resolved_instances"], 0);

  auto worse = bench({"compare", gold.string(), noop.string(), "--fail-if-worse"});
  EXPECT_EQ(worse.exit_code, 1) << worse.out << worse.err;
  EXPECT_NE(worse.out.find("B is significantly worse than A"), std::string::npos) << worse.out;
  EXPECT_NE(worse.out.find("13 tasks better with A, 0 with B, p = 0.0002441"), std::string::npos) << worse.out;
  auto same = bench({"compare", gold.string(), gold.string(), "--fail-if-worse", "--json"});
  EXPECT_EQ(same.exit_code, 0) << same.err;
  Json j = Json::parse(same.out);
  EXPECT_DOUBLE_EQ(j["p_value"].get<double>(), 1.0);
  EXPECT_EQ(j["tasks"], 13);
}

TEST_F(BenchEvalTest, BadInputIsNamed) {
  fs::path one = subset({"examples__b64-1"}, "one.jsonl");
  auto text = read_file(one);
  ASSERT_TRUE(text.ok());
  fs::path tasks = root_ / "tasks.jsonl";
  // Line 2 is not JSON; line 3 is a task without base_commit, whose prediction is skipped too.
  ASSERT_TRUE(write_file_atomic(tasks, *text + "{\"instance_id\": \"x\", oops\n{\"instance_id\": \"skipme\"}\n").ok());
  Json gold = Json::parse(*text);
  fs::path p = root_ / "preds.jsonl";
  ASSERT_TRUE(write_file_atomic(p, Json{{"instance_id", "examples__b64-1"}, {"model_name_or_path", "g"},
                                        {"model_patch", gold["patch"]}}.dump() + "\n" +
                                       Json{{"instance_id", "skipme"}, {"model_patch", "x"}}.dump() + "\n").ok());

  auto bad_line = bench({"eval", "--tasks", tasks.string(), "--preds", p.string(), "--out", (root_ / "a").string()});
  EXPECT_EQ(bad_line.exit_code, 2);
  EXPECT_NE(bad_line.err.find(tasks.string() + ":2: not valid JSON"), std::string::npos) << bad_line.err;
  EXPECT_FALSE(fs::exists(root_ / "a")) << "nothing ran";

  auto skipped = bench({"eval", "--tasks", tasks.string(), "--preds", p.string(), "--out", (root_ / "b").string(),
                        "--on-bad-line", "skip"});
  EXPECT_EQ(skipped.exit_code, 0) << skipped.err;
  EXPECT_NE(skipped.err.find("skipping " + tasks.string() + ":2"), std::string::npos) << skipped.err;
  EXPECT_NE(skipped.err.find("skipping " + tasks.string() + ":3: missing field base_commit"), std::string::npos)
      << skipped.err;
  EXPECT_NE(skipped.err.find(p.string() + ":2: the prediction for \"skipme\" is not graded"), std::string::npos)
      << skipped.err;
  EXPECT_EQ(report(root_ / "b")["resolved_ids"], Json::array({"examples__b64-1"}));

  // A repo_path that does not exist is a bad line, found before anything runs.
  Json lost = gold;
  lost["repo_path"] = (root_ / "no-such.bundle").string();
  fs::path lost_tasks = root_ / "lost.jsonl";
  ASSERT_TRUE(write_file_atomic(lost_tasks, lost.dump() + "\n").ok());
  auto no_repo = bench({"run", "--tasks", lost_tasks.string(), "--out", (root_ / "g").string(), "--backend",
                        "scripted", "--script", scripts_.string()});
  EXPECT_EQ(no_repo.exit_code, 2);
  EXPECT_NE(no_repo.err.find(lost_tasks.string() + ":1: field repo_path: " + (root_ / "no-such.bundle").string()),
            std::string::npos)
      << no_repo.err;
  EXPECT_FALSE(fs::exists(root_ / "g")) << "nothing ran";

  fs::path stray = root_ / "stray.jsonl";
  ASSERT_TRUE(write_file_atomic(stray, "{\"instance_id\": \"nobody\", \"model_patch\": \"\"}\n").ok());
  auto unknown = bench({"eval", "--tasks", one.string(), "--preds", stray.string(), "--out", (root_ / "c").string()});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find(stray.string() + ":1: instance_id \"nobody\" is not in the tasks file"), std::string::npos)
      << unknown.err;

  auto shard = bench({"run", "--tasks", one.string(), "--out", (root_ / "d").string(), "--shard", "3/2", "--backend",
                      "scripted", "--script", scripts_.string()});
  EXPECT_EQ(shard.exit_code, 2);
  EXPECT_NE(shard.err.find("--shard must be I/N"), std::string::npos) << shard.err;
  auto no_dir = bench({"run", "--tasks", one.string(), "--out", (root_ / "e").string(), "--backend", "scripted",
                       "--script", one.string()});
  EXPECT_EQ(no_dir.exit_code, 2);
  EXPECT_NE(no_dir.err.find("is not a folder"), std::string::npos) << no_dir.err;
  auto missing = bench({"run", "--tasks", (root_ / "missing.jsonl").string(), "--out", (root_ / "f").string(),
                        "--backend", "scripted", "--script", scripts_.string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("missing.jsonl"), std::string::npos) << missing.err;
  auto not_batch = bench({"compare", scripts_.string(), (root_ / "b").string()});
  EXPECT_EQ(not_batch.exit_code, 2);
  EXPECT_NE(not_batch.err.find("batch.json"), std::string::npos) << not_batch.err;
}

TEST_F(BenchEvalTest, RepeatedRunsAndTheirComparison) {
  fs::path tasks = subset({"examples__b64-1", "examples__slugify-1"}, "two.jsonl");
  fs::path twice = root_ / "twice", once = root_ / "once";
  auto r = bench({"run", "--tasks", tasks.string(), "--out", twice.string(), "--runs", "2", "--workers", "2",
                  "--backend", "scripted", "--script", scripts_.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(results(twice).size(), 4u);
  Json rep = report(twice);
  ASSERT_EQ(rep["per_run"].size(), 2u);
  EXPECT_EQ(rep["per_run"][1]["resolved_ids"], Json::array({"examples__b64-1"}));
  EXPECT_DOUBLE_EQ(rep["mean_resolve_rate"].get<double>(), 0.5);
  EXPECT_TRUE(fs::exists(twice / "preds.run-2.jsonl"));
  EXPECT_TRUE(fs::exists(twice / "tasks/examples__b64-1/run-2/report.json"));
  // Against a one-run batch with the same scripts: nothing differs.
  auto o = bench({"run", "--tasks", tasks.string(), "--out", once.string(), "--backend", "scripted", "--script",
                  scripts_.string()});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  auto c = bench({"compare", once.string(), twice.string(), "--json"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  Json j = Json::parse(c.out);
  EXPECT_EQ(j["test"], "exact sign test (per-task resolve fractions)");
  EXPECT_EQ(j["b"]["resolved_runs"], 2);
  EXPECT_EQ(j["b"]["trials"], 4);
  EXPECT_DOUBLE_EQ(j["diff"].get<double>(), 0.0);
}

TEST_F(BenchEvalTest, SetupHasTheNetworkTestsDoNot) {
  // A plain task on a repository made here: setup_cmd records whether its sandbox had the
  // network, each test passes only when its own sandbox had it off.
  fs::path repo = root_ / "netrepo";
  ASSERT_EQ(sh("mkdir -p " + repo.string() + " && cd " + repo.string() +
               " && git init -q -b main && echo hi > README && git add -A && "
               "git -c user.name=t -c user.email=t@t commit -qm init"),
            0);
  std::string commit;
  {
    auto r = run_process({"/usr/bin/git", "-C", repo.string(), "rev-parse", "HEAD"});
    commit = r.out.substr(0, 40);
  }
  Json task{{"instance_id", "net-1"}, {"base_commit", commit}, {"problem_statement", "x"},
            {"FAIL_TO_PASS", Json::array({"fixed"})}, {"PASS_TO_PASS", Json::array({"readme"})},
            {"repo_path", repo.string()},
            {"setup_cmd", "echo \"network:${AGENT_SANDBOX_NETWORK:-on}\" > setup-network.txt"},
            {"test_cmd", "test \"$AGENT_SANDBOX_NETWORK\" = off && grep -q network:on setup-network.txt && "
                         "case {test} in fixed) test -f FIXED ;; readme) test -f README ;; esac"},
            {"test_framework", "plain"}};
  fs::path tasks = root_ / "net.jsonl";
  ASSERT_TRUE(write_file_atomic(tasks, task.dump() + "\n").ok());
  fs::path preds = root_ / "net-preds.jsonl";
  std::string patch = "diff --git a/FIXED b/FIXED\nnew file mode 100644\n--- /dev/null\n+++ b/FIXED\n@@ -0,0 +1 @@\n+ok\n";
  ASSERT_TRUE(write_file_atomic(preds, Json{{"instance_id", "net-1"}, {"model_patch", patch}}.dump() + "\n").ok());
  auto r = bench({"eval", "--tasks", tasks.string(), "--preds", preds.string(), "--out", (root_ / "net").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(report(root_ / "net")["resolved_ids"], Json::array({"net-1"})) << results(root_ / "net")[0].dump(2);
  // Without a sandbox nothing takes the network away, and the tests say so.
  auto off = bench({"eval", "--tasks", tasks.string(), "--preds", preds.string(), "--out", (root_ / "off").string(),
                    "--sandbox", "off"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(report(root_ / "off")["resolved_instances"], 0);
}

TEST_F(BenchEvalTest, FractionalTimeoutsAndUnfinishedBatchesInComparisons) {
  // Plain tasks on a repository made here: each passes when its file exists.
  fs::path repo = root_ / "tinyrepo";
  ASSERT_EQ(sh("mkdir -p " + repo.string() + " && cd " + repo.string() +
               " && git init -q -b main && echo hi > README && git add -A && "
               "git -c user.name=t -c user.email=t@t commit -qm init"),
            0);
  std::string commit = run_process({"/usr/bin/git", "-C", repo.string(), "rev-parse", "HEAD"}).out.substr(0, 40);
  auto task = [&](const std::string& id, const std::string& cmd) {
    return Json{{"instance_id", id}, {"base_commit", commit}, {"problem_statement", "x"},
                {"FAIL_TO_PASS", Json::array({"FIXED"})}, {"repo_path", repo.string()},
                {"test_cmd", cmd}, {"test_framework", "plain"}}.dump() + "\n";
  };
  std::string patch = "diff --git a/FIXED b/FIXED\nnew file mode 100644\n--- /dev/null\n+++ b/FIXED\n@@ -0,0 +1 @@\n+ok\n";
  auto pred = [&](const std::string& id) { return Json{{"instance_id", id}, {"model_patch", patch}}.dump() + "\n"; };

  // --test-timeout 0.5 is half a second, not zero.
  fs::path slow = root_ / "slow.jsonl", slow_preds = root_ / "slow-preds.jsonl";
  ASSERT_TRUE(write_file_atomic(slow, task("slow-1", "sleep 30; test -f {test}")).ok());
  ASSERT_TRUE(write_file_atomic(slow_preds, pred("slow-1")).ok());
  auto started = std::chrono::steady_clock::now();
  auto t = bench({"eval", "--tasks", slow.string(), "--preds", slow_preds.string(), "--out", (root_ / "slow").string(),
                  "--test-timeout", "0.5"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
  auto slow_results = results(root_ / "slow");
  ASSERT_EQ(slow_results.size(), 1u);
  EXPECT_TRUE(slow_results[0]["tests_timed_out"].get<bool>()) << slow_results[0].dump(2);
  EXPECT_NE(slow_results[0]["error"].get<std::string>().find("timed out after 0.5 s"), std::string::npos)
      << slow_results[0].dump(2);

  // B lost its last result (an interrupted batch): compared on the task both finished, the
  // other is left out (not counted as unresolved).
  fs::path tasks = root_ / "two.jsonl", preds = root_ / "two-preds.jsonl";
  ASSERT_TRUE(write_file_atomic(tasks, task("one-1", "test -f {test}") + task("two-1", "test -f {test}")).ok());
  ASSERT_TRUE(write_file_atomic(preds, pred("one-1") + pred("two-1")).ok());
  fs::path a = root_ / "A", b = root_ / "B";
  auto e = bench({"eval", "--tasks", tasks.string(), "--preds", preds.string(), "--out", a.string()});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  ASSERT_EQ(report(a)["resolved_instances"], 2);
  ASSERT_EQ(sh("cp -r " + a.string() + " " + b.string() + " && sed -i '$d' " + (b / "results.jsonl").string()), 0);
  ASSERT_EQ(results(b).size(), 1u);
  auto c = bench({"compare", a.string(), b.string(), "--fail-if-worse"});
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
  EXPECT_NE(c.out.find("Tasks compared: 1"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("Left out: 1 shared tasks"), std::string::npos) << c.out;
  std::string missing = results(a)[1]["instance_id"].get<std::string>();
  EXPECT_NE(c.out.find(" " + missing + "\n"), std::string::npos) << c.out;
  auto j = bench({"compare", a.string(), b.string(), "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(Json::parse(j.out)["left_out"], Json::array({missing}));
  EXPECT_NE(j.err.find("1 shared tasks left out"), std::string::npos) << j.err;
  // Nothing comparable: a usage error, not a verdict.
  ASSERT_TRUE(write_file_atomic(b / "results.jsonl", "").ok());
  auto none = bench({"compare", a.string(), b.string(), "--fail-if-worse"});
  EXPECT_EQ(none.exit_code, 2) << none.out;
  EXPECT_NE(none.err.find("no task has results for every run in both"), std::string::npos) << none.err;
}

TEST_F(BenchEvalTest, ExampleBundlesAreReproducible) {
  // Regenerating the task set from its sources gives the same commits and patches.
  ASSERT_EQ(sh("python3 " + (examples() / "make_tasks.py").string() + " --out " + (root_ / "regen").string() +
               " >/dev/null"),
            0);
  auto committed = read_file(tasks_file());
  auto regenerated = read_file(root_ / "regen/tasks.jsonl");
  ASSERT_TRUE(committed.ok() && regenerated.ok());
  EXPECT_EQ(*regenerated, *committed);
}

}  // namespace
}  // namespace agent::testing
