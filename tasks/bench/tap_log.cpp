// TAP logs (node's test runner, mocha's TAP reporter). Nested tests are indented under a
// "# Subtest: name" line; the id of a nested test is its ancestors' names and its own, joined
// with " > ". Node 18 wraps each test file in a subtest named by the file's path: such
// ancestors are left out so ids do not depend on where the checkout is.
#include <cctype>
#include <string>
#include <vector>

#include "tasks/bench/test_log.h"

namespace agent::bench {

namespace {

struct Open {
  size_t indent;
  std::string name;
};

bool looks_like_file(std::string_view name) {
  for (std::string_view ext : {".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"}) {
    if (name.size() > ext.size() && name.substr(name.size() - ext.size()) == ext &&
        name.find('/') != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '#' || s[i + 1] == '\\')) ++i;
    out.push_back(s[i]);
  }
  return out;
}

bool iequals_prefix(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != word[i]) return false;
  }
  return s.size() == word.size() || !std::isalpha(static_cast<unsigned char>(s[word.size()]));
}

// Finds an unescaped " # SKIP" / " # TODO" directive; returns its position or npos.
size_t find_directive(std::string_view desc, std::string_view* word) {
  for (size_t pos = desc.find(" #"); pos != std::string_view::npos; pos = desc.find(" #", pos + 1)) {
    std::string_view after = desc.substr(pos + 2);
    while (!after.empty() && after.front() == ' ') after.remove_prefix(1);
    for (std::string_view w : {"SKIP", "TODO"}) {
      if (iequals_prefix(after, w)) {
        *word = w;
        return pos;
      }
    }
  }
  return std::string_view::npos;
}

struct TapResult {
  bool ok = false;
  std::string desc;
  std::string_view directive;  // "SKIP", "TODO" or empty
};

// "ok 3 - name # SKIP why", "not ok 1 name", "ok 2".
bool parse_result_line(std::string_view l, TapResult* r) {
  if (l.substr(0, 7) == "not ok ") {
    r->ok = false;
    l.remove_prefix(7);
  } else if (l.substr(0, 3) == "ok ") {
    r->ok = true;
    l.remove_prefix(3);
  } else {
    return false;
  }
  size_t digits = 0;
  while (digits < l.size() && std::isdigit(static_cast<unsigned char>(l[digits]))) ++digits;
  if (digits == 0) return false;
  l.remove_prefix(digits);
  while (!l.empty() && l.front() == ' ') l.remove_prefix(1);
  if (l.substr(0, 2) == "- ") l.remove_prefix(2);
  std::string_view word;
  size_t d = find_directive(l, &word);
  r->directive = d == std::string_view::npos ? std::string_view() : word;
  std::string_view desc = l.substr(0, d);
  while (!desc.empty() && desc.back() == ' ') desc.remove_suffix(1);
  r->desc = unescape(desc);
  return true;
}

TestStatus status_of(const TapResult& r) {
  if (r.directive == "SKIP") return TestStatus::kSkipped;
  if (r.directive == "TODO") return r.ok ? TestStatus::kPassed : TestStatus::kXfail;
  return r.ok ? TestStatus::kPassed : TestStatus::kFailed;
}

}  // namespace

TestStatusMap parse_tap_log(std::string_view log) {
  TestStatusMap m;
  std::vector<Open> open;  // "# Subtest:" lines not yet closed by their result line
  size_t yaml_indent = std::string::npos;  // inside a "---" ... "..." block at this indent
  size_t start = 0;
  while (start <= log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string_view::npos) end = log.size();
    std::string_view line = log.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos) continue;
    std::string_view l = line.substr(indent);
    if (yaml_indent != std::string::npos) {
      if (indent == yaml_indent && l == "...") yaml_indent = std::string::npos;
      continue;
    }
    if (l == "---") {
      yaml_indent = indent;
      continue;
    }
    if (l.substr(0, 11) == "# Subtest: ") {
      while (!open.empty() && open.back().indent >= indent) open.pop_back();
      open.push_back({indent, std::string(l.substr(11))});
      continue;
    }
    TapResult r;
    if (!parse_result_line(l, &r)) continue;
    while (!open.empty() && open.back().indent > indent) open.pop_back();
    std::string id;
    for (const Open& o : open) {
      if (o.indent >= indent || looks_like_file(o.name)) continue;
      id += o.name + " > ";
    }
    id += r.desc;
    if (!r.desc.empty() && !looks_like_file(r.desc)) {
      auto [it, inserted] = m.emplace(id, status_of(r));
      if (!inserted && !r.ok) it->second = status_of(r);
    }
    while (!open.empty() && open.back().indent >= indent) open.pop_back();
    if (end == log.size()) break;
  }
  return m;
}

}  // namespace agent::bench
