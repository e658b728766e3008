#include "tasks/bench/task.h"

#include <cctype>
#include <cstdio>
#include <set>

#include "common/fs.h"

namespace agent::bench {

namespace {

Result<std::string> required_string(const Json& j, std::string_view key) {
  auto it = j.find(std::string(key));
  if (it == j.end() || it->is_null()) return invalid_argument("missing field " + std::string(key));
  if (!it->is_string()) {
    return invalid_argument("field " + std::string(key) + " must be a string, not " +
                            std::string(json_type_name(*it)));
  }
  return it->get<std::string>();
}

Result<std::string> optional_string(const Json& j, std::string_view key) {
  auto it = j.find(std::string(key));
  if (it == j.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    return invalid_argument("field " + std::string(key) + " must be a string, not " +
                            std::string(json_type_name(*it)));
  }
  return it->get<std::string>();
}

// What nlohmann says about a line that is not JSON, without its own line number (the caller
// names the file's line) and exception name: "column 17: syntax error ...".
std::string json_error_detail(const std::string& message) {
  std::string m = message;
  size_t at = m.find("parse error at line 1, ");
  if (at != std::string::npos) {
    m = m.substr(at + 23);
  } else if (size_t open = m.find("invalid JSON ("); open != std::string::npos) {
    m = m.substr(open + 14);
  }
  if (!m.empty() && m.back() == ')') m.pop_back();
  return m;
}

bool is_hex_commit(std::string_view s) {
  if (s.size() != 40) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string content_digest(std::string_view data) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

bool is_safe_instance_id(std::string_view id) {
  if (id.empty() || id.size() > 200 || id == "." || id == "..") return false;
  for (char c : id) {
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return id.front() != '.';
}

std::string quoted_for_message(std::string_view s) {
  std::string out = "\"";
  size_t n = 0;
  for (char c : s) {
    if (++n > 200) {
      out += "...";
      break;
    }
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

Result<std::vector<std::string>> read_test_list(const Json& obj, std::string_view key, bool required) {
  std::string k(key);
  auto it = obj.find(k);
  if (it == obj.end() || it->is_null()) {
    if (required) return invalid_argument("missing field " + k);
    return std::vector<std::string>{};
  }
  Json list = *it;
  if (list.is_string()) {
    auto parsed = parse_json(list.get<std::string>(), "field " + k);
    if (!parsed.ok()) return invalid_argument(parsed.status().message() + " (a string must hold a JSON list)");
    list = std::move(*parsed);
  }
  if (!list.is_array()) {
    return invalid_argument("field " + k + " must be a list of test ids (or a string holding one), not " +
                            std::string(json_type_name(list)));
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string() || list[i].get<std::string>().empty()) {
      return invalid_argument("field " + k + "[" + std::to_string(i) + "] must be a non-empty string");
    }
    out.push_back(list[i].get<std::string>());
  }
  return out;
}

Result<BenchTask> parse_task(const Json& j, const fs::path& base_dir) {
  if (!j.is_object()) return invalid_argument("a task must be a JSON object, not " + std::string(json_type_name(j)));
  BenchTask t;
  AGENT_ASSIGN_OR_RETURN(t.instance_id, required_string(j, "instance_id"));
  if (!is_safe_instance_id(t.instance_id)) {
    return invalid_argument("field instance_id " + quoted_for_message(t.instance_id) +
                            " cannot name a folder (no '/', no leading '.', no control characters)");
  }
  AGENT_ASSIGN_OR_RETURN(t.repo, optional_string(j, "repo"));
  AGENT_ASSIGN_OR_RETURN(t.base_commit, required_string(j, "base_commit"));
  if (!is_hex_commit(t.base_commit)) {
    return invalid_argument("field base_commit must be a full commit id (40 lower-case hex digits), got \"" +
                            t.base_commit + "\"");
  }
  AGENT_ASSIGN_OR_RETURN(t.problem_statement, required_string(j, "problem_statement"));
  AGENT_ASSIGN_OR_RETURN(t.patch, optional_string(j, "patch"));
  AGENT_ASSIGN_OR_RETURN(t.test_patch, optional_string(j, "test_patch"));
  AGENT_ASSIGN_OR_RETURN(t.fail_to_pass, read_test_list(j, "FAIL_TO_PASS", true));
  AGENT_ASSIGN_OR_RETURN(t.pass_to_pass, read_test_list(j, "PASS_TO_PASS", false));
  if (t.fail_to_pass.empty() && t.pass_to_pass.empty()) {
    return invalid_argument("fields FAIL_TO_PASS and PASS_TO_PASS are both empty: nothing to grade");
  }
  std::string repo_path;
  AGENT_ASSIGN_OR_RETURN(repo_path, required_string(j, "repo_path"));
  if (repo_path.empty()) return invalid_argument("field repo_path is empty");
  fs::path rp(repo_path);
  t.repo_path = (rp.is_absolute() ? rp : base_dir / rp).lexically_normal().string();
  AGENT_ASSIGN_OR_RETURN(t.setup_cmd, optional_string(j, "setup_cmd"));
  AGENT_ASSIGN_OR_RETURN(t.test_cmd, required_string(j, "test_cmd"));
  if (t.test_cmd.find_first_not_of(" \t") == std::string::npos) return invalid_argument("field test_cmd is empty");
  std::string framework;
  AGENT_ASSIGN_OR_RETURN(framework, required_string(j, "test_framework"));
  auto f = parse_test_framework(framework);
  if (!f.ok()) return invalid_argument("field test_framework: " + f.status().message());
  t.framework = *f;
  if (t.framework == TestFramework::kPlain && t.test_cmd.find("{test}") == std::string::npos) {
    return invalid_argument("field test_cmd must contain {test} when test_framework is plain "
                            "(it runs once per test id)");
  }
  return t;
}

Result<TaskFile> load_tasks(const fs::path& file, OnBadLine mode) {
  auto text = read_file(file, 4ull << 30);
  if (!text.ok()) return invalid_argument("--tasks " + file.string() + ": " + text.status().message());
  TaskFile out;
  std::error_code ec;
  out.path = fs::weakly_canonical(file, ec);
  if (ec) out.path = fs::absolute(file);
  out.digest = content_digest(*text);
  fs::path base = out.path.parent_path();
  std::set<std::string> seen;
  size_t line_no = 0, start = 0;
  const std::string& s = *text;
  while (start < s.size()) {
    size_t end = s.find('\n', start);
    if (end == std::string::npos) end = s.size();
    std::string_view line(s.data() + start, end - start);
    start = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    Status bad;
    std::string bad_id;
    auto j = parse_json(line, "");
    if (!j.ok()) {
      bad = invalid_argument("not valid JSON (" + json_error_detail(j.status().message()) + ")");
    } else {
      auto t = parse_task(*j, base);
      if (j->is_object() && j->contains("instance_id") && (*j)["instance_id"].is_string()) {
        bad_id = (*j)["instance_id"].get<std::string>();
      }
      if (!t.ok()) {
        bad = t.status();
      } else if (!seen.insert(t->instance_id).second) {
        bad = invalid_argument("instance_id " + quoted_for_message(t->instance_id) + " appears twice");
      } else if (!fs::is_directory(t->repo_path, ec) && !fs::is_regular_file(t->repo_path, ec)) {
        seen.erase(t->instance_id);
        bad = invalid_argument("field repo_path: " + t->repo_path + " does not exist (a relative repo_path is taken "
                               "from the tasks file's folder, " + base.string() + ")");
      } else {
        t->line = line_no;
        out.tasks.push_back(std::move(*t));
        continue;
      }
    }
    if (mode == OnBadLine::kFail) {
      return invalid_argument(file.string() + ":" + std::to_string(line_no) + ": " + bad.message() +
                              " (use --on-bad-line skip to skip bad lines)");
    }
    out.bad_lines.push_back({line_no, bad.message(), bad_id});
  }
  if (out.tasks.empty()) return invalid_argument("--tasks " + file.string() + ": no valid task in the file");
  return out;
}

}  // namespace agent::bench
