#include "tasks/bench/compare.h"

#include <cstdio>
#include <map>
#include <set>

#include "common/fs.h"
#include "tasks/bench/report.h"

namespace agent::bench {

Result<ResultSet> load_result_set(const fs::path& dir) {
  ResultSet s;
  s.dir = dir;
  AGENT_ASSIGN_OR_RETURN(s.manifest, read_manifest(dir));
  auto results = read_results(dir / "results.jsonl");
  if (!results.ok()) return results.status();
  s.results = latest_results(s.manifest.instance_ids(), results->results);
  return s;
}

namespace {

// Instances with a graded (or empty-patch) result for every run 1..runs.
std::set<std::string> finished(const ResultSet& s) {
  std::map<std::string, std::set<int>> runs;
  for (const auto& r : s.results) {
    if (!r.infra_failure() && r.run >= 1 && r.run <= s.manifest.runs) runs[r.instance_id].insert(r.run);
  }
  std::set<std::string> out;
  for (const auto& [id, k] : runs) {
    if (static_cast<int>(k.size()) == s.manifest.runs) out.insert(id);
  }
  return out;
}

// Fraction of runs resolved per instance (compared instances have a result for every run).
std::map<std::string, double> fractions(const ResultSet& s) {
  std::map<std::string, double> f;
  for (const auto& id : s.manifest.instance_ids()) f[id] = 0;
  for (const auto& r : s.results) {
    if (r.resolved()) f[r.instance_id] += 1.0 / s.manifest.runs;
  }
  return f;
}

void fill_side(const ResultSet& s, const std::vector<std::string>& tasks, CompareSide* side) {
  side->name = s.manifest.model.empty() ? s.dir.filename().string() : s.manifest.model;
  side->runs = s.manifest.runs;
  std::set<std::string> shared(tasks.begin(), tasks.end());
  auto f = fractions(s);
  for (const auto& id : tasks) side->per_task.push_back(f[id]);
  for (const auto& r : s.results) {
    if (!shared.count(r.instance_id)) continue;
    side->resolved_runs += r.resolved() ? 1 : 0;
    side->cost_usd += r.cost_usd;
    side->tokens += r.usage.prompt_tokens + r.usage.completion_tokens;
  }
  side->trials = static_cast<int64_t>(tasks.size()) * s.manifest.runs;
  double sum = 0;
  for (double x : side->per_task) sum += x;
  side->rate = tasks.empty() ? 0 : sum / static_cast<double>(tasks.size());
  side->ci = wilson_interval(side->resolved_runs, side->trials);
  if (side->resolved_runs > 0) side->cost_per_resolved = side->cost_usd / static_cast<double>(side->resolved_runs);
}

}  // namespace

CompareReport compare_results(const ResultSet& a, const ResultSet& b, double alpha) {
  CompareReport r;
  r.alpha = alpha;
  std::set<std::string> in_b;
  for (const auto& id : b.manifest.instance_ids()) in_b.insert(id);
  std::set<std::string> in_a, done_a = finished(a), done_b = finished(b);
  for (const auto& id : a.manifest.instance_ids()) {
    in_a.insert(id);
    if (!in_b.count(id)) {
      r.only_in_a.push_back(id);
    } else {
      (done_a.count(id) && done_b.count(id) ? r.tasks : r.left_out).push_back(id);
    }
  }
  for (const auto& id : b.manifest.instance_ids()) {
    if (!in_a.count(id)) r.only_in_b.push_back(id);
  }
  fill_side(a, r.tasks, &r.a);
  fill_side(b, r.tasks, &r.b);
  bool repeated = a.manifest.runs > 1 || b.manifest.runs > 1;
  r.test = repeated ? "exact sign test (per-task resolve fractions)" : "exact McNemar";
  for (size_t i = 0; i < r.tasks.size(); ++i) {
    double x = r.a.per_task[i], y = r.b.per_task[i];
    if (x > y) {
      ++r.a_better;
      r.lost.push_back({r.tasks[i], x, y});
    } else if (y > x) {
      ++r.b_better;
      r.gained.push_back({r.tasks[i], x, y});
    }
  }
  r.p_value = mcnemar_exact_p(r.a_better, r.b_better);
  r.diff = r.b.rate - r.a.rate;
  r.diff_ci = paired_bootstrap_diff(r.a.per_task, r.b.per_task);
  r.b_significantly_worse = r.diff < 0 && r.p_value < alpha;
  return r;
}

namespace {

std::string pct(double x) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * x);
  return buf;
}

std::string side_line(const char* tag, const CompareSide& s) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%s %-28s resolved %lld/%lld  %s (95%% CI %s-%s)  cost %s  per resolved %s  tokens %s\n",
                tag, s.name.c_str(), static_cast<long long>(s.resolved_runs), static_cast<long long>(s.trials),
                pct(s.rate).c_str(), pct(s.ci.low).c_str(), pct(s.ci.high).c_str(), human_usd(s.cost_usd).c_str(),
                s.cost_per_resolved < 0 ? "-" : human_usd(s.cost_per_resolved).c_str(),
                human_count(static_cast<double>(s.tokens)).c_str());
  return buf;
}

std::string flips(const char* title, const std::vector<Flip>& v, bool repeated) {
  std::string s = std::string(title) + " (" + std::to_string(v.size()) + "):";
  if (v.empty()) return s + " none\n";
  s += "\n";
  for (const auto& f : v) {
    s += "  " + f.instance_id;
    if (repeated) s += "  A " + pct(f.a) + " -> B " + pct(f.b);
    s += "\n";
  }
  return s;
}

}  // namespace

std::string format_compare(const CompareReport& r) {
  std::string s = "Tasks compared: " + std::to_string(r.tasks.size());
  if (r.a.runs > 1 || r.b.runs > 1) s += " (runs: A " + std::to_string(r.a.runs) + ", B " + std::to_string(r.b.runs) + ")";
  s += "\n" + side_line("A", r.a) + side_line("B", r.b);
  char buf[256];
  std::snprintf(buf, sizeof buf, "Difference B - A: %+.1f points (95%% paired bootstrap CI %+.1f to %+.1f)\n",
                100 * r.diff, 100 * r.diff_ci.low, 100 * r.diff_ci.high);
  s += buf;
  std::snprintf(buf, sizeof buf, "%s: %lld tasks better with A, %lld with B, p = %.4g\n", r.test.c_str(),
                static_cast<long long>(r.a_better), static_cast<long long>(r.b_better), r.p_value);
  s += buf;
  bool repeated = r.a.runs > 1 || r.b.runs > 1;
  s += flips("Resolved by A, not by B", r.lost, repeated);
  s += flips("Resolved by B, not by A", r.gained, repeated);
  if (!r.only_in_a.empty() || !r.only_in_b.empty()) {
    s += "Not compared: " + std::to_string(r.only_in_a.size()) + " tasks only in A, " +
         std::to_string(r.only_in_b.size()) + " only in B\n";
  }
  if (!r.left_out.empty()) {
    s += "Left out: " + std::to_string(r.left_out.size()) +
         " shared tasks without a result for every run on both sides (unfinished batch or infra_failure):";
    size_t shown = 0;
    for (const auto& id : r.left_out) {
      if (++shown > 20) {
        s += " ...";
        break;
      }
      s += " " + id;
    }
    s += "\n";
  }
  std::snprintf(buf, sizeof buf, "Verdict: %s (alpha %.3g)\n",
                r.b_significantly_worse ? "B is significantly worse than A"
                : (r.diff > 0 && r.p_value < r.alpha) ? "B is significantly better than A"
                                                      : "no significant difference",
                r.alpha);
  return s + buf;
}

Json to_json(const CompareReport& r) {
  auto side = [](const CompareSide& s) {
    return Json{{"name", s.name},           {"runs", s.runs},
                {"resolved_runs", s.resolved_runs}, {"trials", s.trials},
                {"resolve_rate", s.rate},   {"ci95", Json::array({s.ci.low, s.ci.high})},
                {"cost_usd", s.cost_usd},   {"cost_per_resolved_usd", s.cost_per_resolved < 0 ? Json() : Json(s.cost_per_resolved)},
                {"tokens", s.tokens}};
  };
  auto flip_list = [](const std::vector<Flip>& v) {
    Json a = Json::array();
    for (const auto& f : v) a.push_back(Json{{"instance_id", f.instance_id}, {"a", f.a}, {"b", f.b}});
    return a;
  };
  return Json{{"tasks", r.tasks.size()},
              {"a", side(r.a)},
              {"b", side(r.b)},
              {"test", r.test},
              {"a_better", r.a_better},
              {"b_better", r.b_better},
              {"p_value", r.p_value},
              {"diff", r.diff},
              {"diff_ci95", Json::array({r.diff_ci.low, r.diff_ci.high})},
              {"resolved_by_a_only", flip_list(r.lost)},
              {"resolved_by_b_only", flip_list(r.gained)},
              {"only_in_a", r.only_in_a},
              {"only_in_b", r.only_in_b},
              {"left_out", r.left_out},
              {"alpha", r.alpha},
              {"b_significantly_worse", r.b_significantly_worse}};
}

}  // namespace agent::bench
