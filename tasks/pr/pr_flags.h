// The flags of `agent pr` (product.md): where (repository, forge, remote), what (an event
// payload, or an issue given by flags), who may start it (trigger phrase, label, author
// associations, the bot's own login), the bot's commit identity, and `agent solve`'s model and
// budget flags. check_flags validates everything that needs no file, network or repository.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "agent/run_settings.h"
#include "common/status.h"
#include "tasks/config/run_config.h"
#include "tasks/pr/pr_event.h"

namespace agent::pr {

struct PrFlags {
  std::string repo, forge, api_url, slug;
  std::string event;
  int64_t issue_number = 0;
  std::string issue_title, issue_body_file;
  std::string remote = "origin", base, token_env, branch_prefix = "agent/issue-";
  bool draft = false;
  TriggerRules rules;
  std::string allow = "OWNER,MEMBER,COLLABORATOR";
  std::string author_name = "agent", author_email = "agent@localhost";
  std::string known_hosts;
  double forge_retry_delay = 1.0;
  // `agent solve`'s model and budget flags.
  std::string model = "deepseek-v4-pro", reasoning = "high", backend = "auto";
  std::string script, weights, base_url, api = "openai", sandbox = "auto", network = "off", out;
  std::string device = "cpu";  // engine backend
  int64_t max_steps = 100, context_tokens = 1048576, max_output_tokens = 65536;
  double max_cost = 0, timeout = 0;
  bool yes = false, json = false;
  std::string key_env = "DEEPSEEK_API_KEY";  // from config (api.key_env), not a flag
};

void add_pr_flags(CLI::App& sub, PrFlags& f);

// Checks the flags' values and fills in defaults that depend on others (--token-env from
// --forge, rules.allowed from --allow). InvalidArgument naming the flag.
Status check_flags(PrFlags& f);

// The run's settings from the model and budget flags (repo, out_dir and branch are left for
// the runner). InvalidArgument naming the flag.
Result<RunSettings> settings_from_flags(const PrFlags& f);

}  // namespace agent::pr
