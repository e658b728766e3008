#include "tests/support/run_fixture.h"

namespace agent::testing {

void RunFixture::SetUp() {
  auto d = TempDir::create("agent-e2e-");
  ASSERT_TRUE(d.ok());
  tmp_ = std::move(*d);
  root_ = std::filesystem::canonical(tmp_.path());
  repo_ = root_ / "repo";
  run_ = root_ / "run";
}

static const char* kGitEnv =
    "GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t "
    "GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z";

void RunFixture::make_repo(const std::vector<std::pair<std::string, std::string>>& files) {
  ASSERT_TRUE(make_dirs(repo_).ok());
  for (const auto& [path, content] : files) ASSERT_TRUE(write_file_atomic(repo_ / path, content).ok());
  ASSERT_EQ(sh("cd " + repo_.string() + " && git init -q -b main && git add -A && " + kGitEnv +
               " git commit -q -m init"),
            0);
}

void RunFixture::make_repo_from_example(const std::string& name) {
  std::filesystem::path src = source_dir() / "examples" / name / "repo";
  ASSERT_EQ(sh("cp -r " + src.string() + " " + repo_.string()), 0);
  ASSERT_EQ(sh("cd " + repo_.string() + " && git init -q -b main && git add -A && " + kGitEnv +
               " git commit -q -m init"),
            0);
}

std::string RunFixture::write_script(const std::vector<Json>& turns, const std::string& name) {
  std::string text;
  for (const auto& t : turns) text += t.dump() + "\n";
  return write_text(name, text);
}

std::string RunFixture::write_text(const std::string& name, const std::string& text) {
  std::filesystem::path p = root_ / name;
  EXPECT_TRUE(write_file_atomic(p, text).ok());
  return p.string();
}

ProcessResult RunFixture::solve(const std::string& script, std::vector<std::string> extra,
                                const std::string& issue_text) {
  std::string issue = write_text("issue.md", issue_text);
  std::vector<std::string> argv = {agent_binary().string(), "solve", "--repo", repo_.string(),
                                   "--issue", issue, "--backend", "scripted", "--script", script,
                                   "--out", run_.string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_process(argv);
}

ProcessResult RunFixture::resume(std::vector<std::string> extra) {
  std::vector<std::string> argv = {agent_binary().string(), "resume", "--out", run_.string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_process(argv);
}

std::vector<Json> RunFixture::journal() const {
  std::vector<Json> out;
  auto text = read_file(run_ / "trajectory.jsonl");
  if (!text.ok()) return out;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    std::string line = text->substr(pos, nl - pos);
    pos = nl == std::string::npos ? text->size() : nl + 1;
    if (!line.empty()) out.push_back(Json::parse(line));
  }
  return out;
}

Json RunFixture::result() const {
  auto text = read_file(run_ / "result.json");
  return text.ok() ? Json::parse(*text) : Json();
}

std::string RunFixture::patch() const {
  auto text = read_file(run_ / "patch.diff");
  return text.ok() ? *text : "<missing>";
}

std::string RunFixture::repo_file(const std::string& rel) const {
  auto text = read_file(repo_ / rel);
  return text.ok() ? *text : "<missing>";
}

}  // namespace agent::testing
