#include "tasks/bench/grading.h"

namespace agent::bench {

TestsReport grade_tests(const BenchTask& task, const TestStatusMap& statuses) {
  TestsReport r;
  for (const auto& id : task.fail_to_pass) {
    (test_passed(statuses, id) ? r.f2p_success : r.f2p_failure).push_back(id);
  }
  for (const auto& id : task.pass_to_pass) {
    (test_passed(statuses, id) ? r.p2p_success : r.p2p_failure).push_back(id);
  }
  return r;
}

bool is_resolved(const TestsReport& r) { return r.f2p_failure.empty() && r.p2p_failure.empty(); }

Json to_json(const TestsReport& r) {
  Json empty{{"success", Json::array()}, {"failure", Json::array()}};
  return Json{{"FAIL_TO_PASS", {{"success", r.f2p_success}, {"failure", r.f2p_failure}}},
              {"PASS_TO_PASS", {{"success", r.p2p_success}, {"failure", r.p2p_failure}}},
              {"FAIL_TO_FAIL", empty},
              {"PASS_TO_FAIL", empty}};
}

namespace {

Status read_list(const Json& j, const char* group, const char* kind, std::vector<std::string>* out,
                 std::string_view where) {
  if (!j.contains(group) || !j[group].is_object() || !j[group].contains(kind) || !j[group][kind].is_array()) {
    return invalid_argument(std::string(where) + ": missing " + group + "." + kind);
  }
  for (const auto& v : j[group][kind]) {
    if (!v.is_string()) return invalid_argument(std::string(where) + ": " + group + "." + kind + " holds a non-string");
    out->push_back(v.get<std::string>());
  }
  return ok_status();
}

}  // namespace

Result<TestsReport> tests_report_from_json(const Json& j, std::string_view where) {
  TestsReport r;
  if (!j.is_object()) return invalid_argument(std::string(where) + " must be an object");
  AGENT_RETURN_IF_ERROR(read_list(j, "FAIL_TO_PASS", "success", &r.f2p_success, where));
  AGENT_RETURN_IF_ERROR(read_list(j, "FAIL_TO_PASS", "failure", &r.f2p_failure, where));
  AGENT_RETURN_IF_ERROR(read_list(j, "PASS_TO_PASS", "success", &r.p2p_success, where));
  AGENT_RETURN_IF_ERROR(read_list(j, "PASS_TO_PASS", "failure", &r.p2p_failure, where));
  return r;
}

}  // namespace agent::bench
