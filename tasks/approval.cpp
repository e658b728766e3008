#include "tasks/approval.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "common/logging.h"

namespace agent::cli {

namespace {

std::string describe_call(const ToolCall& call, const Json& args) {
  if (call.name == "shell" && args.contains("command")) {
    return "run `" + args["command"].get<std::string>() + "`";
  }
  if (args.contains("path") && args["path"].is_string()) {
    return call.name + " " + args["path"].get<std::string>();
  }
  if (call.name == "apply_patch") return "apply a patch";
  return "call " + call.name;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + ("`" + x + "`");
  return s;
}

}  // namespace

std::optional<char> TerminalPrompter::ask(const std::string& question) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return std::nullopt;
  for (int attempt = 0; attempt < 3; ++attempt) {
    ssize_t w = ::write(fd, question.data(), question.size());
    (void)w;
    std::string line;
    char c;
    while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
    line.erase(std::remove_if(line.begin(), line.end(), [](unsigned char ch) { return std::isspace(ch); }), line.end());
    if (line.empty()) continue;
    char a = static_cast<char>(std::tolower(static_cast<unsigned char>(line[0])));
    if (a == 'y' || a == 'n' || a == 'a') {
      ::close(fd);
      return a;
    }
  }
  ::close(fd);
  return 'n';
}

ApprovalMode approval_mode(bool yes) {
  if (yes) return ApprovalMode::kYes;
  if (::isatty(STDIN_FILENO) && ::isatty(STDERR_FILENO)) return ApprovalMode::kPrompt;
  return ApprovalMode::kHeadless;
}

ApprovalDecision Approver::approve_decision(const policy::Decision& d, const std::string& what) {
  using policy::Verdict;
  if (d.verdict == Verdict::kAllow) return {true, ""};
  if (d.verdict == Verdict::kDeny) return {false, "denied by policy: " + d.reason};
  if (!d.ask_keys.empty() &&
      std::all_of(d.ask_keys.begin(), d.ask_keys.end(), [&](const std::string& k) { return always_.count(k) > 0; })) {
    return {true, ""};
  }
  if (mode_ == ApprovalMode::kYes) {
    get_logger("policy")->info("approved by --yes: {} ({})", what, d.reason);
    return {true, ""};
  }
  std::optional<char> answer;
  if (mode_ == ApprovalMode::kPrompt && prompter_ != nullptr) {
    std::string q = "\nagent: the model wants to " + what + "\n  policy: " + d.reason + "\n  allow? [y]es / [n]o";
    if (!d.ask_keys.empty()) q += " / [a]lways for " + join(d.ask_keys);
    answer = prompter_->ask(q + ": ");
  }
  if (!answer) {
    return {false, "this needs the user's approval (" + d.reason +
                       ") and nobody can answer in this run (no terminal; the user can rerun with "
                       "--yes or change the policy): it was not run. Find another way to proceed."};
  }
  if (*answer == 'a') always_.insert(d.ask_keys.begin(), d.ask_keys.end());
  if (*answer == 'y' || *answer == 'a') return {true, ""};
  return {false, "the user declined (" + d.reason + "); do not retry it, find another way."};
}

ApprovalDecision Approver::approve(const ToolCall& call, const Json& args) {
  policy::ToolRequest req{call.name, args, workspace_};
  return approve_decision(policy::decide(req, cfg_), describe_call(call, args));
}

}  // namespace agent::cli
