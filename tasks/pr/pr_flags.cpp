#include "tasks/pr/pr_flags.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "inference/api/api_backend.h"
#include "inference/engine_backend/engine_device.h"

namespace agent::pr {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(pos, comma - pos);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    std::transform(item.begin(), item.end(), item.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (!item.empty()) out.push_back(item);
    pos = comma + 1;
  }
  return out;
}

void add_model_flags(CLI::App& sub, PrFlags& f) {
  sub.add_option("--model", f.model, "Model name (default deepseek-v4-pro)");
  sub.add_option("--reasoning", f.reasoning, "off, high or max (default high)");
  sub.add_option("--backend", f.backend, "auto, api, engine or scripted (default auto)");
  sub.add_option("--script", f.script, "Scripted backend: JSONL file, one model turn per line");
  sub.add_option("--weights", f.weights, "Engine backend: model folder or GGUF file");
  sub.add_option("--device", f.device, "Engine backend: cpu (default) or cuda[:N]");
  sub.add_option("--base-url", f.base_url, "API backend: server base URL");
  sub.add_option("--api", f.api, "API backend wire format: openai or anthropic");
  sub.add_option("--max-steps", f.max_steps, "Most model turns (default 100; 0 = no limit)");
  sub.add_option("--max-cost", f.max_cost, "Most USD to spend (default no limit)");
  sub.add_option("--timeout", f.timeout, "Most seconds of wall time (default no limit)");
  sub.add_option("--context-tokens", f.context_tokens, "The model's context window (default 1048576)");
  sub.add_option("--max-output-tokens", f.max_output_tokens, "Output tokens per model turn (default 65536)");
  sub.add_option("--sandbox", f.sandbox, "auto, strict or off (default auto)");
  sub.add_option("--network", f.network, "Network for commands: off or on (default off)");
  sub.add_flag("--yes", f.yes, "Approve actions that policies mark `ask`");
  sub.add_option("--out", f.out, "Run folder (default under ~/.local/state/agent/runs)");
  sub.add_flag("--json", f.json, "Print the journal's events as JSON lines on stdout");
}

}  // namespace

void add_pr_flags(CLI::App& sub, PrFlags& f) {
  sub.add_option("--repo", f.repo, "The repository (a git checkout with the remote configured)")->required();
  sub.add_option("--forge", f.forge, "github, gitea (also Forgejo) or gitlab")->required();
  sub.add_option("--api-url", f.api_url, "REST API root, e.g. https://api.github.com")->required();
  sub.add_option("--slug", f.slug, "OWNER/NAME of the repository on the forge")->required();
  sub.add_option("--event", f.event, "GitHub Actions event payload ($GITHUB_EVENT_PATH)");
  sub.add_option("--issue-number", f.issue_number, "The issue's number (without --event)");
  sub.add_option("--issue-title", f.issue_title, "The issue's title (without --event)");
  sub.add_option("--issue-body-file", f.issue_body_file, "A file holding the issue's body (without --event)");
  sub.add_option("--remote", f.remote, "The git remote to fetch from and push to (default origin)");
  sub.add_option("--base", f.base, "The branch to merge into (default: the forge's default branch)");
  sub.add_option("--token-env", f.token_env,
                 "Environment variable holding the forge token (default GITHUB_TOKEN, GITEA_TOKEN or GITLAB_TOKEN)");
  sub.add_flag("--draft", f.draft, "Open the pull request as a draft");
  sub.add_option("--trigger", f.rules.phrase, "Phrase that starts the bot in a comment (default /agent)");
  sub.add_option("--label", f.rules.label, "Label that starts the bot when added to an issue (default agent)");
  sub.add_option("--allow", f.allow, "author_association values allowed to start it (default OWNER,MEMBER,COLLABORATOR)");
  sub.add_option("--bot-login", f.rules.bot_login, "The account the bot posts as (its comments never start it)");
  sub.add_option("--branch-prefix", f.branch_prefix, "Branch name before the issue number (default agent/issue-)");
  sub.add_option("--author-name", f.author_name, "Name on the bot's commits (default agent)");
  sub.add_option("--author-email", f.author_email, "Email on the bot's commits; marks its branches (default agent@localhost)");
  sub.add_option("--known-hosts", f.known_hosts, "SSH remotes: accepted host keys (default ~/.ssh/known_hosts)");
  sub.add_option("--forge-retry-delay", f.forge_retry_delay,
                 "Seconds before the first retry of a failed forge call, doubling each time (default 1)");
  add_model_flags(sub, f);
}

Status check_flags(PrFlags& f) {
  if (f.forge != "github" && f.forge != "gitea" && f.forge != "gitlab") {
    return invalid_argument("--forge must be github, gitea or gitlab, got \"" + f.forge + "\"");
  }
  bool any_issue_flag = f.issue_number != 0 || !f.issue_title.empty() || !f.issue_body_file.empty();
  if (!f.event.empty() && any_issue_flag) {
    return invalid_argument("give either --event FILE or --issue-number/--issue-title/--issue-body-file, not both");
  }
  if (f.event.empty()) {
    if (f.issue_number <= 0) return invalid_argument("--issue-number must be a positive number (or pass --event FILE)");
    if (f.issue_title.empty()) return invalid_argument("--issue-title is required with --issue-number");
    if (f.issue_body_file.empty()) return invalid_argument("--issue-body-file is required with --issue-number");
  }
  if (f.token_env.empty()) {
    f.token_env = f.forge == "github" ? "GITHUB_TOKEN" : f.forge == "gitea" ? "GITEA_TOKEN" : "GITLAB_TOKEN";
  }
  if (f.rules.phrase.find_first_not_of(" \t") == std::string::npos) return invalid_argument("--trigger must not be empty");
  f.rules.allowed = split_list(f.allow);
  if (f.rules.allowed.empty()) return invalid_argument("--allow must name at least one author_association");
  if (f.branch_prefix.empty()) return invalid_argument("--branch-prefix must not be empty");
  if (!(f.forge_retry_delay >= 0 && f.forge_retry_delay <= 60)) {
    return invalid_argument("--forge-retry-delay must be between 0 and 60 seconds");
  }
  if (f.author_name.empty() || f.author_email.find('@') == std::string::npos) {
    return invalid_argument("--author-name must not be empty and --author-email must be an email address");
  }
  return ok_status();
}

Result<RunSettings> settings_from_flags(const PrFlags& f) {
  RunSettings s;
  auto reasoning = parse_reasoning_mode(f.reasoning);
  if (!reasoning.ok()) return invalid_argument("--reasoning: " + reasoning.status().message());
  AGENT_ASSIGN_OR_RETURN(s.backend, cli::resolve_backend_name(f.backend, !f.weights.empty(), cli::process_env(),
                                                             f.key_env, "--script FILE"));
  if (f.sandbox != "auto" && f.sandbox != "strict" && f.sandbox != "off") {
    return invalid_argument("--sandbox must be auto, strict or off, got \"" + f.sandbox + "\"");
  }
  if (f.network != "off" && f.network != "on") {
    return invalid_argument("--network must be off or on, got \"" + f.network + "\"");
  }
  if (f.max_steps < 0 || f.max_cost < 0 || f.timeout < 0) {
    return invalid_argument("budgets (--max-steps, --max-cost, --timeout) must not be negative");
  }
  if (f.context_tokens < 8192 || f.max_output_tokens < 1) {
    return invalid_argument("--context-tokens must be at least 8192 and --max-output-tokens positive");
  }
  if (f.api != "openai" && f.api != "anthropic") {
    return invalid_argument("--api must be openai or anthropic, got \"" + f.api + "\"");
  }
  s.api = f.api;
  s.base_url = f.base_url;
  if (s.backend == "api" && s.base_url.empty()) s.base_url = api::default_base_url(s.api);
  s.script = f.script.empty() ? "" : fs::absolute(f.script).lexically_normal().string();
  s.weights = f.weights.empty() ? "" : fs::absolute(f.weights).lexically_normal().string();
  AGENT_ASSIGN_OR_RETURN(EngineDevice device, parse_engine_device(f.device));
  s.device = device.to_string();
  s.model = f.model;
  s.reasoning = *reasoning;
  s.max_steps = f.max_steps;
  s.max_cost_usd = f.max_cost;
  s.timeout_s = f.timeout;
  s.context_tokens = f.context_tokens;
  s.max_output_tokens = f.max_output_tokens;
  s.sandbox = f.sandbox;
  s.network = f.network;
  return s;
}

}  // namespace agent::pr
