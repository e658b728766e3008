// Approvals: turns a policy Decision on a tool call into "run it" or "tell the model no".
// allow runs; deny never runs; ask prompts on the terminal (yes / no / always for this
// command for the rest of the run), is approved by --yes, and is refused in headless runs
// (no terminal) with a message that tells the model why.
// Thread-safety: one call at a time (the planner's thread).
#pragma once

#include <optional>
#include <set>
#include <string>

#include "agent/planner.h"
#include "policies/policy.h"

namespace agent::cli {

// Asks the user one question; 'y', 'n' or 'a' (always), or nullopt when nobody can answer.
class Prompter {
 public:
  virtual ~Prompter() = default;
  virtual std::optional<char> ask(const std::string& question) = 0;
};

// Reads the answer from /dev/tty (the live view and --json output are left alone).
class TerminalPrompter : public Prompter {
 public:
  std::optional<char> ask(const std::string& question) override;
};

enum class ApprovalMode { kPrompt, kYes, kHeadless };

// --yes approves; otherwise a terminal on stdin and stderr means prompting; else headless.
ApprovalMode approval_mode(bool yes);

class Approver {
 public:
  Approver(policy::PolicyConfig cfg, std::string workspace, ApprovalMode mode, Prompter* prompter)
      : cfg_(std::move(cfg)), workspace_(std::move(workspace)), mode_(mode), prompter_(prompter) {}

  ApprovalDecision approve(const ToolCall& call, const Json& args);
  // The same for a yes/no question about the whole run (e.g. --network on under `ask`).
  ApprovalDecision approve_decision(const policy::Decision& d, const std::string& what);

  const policy::PolicyConfig& config() const { return cfg_; }

 private:
  policy::PolicyConfig cfg_;
  std::string workspace_;
  ApprovalMode mode_;
  Prompter* prompter_;
  std::set<std::string> always_;  // keys approved with "always"
};

}  // namespace agent::cli
