#include "tests/e2e/bench_fixture.h"

#include <unistd.h>

namespace agent::testing {

namespace fs = std::filesystem;

fs::path BenchFixture::examples() { return source_dir() / "examples" / "tasks"; }

std::vector<Json> BenchFixture::example_tasks() {
  std::vector<Json> out;
  auto text = read_file(tasks_file());
  if (!text.ok()) return out;
  size_t start = 0;
  while (start < text->size()) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    if (end > start) out.push_back(Json::parse(text->substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

void BenchFixture::SetUp() {
  auto d = TempDir::create("agent-bench-e2e-");
  ASSERT_TRUE(d.ok());
  tmp_ = std::move(*d);
  root_ = fs::canonical(tmp_.path());
  scripts_ = root_ / "scripts";
  ASSERT_TRUE(make_dirs(scripts_).ok());
  ASSERT_TRUE(make_dirs(root_ / "logs").ok());
  ASSERT_EQ(sh("cp " + (examples() / "scripts").string() + "/*.jsonl " +
               (source_dir() / "tests/data/bench/scripts").string() + "/*.jsonl " + scripts_.string()),
            0);
  // The Python tasks run `python3 -m pytest`. Where the first python3 on PATH lacks pytest
  // (a pyenv interpreter on a developer machine) but Debian's has it (python3-pytest, as
  // scripts/install-deps.sh installs), put Debian's first. The link lives in the build tree,
  // not under /tmp, so that sandboxed commands (private /tmp) see it too.
  if (sh("python3 -c 'import pytest' >/dev/null 2>&1") != 0 &&
      sh("/usr/bin/python3 -c 'import pytest' >/dev/null 2>&1") == 0) {
    fs::path bin = agent_binary().parent_path().parent_path() / "tests" / "bench-python-shim";
    ASSERT_TRUE(make_dirs(bin).ok());
    fs::path tmp = bin / ("python3." + std::to_string(::getpid()));
    std::error_code ec;
    fs::remove(tmp, ec);
    fs::create_symlink("/usr/bin/python3", tmp);
    fs::rename(tmp, bin / "python3");  // atomic: tests running at once all see a whole link
    const char* path = std::getenv("PATH");
    env_.push_back("PATH=" + bin.string() + ":" + (path ? path : "/usr/bin:/bin"));
  }
}

ProcessResult BenchFixture::bench(std::vector<std::string> args, std::chrono::seconds timeout) {
  args.insert(args.begin(), {agent_binary().string(), "bench"});
  ProcessOptions opts;
  opts.extra_env = env_;
  opts.timeout = timeout;
  return run_process(args, opts);
}

pid_t BenchFixture::bench_background(std::vector<std::string> args) {
  args.insert(args.begin(), {agent_binary().string(), "bench"});
  ProcessOptions opts;
  opts.extra_env = env_;
  return start_process(args, root_ / "logs", opts);
}

fs::path BenchFixture::subset(const std::vector<std::string>& ids, const std::string& name) {
  std::map<std::string, Json> by_id;
  for (auto& t : example_tasks()) by_id[t["instance_id"].get<std::string>()] = t;
  std::string text;
  for (const auto& id : ids) {
    Json t = by_id.at(id);
    t["repo_path"] = (examples() / t["repo_path"].get<std::string>()).string();
    text += t.dump() + "\n";
  }
  fs::path p = root_ / name;
  EXPECT_TRUE(write_file_atomic(p, text).ok());
  return p;
}

Json BenchFixture::report(const fs::path& batch) const {
  auto text = read_file(batch / "report.json");
  if (!text.ok()) return Json();
  return Json::parse(*text);
}

std::vector<Json> BenchFixture::results(const fs::path& batch) const {
  std::vector<Json> out;
  auto text = read_file(batch / "results.jsonl");
  if (!text.ok()) return out;
  size_t start = 0;
  while (start < text->size()) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) break;  // a torn last line is not a result
    if (end > start) out.push_back(Json::parse(text->substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

std::map<std::string, std::string> BenchFixture::outcomes(const fs::path& batch) const {
  std::map<std::string, std::string> out;
  for (const auto& r : results(batch)) out[r["instance_id"].get<std::string>()] = r["outcome"].get<std::string>();
  return out;
}

}  // namespace agent::testing
