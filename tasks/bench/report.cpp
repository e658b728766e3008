#include "tasks/bench/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "common/fs.h"
#include "tasks/bench/stats.h"

namespace agent::bench {

std::string human_count(double n) {
  char buf[32];
  if (n >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.1fM", n / 1e6);
  } else if (n >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.1fk", n / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", n);
  }
  return buf;
}

std::string human_usd(double usd) {
  char buf[32];
  std::snprintf(buf, sizeof buf, usd != 0 && usd < 1 ? "$%.4f" : "$%.2f", usd);
  return buf;
}

std::string human_duration(double seconds) {
  long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

std::vector<TaskResult> latest_results(const std::vector<std::string>& instance_ids,
                                       const std::vector<TaskResult>& results) {
  std::map<std::pair<std::string, int>, const TaskResult*> latest;
  for (const auto& r : results) latest[{r.instance_id, r.run}] = &r;
  std::vector<TaskResult> out;
  for (const auto& id : instance_ids) {
    for (auto it = latest.lower_bound({id, 0}); it != latest.end() && it->first.first == id; ++it) {
      out.push_back(*it->second);
    }
  }
  return out;
}

RunAggregate aggregate_run(const std::vector<std::string>& instance_ids, const std::vector<TaskResult>& results,
                           int run) {
  RunAggregate a;
  a.run = run;
  std::map<std::string, const TaskResult*> by_id;
  for (const auto& r : results) {
    if (r.run == run) by_id[r.instance_id] = &r;
  }
  for (const auto& id : instance_ids) {
    a.total.push_back(id);
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      a.incomplete.push_back(id);
      continue;
    }
    const TaskResult& r = *it->second;
    a.usage += r.usage;
    a.cost_usd += r.cost_usd;
    a.steps += r.steps;
    a.wall_s += r.wall_s;
    a.agent_wall_s += r.agent_wall_s;
    a.eval_wall_s += r.eval_wall_s;
    if (r.infra_failure()) {  // no prediction was made: neither submitted nor graded
      a.infra_failure.push_back(id);
      continue;
    }
    a.submitted.push_back(id);
    if (r.outcome == "empty_patch") {
      a.empty_patch.push_back(id);
    } else if (r.outcome == "error") {
      a.error.push_back(id);
    } else {
      a.completed.push_back(id);
      (r.resolved() ? a.resolved : a.unresolved).push_back(id);
    }
    if (!r.agent_error.empty()) a.agent_error_ids.push_back(id);
    if (r.tests_timed_out) a.tests_timed_out_ids.push_back(id);
    if (r.has_agent) a.agent_status_counts[r.agent_status.empty() ? "not started" : r.agent_status]++;
  }
  for (auto* v : {&a.total, &a.submitted, &a.completed, &a.resolved, &a.unresolved, &a.empty_patch, &a.error,
                  &a.incomplete, &a.infra_failure, &a.agent_error_ids, &a.tests_timed_out_ids}) {
    std::sort(v->begin(), v->end());
  }
  return a;
}

Json official_report(const RunAggregate& a) {
  return Json{{"total_instances", a.total.size()},
              {"submitted_instances", a.submitted.size()},
              {"completed_instances", a.completed.size()},
              {"resolved_instances", a.resolved.size()},
              {"unresolved_instances", a.unresolved.size()},
              {"empty_patch_instances", a.empty_patch.size()},
              {"error_instances", a.error.size()},
              {"infra_failure_instances", a.infra_failure.size()},
              {"ambiguous_failure_instances", 0},
              {"completed_ids", a.completed},
              {"incomplete_ids", a.incomplete},
              {"empty_patch_ids", a.empty_patch},
              {"submitted_ids", a.submitted},
              {"resolved_ids", a.resolved},
              {"unresolved_ids", a.unresolved},
              {"error_ids", a.error},
              {"infra_failure_ids", a.infra_failure},
              {"schema_version", 2}};
}

namespace {

Json run_extras(const RunAggregate& a) {
  Interval ci = wilson_interval(static_cast<int64_t>(a.resolved.size()), static_cast<int64_t>(a.total.size()));
  double rate = a.total.empty() ? 0 : static_cast<double>(a.resolved.size()) / static_cast<double>(a.total.size());
  Json j{{"run", a.run},
         {"resolve_rate", rate},
         {"resolve_rate_ci95", Json::array({ci.low, ci.high})},
         {"usage", to_json(a.usage)},
         {"cost_usd", a.cost_usd},
         {"cost_per_resolved_usd", a.resolved.empty() ? Json() : Json(a.cost_usd / static_cast<double>(a.resolved.size()))},
         {"steps", a.steps},
         {"agent_error_ids", a.agent_error_ids},
         {"tests_timed_out_ids", a.tests_timed_out_ids},
         {"agent_status_counts", a.agent_status_counts}};
  return j;
}

}  // namespace

Json make_report_json(const BatchManifest& m, const std::vector<TaskResult>& results) {
  std::vector<std::string> ids = m.instance_ids();
  RunAggregate first = aggregate_run(ids, results, 1);
  Json report = official_report(first);
  report["model_name_or_path"] = m.model;
  report["kind"] = m.kind;
  report["runs"] = m.runs;
  Json per_run = Json::array();
  double rate_sum = 0;
  for (int k = 1; k <= m.runs; ++k) {
    RunAggregate a = aggregate_run(ids, results, k);
    Json j = run_extras(a);
    Json official = official_report(a);
    for (auto& [key, value] : official.items()) {
      if (key.size() > 10 && key.substr(key.size() - 10) == "_instances") j[key] = value;
    }
    j["resolved_ids"] = a.resolved;
    rate_sum += j["resolve_rate"].get<double>();
    per_run.push_back(std::move(j));
  }
  Json extras = run_extras(first);
  for (auto& [key, value] : extras.items()) {
    if (key != "run") report[key] = value;
  }
  report["mean_resolve_rate"] = m.runs > 0 ? rate_sum / m.runs : 0.0;
  report["per_run"] = per_run;
  return report;
}

namespace {

std::string pct(double x) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * x);
  return buf;
}

std::string md_cell(std::string s) {
  for (auto& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  if (out.size() > 160) out = out.substr(0, 157) + "...";
  return out;
}

std::string tests_cell(const std::optional<TestsReport>& t, bool f2p) {
  if (!t) return "-";
  size_t ok = f2p ? t->f2p_success.size() : t->p2p_success.size();
  size_t all = ok + (f2p ? t->f2p_failure.size() : t->p2p_failure.size());
  return std::to_string(ok) + "/" + std::to_string(all);
}

}  // namespace

std::string make_report_md(const BatchManifest& m, const std::vector<TaskResult>& results) {
  std::vector<std::string> ids = m.instance_ids();
  std::string md = "# Benchmark report: " + m.model + "\n\n";
  md += "Tasks: `" + m.tasks_file + "`";
  if (m.shard_count > 0) md += ", shard " + std::to_string(m.shard_index) + "/" + std::to_string(m.shard_count);
  md += "; " + std::to_string(ids.size()) + " tasks, " + std::to_string(m.runs) + " run(s), `bench " + m.kind + "`.\n\n";
  md += "| run | resolved | rate (95% CI) | unresolved | empty patch | error | infra failure | incomplete | tokens (cached) | cost | cost/resolved | time |\n";
  md += "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (int k = 1; k <= m.runs; ++k) {
    RunAggregate a = aggregate_run(ids, results, k);
    Interval ci = wilson_interval(static_cast<int64_t>(a.resolved.size()), static_cast<int64_t>(a.total.size()));
    double rate = a.total.empty() ? 0 : static_cast<double>(a.resolved.size()) / static_cast<double>(a.total.size());
    md += "| " + std::to_string(k) + " | " + std::to_string(a.resolved.size()) + "/" + std::to_string(a.total.size()) +
          " | " + pct(rate) + " (" + pct(ci.low) + "-" + pct(ci.high) + ") | " + std::to_string(a.unresolved.size()) +
          " | " + std::to_string(a.empty_patch.size()) + " | " + std::to_string(a.error.size()) + " | " +
          std::to_string(a.infra_failure.size()) + " | " + std::to_string(a.incomplete.size()) + " | " +
          human_count(static_cast<double>(a.usage.prompt_tokens + a.usage.completion_tokens)) + " (" +
          human_count(static_cast<double>(a.usage.cached_tokens)) + ") | " + human_usd(a.cost_usd) + " | " +
          (a.resolved.empty() ? std::string("-") : human_usd(a.cost_usd / static_cast<double>(a.resolved.size()))) +
          " | " + human_duration(a.wall_s) + " |\n";
  }
  RunAggregate first = aggregate_run(ids, results, 1);
  if (!first.agent_status_counts.empty()) {
    md += "\n## Where the agent stopped (run 1)\n\n| status | tasks |\n|---|---|\n";
    for (const auto& [status, n] : first.agent_status_counts) md += "| " + status + " | " + std::to_string(n) + " |\n";
  }
  md += "\n## Tasks\n\n| instance | run | outcome | FAIL_TO_PASS | PASS_TO_PASS | steps | tokens | cost | time | stop reason / error |\n";
  md += "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : latest_results(ids, results)) {
    std::string why = !r.error.empty() ? r.error : !r.agent_error.empty() ? r.agent_error : r.stop_reason;
    md += "| " + md_cell(r.instance_id) + " | " + std::to_string(r.run) + " | " + r.outcome + " | " +
          tests_cell(r.tests_after, true) + " | " + tests_cell(r.tests_after, false) + " | " + std::to_string(r.steps) +
          " | " + human_count(static_cast<double>(r.usage.prompt_tokens + r.usage.completion_tokens)) + " | " +
          human_usd(r.cost_usd) + " | " + human_duration(r.wall_s) + " | " + md_cell(why) + " |\n";
  }
  return md;
}

Status write_outputs(const fs::path& dir, const BatchManifest& m, const std::vector<TaskResult>& results) {
  std::vector<TaskResult> latest = latest_results(m.instance_ids(), results);
  for (int k = 1; k <= m.runs; ++k) {
    std::string preds;
    for (const auto& r : latest) {
      if (r.run != k || r.infra_failure()) continue;
      Json p{{"instance_id", r.instance_id}, {"model_name_or_path", r.model}, {"model_patch", r.model_patch}};
      preds += dump_json(p) + "\n";
    }
    std::string name = k == 1 ? "preds.jsonl" : "preds.run-" + std::to_string(k) + ".jsonl";
    AGENT_RETURN_IF_ERROR(write_file_atomic(dir / name, preds));
  }
  AGENT_RETURN_IF_ERROR(write_file_atomic(dir / "report.json", make_report_json(m, latest).dump(2) + "\n"));
  AGENT_RETURN_IF_ERROR(write_file_atomic(dir / "report.md", make_report_md(m, latest)));
  return write_file_atomic(dir / "report.html", make_report_html(m, latest));
}

}  // namespace agent::bench
