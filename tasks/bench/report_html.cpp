// report.html: one self-contained page (inline CSS, inline SVG, a few lines of inline script
// that only record whether the plots were laid out) with the batch's summary and plots:
// outcomes per run, cost, time and tokens per task, and where the agent stopped.
#include <cstdio>

#include "tasks/bench/report.h"
#include "tasks/bench/stats.h"
#include "tasks/bench/svg_plot.h"

namespace agent::bench {

namespace {

constexpr const char* kResolved = "#2e9e44";
constexpr const char* kUnresolved = "#e8912d";
constexpr const char* kEmpty = "#9aa0a6";
constexpr const char* kError = "#d93025";
constexpr const char* kIncomplete = "#dadce0";
constexpr const char* kInfra = "#a142f4";

const char* outcome_color(const std::string& outcome) {
  if (outcome == "resolved") return kResolved;
  if (outcome == "unresolved") return kUnresolved;
  if (outcome == "empty_patch") return kEmpty;
  if (outcome == TaskResult::kInfraFailure) return kInfra;
  return kError;
}

std::string fmt_int(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

std::string fmt_seconds(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 10 ? "%.1f s" : "%.0f s", v);
  return buf;
}

std::string row_label(const TaskResult& r, int runs) {
  return runs > 1 ? r.instance_id + " #" + std::to_string(r.run) : r.instance_id;
}

std::string section(const std::string& title, const std::string& svg, const std::string& empty_note) {
  std::string s = "<section><h2>" + html_escape(title) + "</h2>";
  s += svg.empty() ? "<p class=\"note\">" + html_escape(empty_note) + "</p>" : svg;
  return s + "</section>\n";
}

std::string outcomes_plot(const BatchManifest& m, const std::vector<TaskResult>& results) {
  BarChart c{"plot-outcomes", "Outcomes per run", {}, {}, fmt_int};
  c.legend = {{"resolved", kResolved}, {"unresolved", kUnresolved}, {"empty patch", kEmpty},
              {"error", kError}, {"infra failure", kInfra}, {"incomplete", kIncomplete}};
  for (int k = 1; k <= m.runs; ++k) {
    RunAggregate a = aggregate_run(m.instance_ids(), results, k);
    c.rows.push_back({"run " + std::to_string(k),
                      {{static_cast<double>(a.resolved.size()), kResolved, "resolved"},
                       {static_cast<double>(a.unresolved.size()), kUnresolved, "unresolved"},
                       {static_cast<double>(a.empty_patch.size()), kEmpty, "empty patch"},
                       {static_cast<double>(a.error.size()), kError, "error"},
                       {static_cast<double>(a.infra_failure.size()), kInfra, "infra failure"},
                       {static_cast<double>(a.incomplete.size()), kIncomplete, "incomplete"}}});
  }
  return render_bar_chart(c);
}

std::string per_task_plots(const BatchManifest& m, const std::vector<TaskResult>& results) {
  BarChart cost{"plot-cost", "Cost per task", {}, {}, human_usd};
  cost.legend = {{"resolved", kResolved}, {"unresolved", kUnresolved}, {"empty patch", kEmpty}, {"error", kError}};
  BarChart time{"plot-time", "Wall time per task", {}, {{"agent", "#4285f4"}, {"grading", "#9334e6"}}, fmt_seconds};
  BarChart tokens{"plot-tokens", "Tokens per task", {}, {}, human_count};
  tokens.legend = {{"prompt (uncached)", "#1a73e8"}, {"prompt (cached)", "#8ab4f8"}, {"completion", "#f9ab00"}};
  for (const auto& r : results) {
    std::string label = row_label(r, m.runs);
    cost.rows.push_back({label, {{r.cost_usd, outcome_color(r.outcome), r.outcome}}});
    time.rows.push_back({label, {{r.agent_wall_s, "#4285f4", "agent"}, {r.eval_wall_s, "#9334e6", "grading"}}});
    double uncached = static_cast<double>(r.usage.prompt_tokens - r.usage.cached_tokens);
    tokens.rows.push_back({label,
                           {{uncached, "#1a73e8", "prompt (uncached)"},
                            {static_cast<double>(r.usage.cached_tokens), "#8ab4f8", "prompt (cached)"},
                            {static_cast<double>(r.usage.completion_tokens), "#f9ab00", "completion"}}});
  }
  std::string s = section("Cost per task", render_bar_chart(cost), "No cost was recorded (no price known for this backend).");
  s += section("Wall time per task", render_bar_chart(time), "No timing recorded.");
  s += section("Tokens per task", render_bar_chart(tokens), "No tokens were used (no agent runs in this batch).");
  return s;
}

std::string stops_plot(const BatchManifest& m, const std::vector<TaskResult>& results) {
  BarChart c{"plot-stops", "Where the agent stopped", {}, {}, fmt_int};
  for (int k = 1; k <= m.runs; ++k) {
    RunAggregate a = aggregate_run(m.instance_ids(), results, k);
    for (const auto& [status, n] : a.agent_status_counts) {
      const char* color = status == "finished" ? kResolved : status == "failed" || status == "not started" ? kError : kUnresolved;
      c.rows.push_back({m.runs > 1 ? status + " (run " + std::to_string(k) + ")" : status,
                        {{static_cast<double>(n), color, "tasks"}}});
    }
  }
  return render_bar_chart(c);
}

std::string summary_table(const BatchManifest& m, const std::vector<TaskResult>& results) {
  std::string t = "<table><tr><th>run</th><th>resolved</th><th>rate (95% CI)</th><th>unresolved</th>"
                  "<th>empty patch</th><th>error</th><th>infra failure</th><th>incomplete</th><th>tokens</th><th>cost</th>"
                  "<th>cost / resolved</th><th>time</th></tr>";
  for (int k = 1; k <= m.runs; ++k) {
    RunAggregate a = aggregate_run(m.instance_ids(), results, k);
    double n = static_cast<double>(a.total.size());
    Interval ci = wilson_interval(static_cast<int64_t>(a.resolved.size()), static_cast<int64_t>(a.total.size()));
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.1f%% (%.1f-%.1f%%)", n > 0 ? 100 * static_cast<double>(a.resolved.size()) / n : 0.0,
                  100 * ci.low, 100 * ci.high);
    t += "<tr><td>" + std::to_string(k) + "</td><td>" + std::to_string(a.resolved.size()) + "/" +
         std::to_string(a.total.size()) + "</td><td>" + rate + "</td><td>" + std::to_string(a.unresolved.size()) +
         "</td><td>" + std::to_string(a.empty_patch.size()) + "</td><td>" + std::to_string(a.error.size()) +
         "</td><td>" + std::to_string(a.infra_failure.size()) + "</td><td>" + std::to_string(a.incomplete.size()) +
         "</td><td>" +
         human_count(static_cast<double>(a.usage.prompt_tokens + a.usage.completion_tokens)) + "</td><td>" +
         human_usd(a.cost_usd) + "</td><td>" +
         (a.resolved.empty() ? std::string("-") : human_usd(a.cost_usd / static_cast<double>(a.resolved.size()))) +
         "</td><td>" + human_duration(a.wall_s) + "</td></tr>";
  }
  return t + "</table>\n";
}

std::string task_table(const std::vector<TaskResult>& results, int runs) {
  std::string t = "<table><tr><th>instance</th><th>outcome</th><th>steps</th><th>tokens</th><th>cost</th>"
                  "<th>time</th><th>stop reason / error</th></tr>";
  for (const auto& r : results) {
    std::string why = !r.error.empty() ? r.error : !r.agent_error.empty() ? r.agent_error : r.stop_reason;
    if (why.size() > 300) why = why.substr(0, 297) + "...";
    t += "<tr><td>" + html_escape(row_label(r, runs)) + "</td><td class=\"" + r.outcome + "\">" + r.outcome +
         "</td><td>" + std::to_string(r.steps) + "</td><td>" +
         human_count(static_cast<double>(r.usage.prompt_tokens + r.usage.completion_tokens)) + "</td><td>" +
         human_usd(r.cost_usd) + "</td><td>" + fmt_seconds(r.wall_s) + "</td><td>" + html_escape(why) + "</td></tr>";
  }
  return t + "</table>\n";
}

constexpr const char* kStyle = R"(<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#202124;max-width:1000px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #dadce0;padding:3px 8px;text-align:left}
th{background:#f1f3f4}.note{color:#5f6368}
svg .label{font-size:11px;text-anchor:end}svg .total,svg .legend{font-size:11px}
svg .tick{font-size:10px;text-anchor:middle;fill:#5f6368}svg .grid{stroke:#e8eaed}
td.resolved{color:#2e9e44}td.unresolved{color:#b06000}td.error{color:#d93025}
</style>)";

// Records, once the page is laid out, how many bars of each plot have a size on screen: a
// browser test reads these attributes to know the plots rendered.
constexpr const char* kLayoutCheck = R"(<script>
window.addEventListener('load', function () {
  var plots = document.querySelectorAll('svg.plot'), total = 0;
  plots.forEach(function (svg) {
    var n = 0;
    svg.querySelectorAll('rect.bar').forEach(function (bar) {
      var box = bar.getBoundingClientRect();
      if (box.width > 0 && box.height > 0) n++;
    });
    svg.setAttribute('data-rendered-bars', String(n));
    total += n;
  });
  document.body.setAttribute('data-plots', String(plots.length));
  document.body.setAttribute('data-rendered-bars', String(total));
});
</script>)";

}  // namespace

std::string make_report_html(const BatchManifest& m, const std::vector<TaskResult>& results) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Benchmark report: " +
                  html_escape(m.model) + "</title>" + kStyle + "</head>\n<body>\n";
  h += "<h1>Benchmark report: " + html_escape(m.model) + "</h1>\n";
  h += "<p>Tasks <code>" + html_escape(m.tasks_file) + "</code>";
  if (m.shard_count > 0) h += ", shard " + std::to_string(m.shard_index) + "/" + std::to_string(m.shard_count);
  h += "; " + std::to_string(m.instances.size()) + " tasks, " + std::to_string(m.runs) + " run(s), <code>bench " +
       html_escape(m.kind) + "</code>.</p>\n";
  h += summary_table(m, results);
  h += section("Resolve rate", outcomes_plot(m, results), "No tasks.");
  h += per_task_plots(m, results);
  h += section("Where the agent stopped", stops_plot(m, results), "No agent runs in this batch (graded predictions).");
  h += "<section><h2>Tasks</h2>" + task_table(results, m.runs) + "</section>\n";
  h += kLayoutCheck;
  return h + "</body></html>\n";
}

}  // namespace agent::bench
