#include "tasks/bench/results.h"

#include <unistd.h>

#include "common/fs.h"

namespace agent::bench {

Json to_json(const TaskResult& r) {
  Json j{{"instance_id", r.instance_id},
         {"run", r.run},
         {"model_name_or_path", r.model},
         {"outcome", r.outcome},
         {"resolved", r.resolved()},
         {"patch_applied", r.patch_applied},
         {"apply_method", r.apply_method},
         {"tests_before", r.tests_before ? to_json(*r.tests_before) : Json()},
         {"tests_after", r.tests_after ? to_json(*r.tests_after) : Json()},
         {"tests_timed_out", r.tests_timed_out},
         {"error", r.error},
         {"eval_wall_s", r.eval_wall_s},
         {"wall_s", r.wall_s}};
  if (r.has_agent) {
    j["agent_status"] = r.agent_status;
    j["stop_reason"] = r.stop_reason;
    j["agent_error"] = r.agent_error;
    j["steps"] = r.steps;
    j["tool_calls"] = r.tool_calls;
    j["usage"] = to_json(r.usage);
    j["cost_usd"] = r.cost_usd;
    j["agent_wall_s"] = r.agent_wall_s;
  }
  j["model_patch"] = r.model_patch;
  return j;
}

namespace {

Result<double> get_number_or(const Json& j, const char* key, double fallback, std::string_view where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_number()) return invalid_argument(std::string(where) + ": field " + key + " must be a number");
  return it->get<double>();
}

Result<std::optional<TestsReport>> optional_report(const Json& j, const char* key, std::string_view where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::optional<TestsReport>();
  auto r = tests_report_from_json(*it, std::string(where) + " " + key);
  if (!r.ok()) return r.status();
  return std::optional<TestsReport>(std::move(*r));
}

}  // namespace

Result<TaskResult> task_result_from_json(const Json& j, std::string_view where) {
  if (!j.is_object()) return invalid_argument(std::string(where) + ": not a JSON object");
  TaskResult r;
  AGENT_ASSIGN_OR_RETURN(r.instance_id, get_string(j, "instance_id", where));
  AGENT_ASSIGN_OR_RETURN(int64_t run, get_int_or(j, "run", 1, where));
  if (run < 1) return invalid_argument(std::string(where) + ": field run must be at least 1");
  r.run = static_cast<int>(run);
  AGENT_ASSIGN_OR_RETURN(r.model, get_string_or(j, "model_name_or_path", "", where));
  AGENT_ASSIGN_OR_RETURN(r.outcome, get_string(j, "outcome", where));
  if (r.outcome != "resolved" && r.outcome != "unresolved" && r.outcome != "empty_patch" && r.outcome != "error" &&
      r.outcome != TaskResult::kInfraFailure) {
    return invalid_argument(std::string(where) + ": unknown outcome \"" + r.outcome + "\"");
  }
  AGENT_ASSIGN_OR_RETURN(r.model_patch, get_string_or(j, "model_patch", "", where));
  AGENT_ASSIGN_OR_RETURN(r.patch_applied, get_bool_or(j, "patch_applied", false, where));
  AGENT_ASSIGN_OR_RETURN(r.apply_method, get_string_or(j, "apply_method", "", where));
  AGENT_ASSIGN_OR_RETURN(r.tests_before, optional_report(j, "tests_before", where));
  AGENT_ASSIGN_OR_RETURN(r.tests_after, optional_report(j, "tests_after", where));
  AGENT_ASSIGN_OR_RETURN(r.tests_timed_out, get_bool_or(j, "tests_timed_out", false, where));
  AGENT_ASSIGN_OR_RETURN(r.error, get_string_or(j, "error", "", where));
  AGENT_ASSIGN_OR_RETURN(r.eval_wall_s, get_number_or(j, "eval_wall_s", 0, where));
  AGENT_ASSIGN_OR_RETURN(r.wall_s, get_number_or(j, "wall_s", 0, where));
  r.has_agent = j.contains("agent_status");
  if (!r.has_agent) return r;
  AGENT_ASSIGN_OR_RETURN(r.agent_status, get_string_or(j, "agent_status", "", where));
  AGENT_ASSIGN_OR_RETURN(r.stop_reason, get_string_or(j, "stop_reason", "", where));
  AGENT_ASSIGN_OR_RETURN(r.agent_error, get_string_or(j, "agent_error", "", where));
  AGENT_ASSIGN_OR_RETURN(r.steps, get_int_or(j, "steps", 0, where));
  AGENT_ASSIGN_OR_RETURN(r.tool_calls, get_int_or(j, "tool_calls", 0, where));
  if (j.contains("usage") && !j["usage"].is_null()) {
    AGENT_ASSIGN_OR_RETURN(r.usage, usage_from_json(j["usage"], std::string(where) + " usage"));
  }
  AGENT_ASSIGN_OR_RETURN(r.cost_usd, get_number_or(j, "cost_usd", 0, where));
  AGENT_ASSIGN_OR_RETURN(r.agent_wall_s, get_number_or(j, "agent_wall_s", 0, where));
  return r;
}

Result<ResultsFile> read_results(const fs::path& path) {
  ResultsFile out;
  std::error_code ec;
  if (!fs::exists(path, ec)) return out;
  AGENT_ASSIGN_OR_RETURN(std::string text, read_file(path));
  size_t start = 0, line_no = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    bool last = end == std::string::npos;
    if (last) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_no;
    if (line.empty()) continue;
    std::string where = path.string() + ":" + std::to_string(line_no);
    auto j = parse_json(line, where);
    Result<TaskResult> r = j.ok() ? task_result_from_json(*j, where) : Result<TaskResult>(j.status());
    if (r.ok() && !last) {
      out.results.push_back(std::move(*r));
    } else if (last) {
      // A line without its newline is a write cut short, even when it parses.
      out.truncated_tail = true;
    } else {
      return data_loss(r.status().message());
    }
  }
  return out;
}

Status repair_results_tail(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return ok_status();
  AGENT_ASSIGN_OR_RETURN(std::string text, read_file(path));
  if (text.empty() || text.back() == '\n') return ok_status();
  size_t keep = text.rfind('\n');
  keep = keep == std::string::npos ? 0 : keep + 1;
  if (::truncate(path.c_str(), static_cast<off_t>(keep)) != 0) return errno_status(errno, "truncate " + path.string());
  return ok_status();
}

}  // namespace agent::bench
