// Reading tasks files: official field names, list fields in both forms, and every kind of bad
// line reported with its number (skipped or fatal), never a crash.
#include "tasks/bench/task.h"

#include <gtest/gtest.h>

#include "common/fs.h"

namespace agent::bench {
namespace {

const char* kCommit = "9170e3c2ec2c08a0d0b642e4c2fb06bfd3840a39";

Json good_task(const std::string& id) {
  return Json{{"instance_id", id},
              {"repo", "owner/name"},
              {"base_commit", kCommit},
              {"problem_statement", "It breaks."},
              {"patch", ""},
              {"test_patch", "diff --git a/t b/t\n"},
              {"FAIL_TO_PASS", "[\"tests/test_x.py::test_a\"]"},
              {"PASS_TO_PASS", Json::array({"tests/test_x.py::test_b"})},
              {"repo_path", "repos/x.bundle"},
              {"test_cmd", "python3 -m pytest -rA"},
              {"test_framework", "pytest"}};
}

class TaskFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = TempDir::create("task-test-");
    ASSERT_TRUE(t.ok());
    tmp_ = std::move(*t);
    // good_task's repo_path: it must exist (its content is read only when a task runs).
    ASSERT_TRUE(write_file_atomic(tmp_.path() / "repos/x.bundle", "# v2 git bundle\n").ok());
  }
  fs::path write(const std::string& text) {
    fs::path p = tmp_.path() / "tasks.jsonl";
    EXPECT_TRUE(write_file_atomic(p, text).ok());
    return p;
  }
  TempDir tmp_;
};

TEST_F(TaskFileTest, ReadsOfficialFieldsInBothListForms) {
  fs::path p = write(good_task("a__b-1").dump() + "\n\n" + good_task("a__b-2").dump() + "\n");
  auto f = load_tasks(p, OnBadLine::kFail);
  ASSERT_TRUE(f.ok()) << f.status().to_string();
  ASSERT_EQ(f->tasks.size(), 2u);
  const BenchTask& t = f->tasks[0];
  EXPECT_EQ(t.instance_id, "a__b-1");
  EXPECT_EQ(t.fail_to_pass, std::vector<std::string>{"tests/test_x.py::test_a"}) << "JSON-encoded string list";
  EXPECT_EQ(t.pass_to_pass, std::vector<std::string>{"tests/test_x.py::test_b"}) << "JSON list";
  EXPECT_EQ(t.repo_path, (fs::canonical(tmp_.path()) / "repos/x.bundle").string()) << "relative to the tasks file";
  EXPECT_EQ(t.framework, TestFramework::kPytest);
  EXPECT_EQ(t.line, 1u);
  EXPECT_EQ(f->tasks[1].line, 3u);
  EXPECT_EQ(f->digest.size(), 16u);
}

struct BadCase {
  std::string name;
  std::function<void(Json&)> mutate;
  std::string expected;  // part of the message
};

TEST_F(TaskFileTest, EachBadLineIsNamedWithItsNumberAndField) {
  std::vector<BadCase> cases = {
      {"missing id", [](Json& j) { j.erase("instance_id"); }, "missing field instance_id"},
      {"id with slash", [](Json& j) { j["instance_id"] = "../x"; }, "cannot name a folder"},
      {"short commit", [](Json& j) { j["base_commit"] = "abc123"; }, "field base_commit"},
      {"list not list", [](Json& j) { j["FAIL_TO_PASS"] = 3; }, "field FAIL_TO_PASS must be a list"},
      {"string not json", [](Json& j) { j["FAIL_TO_PASS"] = "[oops"; }, "field FAIL_TO_PASS"},
      {"non-string id", [](Json& j) { j["PASS_TO_PASS"] = Json::array({"a", 1}); }, "PASS_TO_PASS[1]"},
      {"no tests", [](Json& j) { j["FAIL_TO_PASS"] = "[]"; j["PASS_TO_PASS"] = Json::array(); }, "nothing to grade"},
      {"no repo_path", [](Json& j) { j.erase("repo_path"); }, "missing field repo_path"},
      {"no test_cmd", [](Json& j) { j.erase("test_cmd"); }, "missing field test_cmd"},
      {"bad framework", [](Json& j) { j["test_framework"] = "junit"; }, "test_framework"},
      {"plain without {test}", [](Json& j) { j["test_framework"] = "plain"; }, "{test}"},
      {"statement type", [](Json& j) { j["problem_statement"] = Json::array(); }, "problem_statement must be a string"},
      {"repo_path missing", [](Json& j) { j["repo_path"] = "repos/nope.bundle"; }, "field repo_path: "},
  };
  for (const auto& c : cases) {
    Json bad = good_task("bad");
    c.mutate(bad);
    fs::path p = write(good_task("ok-1").dump() + "\n" + bad.dump() + "\n");
    auto fatal = load_tasks(p, OnBadLine::kFail);
    ASSERT_FALSE(fatal.ok()) << c.name;
    EXPECT_EQ(fatal.status().code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(fatal.status().message().find(p.string() + ":2: "), std::string::npos) << c.name << ": " << fatal.status().message();
    EXPECT_NE(fatal.status().message().find(c.expected), std::string::npos) << c.name << ": " << fatal.status().message();
    auto skipped = load_tasks(p, OnBadLine::kSkip);
    ASSERT_TRUE(skipped.ok()) << c.name;
    EXPECT_EQ(skipped->tasks.size(), 1u) << c.name;
    ASSERT_EQ(skipped->bad_lines.size(), 1u) << c.name;
    EXPECT_EQ(skipped->bad_lines[0].line, 2u) << c.name;
  }
}

TEST_F(TaskFileTest, NotJsonDuplicatesAndEmptyFiles) {
  fs::path p = write(good_task("x").dump() + "\n{\"instance_id\": \n[1,2]\n" + good_task("x").dump() + "\n");
  auto f = load_tasks(p, OnBadLine::kSkip);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->bad_lines.size(), 3u);
  EXPECT_EQ(f->bad_lines[0].line, 2u);
  EXPECT_NE(f->bad_lines[0].message.find("not valid JSON"), std::string::npos);
  EXPECT_NE(f->bad_lines[1].message.find("JSON object"), std::string::npos);
  EXPECT_NE(f->bad_lines[2].message.find("appears twice"), std::string::npos);

  auto none = load_tasks(write("\n  \nnot json\n"), OnBadLine::kSkip);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no valid task"), std::string::npos);
  auto missing = load_tasks(tmp_.path() / "nope.jsonl", OnBadLine::kFail);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope.jsonl"), std::string::npos);
}

TEST_F(TaskFileTest, MessagesNameTheLineOnceAndShowEveryByte) {
  fs::path p = write(good_task("ok").dump() + "\n{\"instance_id\": \n");
  auto f = load_tasks(p, OnBadLine::kFail);
  ASSERT_FALSE(f.ok());
  const std::string& m = f.status().message();
  EXPECT_NE(m.find(p.string() + ":2: not valid JSON (column "), std::string::npos) << m;
  EXPECT_EQ(m.find("line 2"), std::string::npos) << "the line is named once, as FILE:2: " << m;
  EXPECT_EQ(m.find("line 1"), std::string::npos) << "nlohmann's own line number (of a one-line text) is dropped: " << m;

  Json nul = good_task(std::string("a\0b", 3));
  auto n = load_tasks(write(good_task("ok").dump() + "\n" + nul.dump() + "\n"), OnBadLine::kSkip);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(n->bad_lines.size(), 1u);
  EXPECT_NE(n->bad_lines[0].message.find("\"a\\x00b\" cannot name a folder"), std::string::npos)
      << n->bad_lines[0].message;
  EXPECT_EQ(n->bad_lines[0].message.find('\0'), std::string::npos);
  EXPECT_EQ(quoted_for_message("x\"y\\\n"), "\"x\\\"y\\\\\\x0a\"");
}

TEST_F(TaskFileTest, RepoPathIsCheckedWhenTheFileIsRead) {
  Json abs = good_task("abs");
  abs["repo_path"] = (tmp_.path() / "nowhere").string();
  Json rel = good_task("rel");
  rel["repo_path"] = "../elsewhere/x.bundle";
  fs::path p = write(good_task("ok").dump() + "\n" + abs.dump() + "\n" + rel.dump() + "\n");
  auto fatal = load_tasks(p, OnBadLine::kFail);
  ASSERT_FALSE(fatal.ok());
  EXPECT_NE(fatal.status().message().find(p.string() + ":2: field repo_path: " + (tmp_.path() / "nowhere").string() +
                                          " does not exist"),
            std::string::npos)
      << fatal.status().message();
  auto skipped = load_tasks(p, OnBadLine::kSkip);
  ASSERT_TRUE(skipped.ok());
  ASSERT_EQ(skipped->bad_lines.size(), 2u);
  EXPECT_EQ(skipped->bad_lines[1].line, 3u);
  EXPECT_NE(skipped->bad_lines[1].message.find((fs::canonical(tmp_.path()).parent_path() / "elsewhere/x.bundle").string()),
            std::string::npos)
      << "relative to the tasks file: " << skipped->bad_lines[1].message;
  EXPECT_EQ(skipped->bad_lines[0].instance_id, "abs") << "kept, so that eval can skip its prediction";
  EXPECT_EQ(skipped->bad_lines[1].instance_id, "rel");
  // A folder (a repository) is as good as a file (a bundle).
  Json dir = good_task("dir");
  dir["repo_path"] = "repos";
  EXPECT_TRUE(load_tasks(write(dir.dump() + "\n"), OnBadLine::kFail).ok());
}

TEST(TaskIds, SafeForFolders) {
  EXPECT_TRUE(is_safe_instance_id("django__django-11099"));
  EXPECT_FALSE(is_safe_instance_id(""));
  EXPECT_FALSE(is_safe_instance_id(".hidden"));
  EXPECT_FALSE(is_safe_instance_id("a/b"));
  EXPECT_FALSE(is_safe_instance_id("a\nb"));
}

}  // namespace
}  // namespace agent::bench
