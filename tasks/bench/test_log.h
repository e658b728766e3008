// Reading test logs: each supported test framework's output becomes a map from test id to
// status, the way SWE-bench's log parsers do it (a test the log does not mention is absent,
// and the grader counts an absent test as not passed).
//
// Frameworks (product.md `test_framework`):
//   pytest  "PASSED path::test" (-rA summary) or "path::test PASSED [ 50%]" (-v) lines
//   go      `go test -v`: "--- PASS: TestX (0.00s)", subtests as "TestX/sub", indented
//   cargo   "test path::name ... ok|FAILED|ignored"
//   gtest   GoogleTest's "[       OK ] Suite.Name" lines, and ctest's "1/3 Test #1: name ... Passed"
//   node    TAP as node's test runner and mocha print it: "ok 1 - name", nested suites joined
//           with " > " ("parse > decodes plus"), "# SKIP"/"# TODO" directives
//   plain   no log: one command per test id, its exit code decides (see evaluate.h)
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace agent::bench {

enum class TestFramework { kPytest, kGo, kCargo, kGtest, kNode, kPlain };

std::string_view test_framework_name(TestFramework f);
// Accepts the names above ("ctest" is read as gtest, "tap" as node).
Result<TestFramework> parse_test_framework(std::string_view name);

enum class TestStatus { kPassed, kFailed, kSkipped, kError, kXfail };
std::string_view test_status_name(TestStatus s);

// Test id -> status. When a log reports a test more than once (GoogleTest repeats failures in
// its summary, a go test binary may run twice), the worst report wins.
using TestStatusMap = std::map<std::string, TestStatus>;

TestStatusMap parse_pytest_log(std::string_view log);
TestStatusMap parse_go_test_log(std::string_view log);
TestStatusMap parse_cargo_test_log(std::string_view log);
TestStatusMap parse_gtest_log(std::string_view log);
TestStatusMap parse_tap_log(std::string_view log);

// Dispatches on the framework; kPlain has no log format and yields an empty map.
TestStatusMap parse_test_log(TestFramework f, std::string_view log);

// Official grading (SWE-bench grading.py): a test passes when its status is PASSED or XFAIL.
bool test_passed(const TestStatusMap& m, const std::string& id);

}  // namespace agent::bench
