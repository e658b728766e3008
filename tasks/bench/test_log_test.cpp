// Log parsers on logs shaped like the real tools print them (captured from pytest 7, go 1.19,
// cargo 1.63+, GoogleTest 1.12 and ctest 3.25 runs, trimmed).
#include "tasks/bench/test_log.h"

#include <gtest/gtest.h>

namespace agent::bench {
namespace {

TEST(PytestLog, ReadsTheShortSummaryOfRA) {
  const char* log = R"(============================= test session starts ==============================
platform linux -- Python 3.11.2, pytest-7.2.1, pluggy-1.0.0+repack
rootdir: /tmp/semver
collected 6 items

tests/test_semver.py ....FF                                              [100%]

=================================== FAILURES ===================================
____________________ test_prerelease_is_lower_than_release _____________________

    def test_prerelease_is_lower_than_release():
>       assert compare("1.0.0-alpha", "1.0.0") == -1
E       AssertionError: assert 1 == -1
==================================== PASSES ====================================
=========================== short test summary info ============================
PASSED tests/test_semver.py::test_parse_and_print
PASSED tests/test_semver.py::test_rejects_leading_zeros
SKIPPED [1] tests/test_semver.py:40: needs network
XFAIL tests/test_semver.py::test_known_bug - reason: issue 12
FAILED tests/test_semver.py::test_prerelease_is_lower_than_release - AssertionError: assert 1 == -1
FAILED tests/test_semver.py::test_param[a - b] - assert [1] == [2]
ERROR tests/test_semver.py::test_fixture_broken - NameError: x
========================= 2 failed, 4 passed in 0.06s ==========================
)";
  TestStatusMap m = parse_pytest_log(log);
  EXPECT_EQ(m.size(), 6u);
  EXPECT_EQ(m["tests/test_semver.py::test_parse_and_print"], TestStatus::kPassed);
  EXPECT_EQ(m["tests/test_semver.py::test_known_bug"], TestStatus::kXfail);
  EXPECT_EQ(m["tests/test_semver.py::test_prerelease_is_lower_than_release"], TestStatus::kFailed);
  EXPECT_EQ(m["tests/test_semver.py::test_param[a - b]"], TestStatus::kFailed);
  EXPECT_EQ(m["tests/test_semver.py::test_fixture_broken"], TestStatus::kError);
  EXPECT_TRUE(test_passed(m, "tests/test_semver.py::test_known_bug")) << "XFAIL counts as passed";
  EXPECT_FALSE(test_passed(m, "tests/test_semver.py::test_missing"));
}

TEST(PytestLog, ReadsVerboseLines) {
  const char* log = "tests/test_a.py::test_one PASSED                                         [ 33%]\n"
                    "tests/test_a.py::test_two FAILED                                         [ 66%]\n"
                    "tests/test_a.py::TestK::test_three[x-1] SKIPPED (no db)                  [100%]\n"
                    "\x1b[32mtests/test_a.py::test_four PASSED\x1b[0m\n";
  TestStatusMap m = parse_pytest_log(log);
  EXPECT_EQ(m["tests/test_a.py::test_one"], TestStatus::kPassed);
  EXPECT_EQ(m["tests/test_a.py::test_two"], TestStatus::kFailed);
  EXPECT_EQ(m["tests/test_a.py::test_four"], TestStatus::kPassed) << "colour codes are removed";
}

TEST(GoTestLog, ReadsTestsAndSubtests) {
  const char* log = R"(=== RUN   TestToRoman
=== RUN   TestToRoman/one
=== RUN   TestToRoman/four
    roman_test.go:20: ToRoman(4) = "IIII", <nil>; want "IV"
--- FAIL: TestToRoman (0.00s)
    --- PASS: TestToRoman/one (0.00s)
    --- FAIL: TestToRoman/four (0.00s)
=== RUN   TestFromRoman
--- PASS: TestFromRoman (0.00s)
=== RUN   TestNeedsDocker
    db_test.go:9: skipping: no docker
--- SKIP: TestNeedsDocker (0.00s)
FAIL
FAIL	example.org/roman	0.005s
FAIL
)";
  TestStatusMap m = parse_go_test_log(log);
  EXPECT_EQ(m.size(), 5u);
  EXPECT_EQ(m["TestToRoman"], TestStatus::kFailed);
  EXPECT_EQ(m["TestToRoman/one"], TestStatus::kPassed);
  EXPECT_EQ(m["TestToRoman/four"], TestStatus::kFailed);
  EXPECT_EQ(m["TestFromRoman"], TestStatus::kPassed);
  EXPECT_EQ(m["TestNeedsDocker"], TestStatus::kSkipped);
}

TEST(GoTestLog, ABuildFailureReportsNoTest) {
  const char* log = "# example.org/roman [example.org/roman.test]\n./roman.go:12:2: undefined: x\n"
                    "FAIL\texample.org/roman [build failed]\nFAIL\n";
  EXPECT_TRUE(parse_go_test_log(log).empty());
}

TEST(CargoTestLog, ReadsUnitIntegrationAndDocTests) {
  const char* log = R"(   Compiling rle v0.1.0 (/tmp/rle)
    Finished test [unoptimized + debuginfo] target(s) in 0.61s
     Running unittests src/lib.rs (target/debug/deps/rle-96cb71ec4c28a17a)

running 2 tests
test tests::encode_runs ... ok
test tests::panics_on_bad_input - should panic ... ok

test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

     Running tests/rle.rs (target/debug/deps/rle-192ac6efa36fd161)

running 3 tests
test decode_counts_with_several_digits ... FAILED
test slow_roundtrip ... ignored, takes a minute
test decode_runs ... ok

failures:

---- decode_counts_with_several_digits stdout ----
thread 'decode_counts_with_several_digits' panicked at 'called `Result::unwrap()` on an `Err` value: MissingCount(1)', tests/rle.rs:20:31

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.11s

   Doc-tests rle

running 1 test
test src/lib.rs - encode (line 12) ... ok
)";
  TestStatusMap m = parse_cargo_test_log(log);
  EXPECT_EQ(m.size(), 6u);
  EXPECT_EQ(m["tests::encode_runs"], TestStatus::kPassed);
  EXPECT_EQ(m["tests::panics_on_bad_input"], TestStatus::kPassed) << "the should-panic suffix is not part of the id";
  EXPECT_EQ(m["decode_counts_with_several_digits"], TestStatus::kFailed);
  EXPECT_EQ(m["slow_roundtrip"], TestStatus::kSkipped);
  EXPECT_EQ(m["decode_runs"], TestStatus::kPassed);
  EXPECT_EQ(m["src/lib.rs - encode (line 12)"], TestStatus::kPassed);
}

TEST(GtestLog, ReadsGoogleTestOutput) {
  const char* log = R"(Running main() from ./googletest/src/gtest_main.cc
[==========] Running 4 tests from 2 test suites.
[----------] 3 tests from LruCache
[ RUN      ] LruCache.EvictsTheOldestEntryWhenFull
[       OK ] LruCache.EvictsTheOldestEntryWhenFull (0 ms)
[ RUN      ] LruCache.GetRefreshesRecency
tests/lru_cache_test.cpp:41: Failure
Value of: cache.contains("a")
  Actual: false
Expected: true
[  FAILED  ] LruCache.GetRefreshesRecency (0 ms)
[ RUN      ] LruCache.Skipped
[  SKIPPED ] LruCache.Skipped (0 ms)
[ RUN      ] Sizes/Grid.Fits/0
[  FAILED  ] Sizes/Grid.Fits/0, where GetParam() = 4 (0 ms)
[==========] 4 tests from 2 test suites ran. (0 ms total)
[  PASSED  ] 1 test.
[  FAILED  ] 2 tests, listed below:
[  FAILED  ] LruCache.GetRefreshesRecency
[  FAILED  ] Sizes/Grid.Fits/0, where GetParam() = 4

 2 FAILED TESTS
)";
  TestStatusMap m = parse_gtest_log(log);
  EXPECT_EQ(m.size(), 4u);
  EXPECT_EQ(m["LruCache.EvictsTheOldestEntryWhenFull"], TestStatus::kPassed);
  EXPECT_EQ(m["LruCache.GetRefreshesRecency"], TestStatus::kFailed);
  EXPECT_EQ(m["LruCache.Skipped"], TestStatus::kSkipped);
  EXPECT_EQ(m["Sizes/Grid.Fits/0"], TestStatus::kFailed);
}

TEST(GtestLog, ReadsCtestOutput) {
  const char* log = R"(Internal ctest changing into directory: /tmp/ini/build
Test project /tmp/ini/build
    Start 1: ini_basic
1/6 Test #1: ini_basic ........................   Passed    0.01 sec
    Start 2: ini_inline_comment
2/6 Test #2: ini_inline_comment ...............***Failed    0.01 sec
3/6 Test #3: slow_one .........................***Timeout   1.50 sec
4/6 Test #4: crashes ..........................***Exception: SegFault  0.01 sec
5/6 Test #5: needs_gpu ........................***Skipped   0.00 sec
6/6 Test #6: a_test_with_a_very_long_name_that_fills_the_line ...   Passed    0.00 sec

67% tests passed, 2 tests failed out of 6
)";
  TestStatusMap m = parse_gtest_log(log);
  EXPECT_EQ(m.size(), 6u);
  EXPECT_EQ(m["ini_basic"], TestStatus::kPassed);
  EXPECT_EQ(m["ini_inline_comment"], TestStatus::kFailed);
  EXPECT_EQ(m["slow_one"], TestStatus::kFailed);
  EXPECT_EQ(m["crashes"], TestStatus::kFailed);
  EXPECT_EQ(m["needs_gpu"], TestStatus::kSkipped);
  EXPECT_EQ(m["a_test_with_a_very_long_name_that_fills_the_line"], TestStatus::kPassed);
}

TEST(TestFramework, NamesRoundTripAndAliases) {
  for (auto f : {TestFramework::kPytest, TestFramework::kGo, TestFramework::kCargo, TestFramework::kGtest,
                 TestFramework::kNode, TestFramework::kPlain}) {
    EXPECT_EQ(*parse_test_framework(test_framework_name(f)), f);
  }
  EXPECT_EQ(*parse_test_framework("ctest"), TestFramework::kGtest);
  auto bad = parse_test_framework("junit");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("junit"), std::string::npos);
}

TEST(TestLog, WorstReportOfATestWins) {
  TestStatusMap m = parse_go_test_log("--- PASS: TestX (0.00s)\n--- FAIL: TestX (0.00s)\n--- PASS: TestX (0.00s)\n");
  EXPECT_EQ(m["TestX"], TestStatus::kFailed);
}

}  // namespace
}  // namespace agent::bench
