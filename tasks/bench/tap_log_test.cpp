// TAP logs as node's test runner (v18 and v20) and mocha's TAP reporter print them.
#include <gtest/gtest.h>

#include "tasks/bench/test_log.h"

namespace agent::bench {
namespace {

// node 20 --test --test-reporter=tap with describe/it suites (captured from the qs example).
TEST(TapLog, Node20NestedSuites) {
  const char* log = R"(TAP version 13
# Subtest: parse
    # Subtest: reads pairs
    ok 1 - reads pairs
      ---
      duration_ms: 0.994873
      ...
    # Subtest: decodes plus as a space
    not ok 2 - decodes plus as a space
      ---
      duration_ms: 5.784493
      failureType: 'testCodeFailure'
      error: |-
        Expected values to be strictly deep-equal:
        ok 3 - this line is inside the YAML block and is not a result
      ...
    1..2
not ok 1 - parse
  ---
  duration_ms: 8.032073
  type: 'suite'
  ...
# Subtest: stringify
    # Subtest: round-trips
    ok 1 - round-trips
      ---
      duration_ms: 0.171977
      ...
    1..1
ok 2 - stringify
  ---
  duration_ms: 0.249833
  type: 'suite'
  ...
# Subtest: top level test
ok 3 - top level test
  ---
  duration_ms: 0.1
  ...
1..3
# tests 4
# pass 3
# fail 1
)";
  TestStatusMap m = parse_tap_log(log);
  EXPECT_EQ(m["parse > reads pairs"], TestStatus::kPassed);
  EXPECT_EQ(m["parse > decodes plus as a space"], TestStatus::kFailed);
  EXPECT_EQ(m["stringify > round-trips"], TestStatus::kPassed);
  EXPECT_EQ(m["top level test"], TestStatus::kPassed);
  EXPECT_EQ(m["parse"], TestStatus::kFailed) << "a suite is reported too";
  EXPECT_EQ(m.count("this line is inside the YAML block and is not a result"), 0u);
  EXPECT_EQ(m.size(), 6u);
}

// node 18 wraps each file in a subtest named by its absolute path; ids must not depend on it.
TEST(TapLog, Node18FileWrappersAreLeftOut) {
  const char* log = R"(TAP version 13
# Subtest: /tmp/bench/tasks/qs/run-1/eval/test/qs.test.js
    # Subtest: parse
        # Subtest: reads pairs
        ok 1 - reads pairs
          ---
          duration_ms: 0.5
          ...
        1..1
    ok 1 - parse
      ---
      duration_ms: 1.2
      ...
    # Subtest: exact multiples of a unit
    not ok 2 - exact multiples of a unit
      ---
      duration_ms: 0.7
      ...
    1..2
not ok 1 - /tmp/bench/tasks/qs/run-1/eval/test/qs.test.js
  ---
  duration_ms: 80.1
  ...
1..1
)";
  TestStatusMap m = parse_tap_log(log);
  EXPECT_EQ(m["parse > reads pairs"], TestStatus::kPassed);
  EXPECT_EQ(m["parse"], TestStatus::kPassed);
  EXPECT_EQ(m["exact multiples of a unit"], TestStatus::kFailed);
  EXPECT_EQ(m.size(), 3u) << "the file-level wrapper is not a test id";
}

TEST(TapLog, DirectivesAndMochaStyle) {
  const char* log = "1..5\n"
                    "ok 1 Array #indexOf() returns -1 when missing\n"
                    "ok 2 - needs network # SKIP offline\n"
                    "not ok 3 - known bug # TODO fix later\n"
                    "not ok 4 - escaped \\# hash\n"
                    "ok 5 - pending # skip\n";
  TestStatusMap m = parse_tap_log(log);
  EXPECT_EQ(m["Array #indexOf() returns -1 when missing"], TestStatus::kPassed);
  EXPECT_EQ(m["needs network"], TestStatus::kSkipped);
  EXPECT_EQ(m["known bug"], TestStatus::kXfail);
  EXPECT_EQ(m["escaped # hash"], TestStatus::kFailed);
  EXPECT_EQ(m["pending"], TestStatus::kSkipped);
}

TEST(TapLog, EmptyAndGarbage) {
  EXPECT_TRUE(parse_tap_log("").empty());
  EXPECT_TRUE(parse_tap_log("Error: Cannot find module '../qs.js'\n    at Module._resolveFilename\n").empty());
}

}  // namespace
}  // namespace agent::bench
