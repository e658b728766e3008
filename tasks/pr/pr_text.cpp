#include "tasks/pr/pr_text.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "common/fs.h"
#include "common/json.h"

namespace agent::pr {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxSummary = 20000;  // GitHub caps bodies at 65536 characters
constexpr size_t kMaxTests = 12;

std::string cut(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  size_t end = n;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;  // whole UTF-8 characters
  return s.substr(0, end) + "\n\n… (cut)";
}

std::string with_commas(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string quote(const std::string& text) {
  std::string out = "> ";
  for (char c : text) {
    out += c;
    if (c == '\n') out += "> ";
  }
  return out;
}

std::string inline_code(const std::string& s) {
  std::string one = s.substr(0, std::min<size_t>(s.size(), 200));
  std::replace(one.begin(), one.end(), '\n', ' ');
  return one.find('`') == std::string::npos ? "`" + one + "`" : "``" + one + "``";
}

// Pairs each shell call that looks like a test run with its exit code (from tool_finished).
std::vector<TestRun> tests_from_journal(const fs::path& journal) {
  std::vector<TestRun> out;
  auto text = read_file(journal, 1ull << 30);
  if (!text.ok()) return out;
  std::map<std::string, size_t> pending;  // call_id -> index in out
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    if (nl == std::string::npos) nl = text->size();
    Json e = Json::parse(text->substr(pos, nl - pos), nullptr, false);
    pos = nl + 1;
    if (!e.is_object() || e.value("name", "") != "shell") continue;
    std::string type = e.value("type", ""), id = e.value("call_id", "");
    if (type == "tool_started") {
      Json args = Json::parse(e.value("arguments", ""), nullptr, false);
      std::string cmd = args.is_object() ? args.value("command", "") : "";
      if (!looks_like_test_command(cmd)) continue;
      pending[id] = out.size();
      out.push_back(TestRun{cmd, -1});
    } else if (type == "tool_finished" && pending.count(id)) {
      const Json& d = e.contains("details") ? e["details"] : Json();
      if (d.is_object() && d.contains("exit_code") && d["exit_code"].is_number_integer()) {
        out[pending[id]].exit_code = d["exit_code"].get<int>();
      }
    }
  }
  return out;
}

std::string run_table(const RunReport& r) {
  return "| | |\n|---|---|\n| model | " + r.model + " |\n| turns / tool calls | " + std::to_string(r.steps) + " / " +
         std::to_string(r.tool_calls) + " |\n| tokens | " + with_commas(r.prompt_tokens) + " prompt (" +
         with_commas(r.cached_tokens) + " cached), " + with_commas(r.completion_tokens) + " completion (" +
         with_commas(r.reasoning_tokens) + " reasoning) |\n| cost | $" + fixed(r.cost_usd, 4) + " |\n| wall time | " +
         fixed(r.wall_s, 1) + " s |\n| run | " + r.run_id + " |\n";
}

std::string marker() { return std::string("\n") + kBotMarker + "\n"; }

}  // namespace

bool looks_like_test_command(const std::string& command) {
  std::string c = command;
  std::transform(c.begin(), c.end(), c.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  static const char* kWords[] = {"test", "pytest", "ctest", "make check", "tox", "jest", "mocha", "vitest",
                                 "rspec", "phpunit", "unittest"};
  return std::any_of(std::begin(kWords), std::end(kWords), [&](const char* w) { return c.find(w) != std::string::npos; });
}

Result<RunReport> read_run_report(const fs::path& run_dir) {
  fs::path file = run_dir / "result.json";
  auto text = read_file(file, 64u << 20);
  if (!text.ok()) return data_loss(file.string() + ": " + text.status().message());
  Json j = Json::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains("status") || !j["status"].is_string()) {
    return data_loss(file.string() + ": not a result.json (no \"status\")");
  }
  RunReport r;
  r.status = j["status"].get<std::string>();
  r.stop_reason = j.value("stop_reason", "");
  r.final_message = j.value("final_message", "");
  r.run_id = j.value("run_id", "");
  r.model = j.value("model", "");
  r.steps = j.value("steps", int64_t{0});
  r.tool_calls = j.value("tool_calls", int64_t{0});
  r.cost_usd = j.value("cost_usd", 0.0);
  r.wall_s = j.value("wall_s", 0.0);
  if (j.contains("usage") && j["usage"].is_object()) {
    const Json& u = j["usage"];
    r.prompt_tokens = u.value("prompt_tokens", int64_t{0});
    r.cached_tokens = u.value("cached_tokens", int64_t{0});
    r.completion_tokens = u.value("completion_tokens", int64_t{0});
    r.reasoning_tokens = u.value("reasoning_tokens", int64_t{0});
  }
  if (j.contains("files_changed") && j["files_changed"].is_array()) {
    for (const auto& f : j["files_changed"]) {
      if (f.is_string()) r.files_changed.push_back(f.get<std::string>());
    }
  }
  r.tests = tests_from_journal(run_dir / "trajectory.jsonl");
  return r;
}

std::string pull_title(const IssueRequest& issue) {
  std::string t = issue.title;
  std::replace(t.begin(), t.end(), '\n', ' ');
  if (t.size() > 100) t = t.substr(0, 97) + "...";
  return "Fix #" + std::to_string(issue.number) + ": " + t;
}

std::string pull_body(const IssueRequest& issue, const RunReport& run) {
  std::string body = run.final_message.empty() ? "(The agent gave no summary.)" : cut(run.final_message, kMaxSummary);
  body += "\n\n### Tests the agent ran\n\n";
  if (run.tests.empty()) body += "None. Check the change yourself before merging.\n";
  for (size_t i = 0; i < run.tests.size() && i < kMaxTests; ++i) {
    const TestRun& t = run.tests[i];
    body += "- " + inline_code(t.command) + ": " +
            (t.exit_code == 0 ? std::string("passed")
                              : t.exit_code < 0 ? std::string("killed or timed out")
                                                : "failed (exit " + std::to_string(t.exit_code) + ")") + "\n";
  }
  if (run.tests.size() > kMaxTests) body += "- … and " + std::to_string(run.tests.size() - kMaxTests) + " more\n";
  body += "\n### Run\n\n" + run_table(run);
  body += "\nCloses #" + std::to_string(issue.number) + (issue.url.empty() ? "" : " (" + issue.url + ")") + ".\n";
  body += "\n*Written by an AI agent. Review it like any contribution.*\n";
  return body + marker();
}

std::string commit_message(const IssueRequest& issue, const RunReport& run) {
  std::string summary = cut(run.final_message, 4000);
  return pull_title(issue) + "\n\n" + (summary.empty() ? "" : summary + "\n\n") + "Agent-Run: " + run.run_id + "\n";
}

std::string comment_pull_done(const std::string& noun, int64_t number, const std::string& url, bool updated,
                              const std::string& commit) {
  std::string ref = (noun == "merge request" ? "!" : "#") + std::to_string(number);
  std::string text = updated ? "Updated " + noun + " " + ref + " with a new attempt (commit " + commit.substr(0, 12) + "): " + url
                             : "Opened " + noun + " " + ref + ": " + url;
  return text + "\n" + marker();
}

std::string comment_not_finished(const RunReport& run, const std::string& noun) {
  return "The agent did not finish this issue (" + run.status + (run.stop_reason.empty() ? "" : ": " + run.stop_reason) +
         "), so no " + noun + " was opened.\n\n" + run_table(run) + marker();
}

std::string comment_no_changes(const RunReport& run, const std::string& noun) {
  std::string answer = run.final_message.empty() ? "" : "\n\nIts answer:\n\n" + quote(cut(run.final_message, 4000));
  return "The agent finished without changing any file, so no " + noun + " was opened." + answer + "\n\n" +
         run_table(run) + marker();
}

std::string comment_branch_taken(const std::string& branch, const std::string& detail) {
  return "The branch `" + branch + "` has commits the bot did not make (" + detail +
         "), so it stopped rather than overwrite them. Merge or move that work elsewhere and delete the branch to "
         "let the bot try again.\n" + marker();
}

std::string comment_push_failed(const std::string& branch, const std::string& error, const std::string& noun) {
  return "The bot could not push `" + branch + "`, so no " + noun + " was opened or updated:\n\n" + quote(error) +
         "\n" + marker();
}

std::string comment_could_not_start(const std::string& why) {
  return "The bot could not start on this issue: its configuration was refused, and nothing was changed.\n\n" +
         quote(cut(why, 4000)) + "\n\nFix the configuration and ask again.\n" + marker();
}

}  // namespace agent::pr
