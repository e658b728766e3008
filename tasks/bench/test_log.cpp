#include "tasks/bench/test_log.h"

#include <cctype>
#include <vector>

namespace agent::bench {

namespace {

// How bad a status is, for "the worst report wins".
int severity(TestStatus s) {
  switch (s) {
    case TestStatus::kPassed: return 0;
    case TestStatus::kXfail: return 1;
    case TestStatus::kSkipped: return 2;
    case TestStatus::kFailed: return 3;
    case TestStatus::kError: return 4;
  }
  return 4;
}

void record(TestStatusMap& m, std::string id, TestStatus s) {
  if (id.empty()) return;
  auto [it, inserted] = m.emplace(std::move(id), s);
  if (!inserted && severity(s) > severity(it->second)) it->second = s;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// Lines without '\n' or '\r', with ANSI colour sequences removed (pytest --color=yes, cargo
// with CARGO_TERM_COLOR=always).
std::vector<std::string> log_lines(std::string_view log) {
  std::vector<std::string> lines;
  std::string cur;
  for (size_t i = 0; i < log.size(); ++i) {
    char c = log[i];
    if (c == '\n') {
      lines.push_back(std::move(cur));
      cur.clear();
    } else if (c == '\x1b' && i + 1 < log.size() && log[i + 1] == '[') {
      i += 2;
      while (i < log.size() && !(log[i] >= '@' && log[i] <= '~')) ++i;
    } else if (c != '\r') {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) lines.push_back(std::move(cur));
  return lines;
}

struct StatusWord {
  std::string_view word;
  TestStatus status;
};

constexpr StatusWord kPytestWords[] = {
    {"PASSED", TestStatus::kPassed},   {"XPASS", TestStatus::kPassed},
    {"FAILED", TestStatus::kFailed},   {"ERROR", TestStatus::kError},
    {"SKIPPED", TestStatus::kSkipped}, {"XFAIL", TestStatus::kXfail},
};

// The test id at the start of a pytest summary line's rest ("path::test[p] - message").
std::string pytest_summary_id(std::string_view rest) {
  size_t space = rest.find(' ');
  size_t bracket = rest.find('[');
  if (bracket != std::string_view::npos && (space == std::string_view::npos || bracket < space)) {
    // Parameters may hold spaces: the id ends at the "]" before " - message" or at the end.
    size_t sep = rest.find("] - ", bracket);
    if (sep != std::string_view::npos) return std::string(rest.substr(0, sep + 1));
    return std::string(trim(rest));
  }
  return std::string(rest.substr(0, space));
}

}  // namespace

std::string_view test_framework_name(TestFramework f) {
  switch (f) {
    case TestFramework::kPytest: return "pytest";
    case TestFramework::kGo: return "go";
    case TestFramework::kCargo: return "cargo";
    case TestFramework::kGtest: return "gtest";
    case TestFramework::kNode: return "node";
    case TestFramework::kPlain: return "plain";
  }
  return "plain";
}

Result<TestFramework> parse_test_framework(std::string_view name) {
  if (name == "pytest") return TestFramework::kPytest;
  if (name == "go") return TestFramework::kGo;
  if (name == "cargo") return TestFramework::kCargo;
  if (name == "gtest" || name == "ctest") return TestFramework::kGtest;
  if (name == "node" || name == "tap") return TestFramework::kNode;
  if (name == "plain") return TestFramework::kPlain;
  return invalid_argument("unknown test_framework \"" + std::string(name) +
                          "\" (expected pytest, go, cargo, gtest, node or plain)");
}

std::string_view test_status_name(TestStatus s) {
  switch (s) {
    case TestStatus::kPassed: return "PASSED";
    case TestStatus::kFailed: return "FAILED";
    case TestStatus::kSkipped: return "SKIPPED";
    case TestStatus::kError: return "ERROR";
    case TestStatus::kXfail: return "XFAIL";
  }
  return "ERROR";
}

TestStatusMap parse_pytest_log(std::string_view log) {
  TestStatusMap m;
  for (const std::string& line : log_lines(log)) {
    std::string_view l = line;
    for (const auto& w : kPytestWords) {
      // -rA summary: "PASSED tests/test_x.py::test_a". "SKIPPED [1] file:12: reason" names
      // no test and is left out.
      if (starts_with(l, w.word) && l.size() > w.word.size() && l[w.word.size()] == ' ') {
        std::string id = pytest_summary_id(l.substr(w.word.size() + 1));
        if (id.find("::") != std::string::npos) record(m, std::move(id), w.status);
        break;
      }
      // -v: "tests/test_x.py::test_a PASSED   [ 50%]".
      size_t pos = l.find(std::string(" ") + std::string(w.word));
      if (pos != std::string_view::npos && l.find("::") < pos) {
        std::string_view after = trim(l.substr(pos + 1 + w.word.size()));
        if (after.empty() || (after.front() == '[' && after.back() == ']')) {
          std::string_view id = l.substr(0, pos);
          if (id.find(' ') == std::string_view::npos || id.find('[') != std::string_view::npos) {
            record(m, std::string(id), w.status);
            break;
          }
        }
      }
    }
  }
  return m;
}

TestStatusMap parse_go_test_log(std::string_view log) {
  TestStatusMap m;
  for (const std::string& line : log_lines(log)) {
    std::string_view l = trim(line);
    if (!starts_with(l, "--- ")) continue;
    l.remove_prefix(4);
    TestStatus s;
    if (starts_with(l, "PASS: ")) {
      s = TestStatus::kPassed;
    } else if (starts_with(l, "FAIL: ")) {
      s = TestStatus::kFailed;
    } else if (starts_with(l, "SKIP: ")) {
      s = TestStatus::kSkipped;
    } else {
      continue;
    }
    l.remove_prefix(6);
    record(m, std::string(l.substr(0, l.find(' '))), s);
  }
  return m;
}

TestStatusMap parse_cargo_test_log(std::string_view log) {
  TestStatusMap m;
  for (const std::string& line : log_lines(log)) {
    std::string_view l = line;
    if (!starts_with(l, "test ")) continue;
    size_t sep = l.rfind(" ... ");
    if (sep == std::string_view::npos || sep < 5) continue;
    std::string_view name = l.substr(5, sep - 5);
    std::string_view result = trim(l.substr(sep + 5));
    constexpr std::string_view kShouldPanic = " - should panic";
    if (name.size() > kShouldPanic.size() && name.substr(name.size() - kShouldPanic.size()) == kShouldPanic) {
      name.remove_suffix(kShouldPanic.size());
    }
    TestStatus s;
    if (result == "ok") {
      s = TestStatus::kPassed;
    } else if (result == "FAILED") {
      s = TestStatus::kFailed;
    } else if (starts_with(result, "ignored")) {
      s = TestStatus::kSkipped;
    } else if (starts_with(result, "bench:")) {
      s = TestStatus::kPassed;
    } else {
      continue;
    }
    record(m, std::string(name), s);
  }
  return m;
}

namespace {

// GoogleTest: "[       OK ] Suite.Name (0 ms)", "[  FAILED  ] Suite.Name (1 ms)",
// "[  FAILED  ] Inst/Suite.Name/0, where GetParam() = 4", "[  SKIPPED ] Suite.Name (0 ms)".
bool parse_gtest_line(std::string_view l, TestStatusMap& m) {
  if (!starts_with(l, "[")) return false;
  size_t close = l.find(']');
  if (close == std::string_view::npos) return false;
  std::string_view tag = trim(l.substr(1, close - 1));
  TestStatus s;
  if (tag == "OK") {
    s = TestStatus::kPassed;
  } else if (tag == "FAILED") {
    s = TestStatus::kFailed;
  } else if (tag == "SKIPPED") {
    s = TestStatus::kSkipped;
  } else {
    return false;
  }
  std::string_view rest = trim(l.substr(close + 1));
  std::string_view id = rest.substr(0, rest.find(' '));
  if (!id.empty() && id.back() == ',') id.remove_suffix(1);
  // Summary lines ("[  FAILED  ] 1 test, listed below:") name no test.
  if (id.find('.') == std::string_view::npos) return false;
  record(m, std::string(id), s);
  return true;
}

// ctest: "4/5 Test #4: ini_inline_comment ...............***Failed    0.01 sec".
void parse_ctest_line(std::string_view l, TestStatusMap& m) {
  l = trim(l);
  size_t test = l.find(" Test ");
  if (test == std::string_view::npos || l.empty() || !std::isdigit(static_cast<unsigned char>(l[0]))) return;
  size_t colon = l.find(": ", test);
  size_t hash = l.find('#', test);
  if (colon == std::string_view::npos || hash == std::string_view::npos || hash > colon) return;
  std::string_view rest = l.substr(colon + 2);
  size_t dots = rest.find(" .");
  size_t stars = rest.find("***");
  size_t name_end = std::min(dots, stars);
  if (name_end == std::string_view::npos) return;
  std::string_view name = trim(rest.substr(0, name_end));
  std::string_view result = rest.substr(name_end);
  size_t r = result.find_first_not_of(" .*");
  if (r == std::string_view::npos) return;
  result = result.substr(r);
  TestStatus s;
  if (starts_with(result, "Passed")) {
    s = TestStatus::kPassed;
  } else if (starts_with(result, "Skipped") || starts_with(result, "Not Run") ||
             starts_with(result, "Disabled")) {
    s = TestStatus::kSkipped;
  } else if (starts_with(result, "Failed") || starts_with(result, "Timeout") ||
             starts_with(result, "Exception") || starts_with(result, "Exit code")) {
    s = TestStatus::kFailed;
  } else {
    return;
  }
  record(m, std::string(name), s);
}

}  // namespace

TestStatusMap parse_gtest_log(std::string_view log) {
  TestStatusMap m;
  for (const std::string& line : log_lines(log)) {
    if (!parse_gtest_line(line, m)) parse_ctest_line(line, m);
  }
  return m;
}

TestStatusMap parse_test_log(TestFramework f, std::string_view log) {
  switch (f) {
    case TestFramework::kPytest: return parse_pytest_log(log);
    case TestFramework::kGo: return parse_go_test_log(log);
    case TestFramework::kCargo: return parse_cargo_test_log(log);
    case TestFramework::kGtest: return parse_gtest_log(log);
    case TestFramework::kNode: return parse_tap_log(log);
    case TestFramework::kPlain: return {};
  }
  return {};
}

bool test_passed(const TestStatusMap& m, const std::string& id) {
  auto it = m.find(id);
  return it != m.end() && (it->second == TestStatus::kPassed || it->second == TestStatus::kXfail);
}

}  // namespace agent::bench
