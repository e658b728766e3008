// agent solve with the sandbox and policies end to end: the `sandbox` event, the persistent
// shell, policy files (deny, load errors, the project-file rule), --sandbox off, agent doctor.
#include <fstream>

#include "sandbox/host_probe.h"
#include "tests/support/run_fixture.h"

namespace agent::testing {
namespace {

Json shell(const std::string& cmd) {
  return Json{{"tool_calls", Json::array({Json{{"name", "shell"}, {"arguments", {{"command", cmd}}}}})}};
}
Json done() { return Json{{"content", "done"}}; }

class SandboxE2E : public RunFixture {
 protected:
  // agent solve with XDG_CONFIG_HOME pointing at a folder whose agent/policy.toml is `policy`.
  ProcessResult solve_with_policy(const std::string& script, const std::string& policy,
                                  std::vector<std::string> extra = {}) {
    fs::path cfg = root_ / "config";
    fs::create_directories(cfg / "agent");
    std::ofstream(cfg / "agent/policy.toml") << policy;
    std::string issue = write_text("issue.md", "Fix it.");
    std::vector<std::string> argv = {agent_binary().string(), "solve", "--repo", repo_.string(), "--issue", issue,
                                     "--backend", "scripted", "--script", script, "--out", run_.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    ProcessOptions o;
    o.extra_env = {"XDG_CONFIG_HOME=" + cfg.string()};
    return run_process(argv, o);
  }
  std::vector<Json> events_of(const std::string& type) {
    std::vector<Json> out;
    for (const auto& e : journal()) {
      if (e["type"] == type) out.push_back(e);
    }
    return out;
  }
};

TEST_F(SandboxE2E, CommandsRunInTheSandboxThroughOnePersistentShell) {
  make_repo({{"a.txt", "a\n"}});
  auto r = solve(write_script({shell("mkdir -p sub && cd sub && export KEPT=yes"),
                               shell("pwd; echo KEPT=$KEPT; echo $AGENT_SANDBOX"), done()}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto sb = events_of("sandbox");
  ASSERT_EQ(sb.size(), 1u);
  EXPECT_EQ(sb[0]["mode"], "auto");
  EXPECT_EQ(sb[0]["shell"], "persistent");
  auto finished = events_of("tool_finished");
  ASSERT_EQ(finished.size(), 2u);
  std::string out = finished[1]["content"];
  EXPECT_NE(out.find("/sub\nKEPT=yes\n"), std::string::npos) << out;
  EXPECT_EQ(finished[1]["details"]["shell"], "persistent");
  if (host_capabilities().namespaces) {
    auto layers = sb[0]["layers"].dump();
    EXPECT_NE(layers.find("mount-ns"), std::string::npos) << layers;
    EXPECT_NE(out.find("namespaces"), std::string::npos) << out;
  }
}

TEST_F(SandboxE2E, AUserPolicyDeniesAndTheModelIsTold) {
  make_repo({{"a.txt", "a\n"}});
  auto r = solve_with_policy(write_script({shell("echo ok && make -n"), done()}),
                             "[[command]]\nprefix = \"make\"\ndecision = \"deny\"\nreason = \"builds are run by CI\"\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto finished = events_of("tool_finished");
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0]["rejected"], "policy");
  EXPECT_NE(finished[0]["content"].get<std::string>().find("builds are run by CI"), std::string::npos);
  EXPECT_TRUE(events_of("tool_started").empty()) << "a denied call never starts";
}

TEST_F(SandboxE2E, ABrokenPolicyFileStopsTheRunBeforeItStarts) {
  make_repo({{"a.txt", "a\n"}});
  auto r = solve_with_policy(write_script({done()}),
                             "[[command]]\nprefix = \"rm -rf\"\ndecision = \"deny\"\nmatch = [\"rm -r x\"]\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("policy.toml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("does not match its example"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(run_ / "trajectory.jsonl"));
}

TEST_F(SandboxE2E, AProjectPolicyMayOnlyTighten) {
  make_repo({{".agent/policy.toml", "[[command]]\nprefix = \"curl\"\ndecision = \"allow\"\n"}});
  auto r = solve(write_script({done()}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("may only deny or ask"), std::string::npos) << r.err;
}

TEST_F(SandboxE2E, SandboxOffIsLoud) {
  make_repo({{"a.txt", "a\n"}});
  auto r = solve(write_script({shell("true"), done()}), {"--sandbox", "off", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("WARNING: --sandbox off"), std::string::npos) << r.err;
  auto warnings = events_of("warning");
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings[0]["message"].get<std::string>().find("full access"), std::string::npos);
  EXPECT_EQ(events_of("sandbox")[0]["name"], "process");
}

TEST_F(SandboxE2E, StrictRunsWhereEveryLayerExistsAndRefusesElsewhere) {
  make_repo({{"a.txt", "a\n"}});
  auto choice = choose_layers(SandboxMode::kStrict, NetworkMode::kOff, host_capabilities());
  auto r = solve(write_script({shell("true"), done()}), {"--sandbox", "strict"});
  if (choice.ok()) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
  } else {
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--sandbox strict"), std::string::npos) << r.err;
  }
}

TEST_F(SandboxE2E, DoctorReportsTheMachineAndTheConfiguration) {
  make_repo({{"a.txt", "a\n"}});
  auto r = run_process({agent_binary().string(), "doctor", "--repo", repo_.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("namespaces (user, mount, pid, net, ipc, uts)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--sandbox strict --network off"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cgroup v2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("command rules"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace agent::testing
