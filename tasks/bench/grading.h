// Grading a task's test results as the official harness does (SWE-bench grading.py): each
// FAIL_TO_PASS and PASS_TO_PASS test is a success when it passed (PASSED or XFAIL) and a
// failure otherwise — a test missing from the log, skipped or errored included (stricter than
// the official grader, which leaves skipped tests out of both lists). Resolved = no failure in
// either list.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "tasks/bench/task.h"
#include "tasks/bench/test_log.h"

namespace agent::bench {

struct TestsReport {
  std::vector<std::string> f2p_success, f2p_failure, p2p_success, p2p_failure;
};

TestsReport grade_tests(const BenchTask& task, const TestStatusMap& statuses);
bool is_resolved(const TestsReport& r);

// {"FAIL_TO_PASS": {"success": [...], "failure": [...]}, "PASS_TO_PASS": {...},
//  "FAIL_TO_FAIL": {...}, "PASS_TO_FAIL": {...}} as in the official per-instance report.
Json to_json(const TestsReport& r);
Result<TestsReport> tests_report_from_json(const Json& j, std::string_view where);

}  // namespace agent::bench
