// agent pr: the headless PR bot. Reads the issue from a GitHub Actions event payload (or from
// flags), decides whether anyone allowed asked for a run, and hands the job to pr_runner.
// The flags and the event are checked first, so that bad input changes nothing; once a run
// was asked for, a configuration that stops it (config files, policy, prices, model) is also
// said in a comment on the issue. Model and budgets resolve as for `agent solve`.
#include <cstdio>
#include <cstdlib>

#include "common/fs.h"
#include "common/logging.h"
#include "inference/api/http_client.h"
#include "inference/engine_backend/engine_backend.h"
#include "tasks/backend_factory.h"
#include "tasks/commands.h"
#include "tasks/config/api_setup.h"
#include "tasks/config/run_config.h"
#include "tasks/pr/pr_flags.h"
#include "tasks/pr/pr_runner.h"
#include "tasks/pr/pr_text.h"
#include "tasks/run_protection.h"
#include "tools/git/git_snapshot.h"

namespace agent::cli {

namespace {

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "agent pr: %s\n", redact(msg).c_str());
  return kExitUsage;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

// The issue asked for, or nullopt when the event asks for nothing (exit 0).
Result<std::optional<pr::IssueRequest>> issue_from_input(const pr::PrFlags& f) {
  if (!f.event.empty()) {
    auto text = read_file(f.event, 64u << 20);
    if (!text.ok()) return invalid_argument("--event " + f.event + ": " + text.status().message());
    Json payload = Json::parse(*text, nullptr, false);
    if (payload.is_discarded()) return invalid_argument("--event " + f.event + ": not valid JSON");
    auto d = pr::decide_event(payload, env("GITHUB_EVENT_NAME"), f.rules);
    if (!d.ok()) return invalid_argument("--event " + f.event + ": " + d.status().message());
    if (!d->repository.empty() && d->repository != f.slug) {
      return invalid_argument("--event " + f.event + " is about repository " + d->repository + ", not --slug " + f.slug);
    }
    std::fprintf(stderr, "agent pr: %s\n", redact(d->reason).c_str());
    return d->run;
  }
  pr::IssueRequest issue;
  issue.number = f.issue_number;
  issue.title = f.issue_title;
  auto body = read_file(f.issue_body_file, 16u << 20);
  if (!body.ok()) return invalid_argument("--issue-body-file " + f.issue_body_file + ": " + body.status().message());
  issue.body = *body;
  return std::optional<pr::IssueRequest>(issue);
}

api::HttpClientOptions http_options() {
  api::HttpClientOptions o;
  o.proxy.https_proxy = env("HTTPS_PROXY").empty() ? env("https_proxy") : env("HTTPS_PROXY");
  o.proxy.http_proxy = env("HTTP_PROXY").empty() ? env("http_proxy") : env("HTTP_PROXY");
  o.proxy.no_proxy = env("NO_PROXY").empty() ? env("no_proxy") : env("NO_PROXY");
  o.timeouts.first_byte = std::chrono::seconds(60);
  o.timeouts.idle = std::chrono::seconds(60);
  o.user_agent = "agent-pr/0.1";
  return o;
}

// Says on the issue why a run that was asked for could not start (CI logs go unread), then
// fails as a usage error. The comment failing is only reported.
int cannot_start(pr::Forge& forge, int64_t issue, const std::string& msg) {
  auto posted = forge.comment_on_issue(issue, redact(pr::comment_could_not_start(msg)));
  if (!posted.ok()) {
    std::fprintf(stderr, "agent pr: could not comment on issue #%lld: %s\n", static_cast<long long>(issue),
                 redact(posted.status().message()).c_str());
  }
  return usage_error(msg);
}

int run_pr(const pr::PrFlags& given, const CLI::App& app) {
  pr::PrFlags f = given;
  if (Status s = pr::check_flags(f); !s.ok()) return usage_error(s.message());
  std::error_code ec;
  fs::path repo = fs::weakly_canonical(f.repo, ec);
  if (ec || !fs::is_directory(repo)) return usage_error("--repo " + f.repo + ": no such folder");
  auto workdir = find_git_workdir(repo);
  if (!workdir.ok()) return usage_error("--repo " + f.repo + ": " + workdir.status().message());

  std::string token = env(f.token_env.c_str());
  register_secret(token);
  // The commands the model runs inherit this process's environment (minus names that look
  // like secrets): a token under an innocent name must not reach them.
  ::unsetenv(f.token_env.c_str());
  auto request = issue_from_input(f);
  if (!request.ok()) return usage_error(request.status().message());
  if (!*request) return kExitOk;  // the event asks for nothing: no token needed
  if (token.empty()) return usage_error("--token-env " + f.token_env + ": the variable is not set or empty");

  pr::ForgeConfig fc;
  fc.kind = f.forge;
  fc.api_url = f.api_url;
  fc.slug = f.slug;
  fc.token = token;
  fc.retry.base_delay_s = f.forge_retry_delay;
  auto forge = pr::make_forge(fc, std::make_shared<api::HttpClient>(http_options()));
  if (!forge.ok()) return usage_error(forge.status().message());
  if (Status ca = git_set_ca_locations(env("SSL_CERT_FILE"), env("SSL_CERT_DIR")); !ca.ok()) {
    return usage_error("SSL_CERT_FILE/SSL_CERT_DIR: " + ca.message());
  }

  // From here on a run was asked for: what stops it is said on the issue too. Model and
  // budgets are resolved as for `agent solve`, and checked before anything is fetched.
  const int64_t number = (*request)->number;
  auto config = load_command_config(app, workdir->string(), process_env());
  if (!config.ok()) return cannot_start(**forge, number, config.status().message());
  for (const auto& w : config->warnings) std::fprintf(stderr, "agent pr: warning: %s\n", redact(w).c_str());
  // Flags > AGENT_* environment > repository config (tighten-only) > user config, as in solve.
  cli::apply_run_config(f, *config);
  pr::PrJob job;
  auto settings = pr::settings_from_flags(f);
  if (!settings.ok()) return cannot_start(**forge, number, settings.status().message());
  job.settings = *settings;
  // The embedded engine holds the whole context in memory (as in `agent solve`).
  if (job.settings.backend == "engine" && app.count("--context-tokens") == 0 &&
      f.context_tokens == pr::PrFlags{}.context_tokens) {
    job.settings.context_tokens = EngineBackendOptions{}.max_context;
  }
  // Policy files, `--sandbox strict` and `--network on`, on the user's checkout (the runner
  // checks the run's worktree again).
  job.settings.repo = workdir->string();
  if (Status pf = preflight_protection(job.settings); !pf.ok()) return cannot_start(**forge, number, pf.message());
  auto backend = make_backend(job.settings);
  if (!backend.ok()) return cannot_start(**forge, number, backend.status().message());
  if (Status c = validate_costs(job.settings, process_env()); !c.ok()) return cannot_start(**forge, number, c.message());

  job.repo = *workdir;
  job.remote = f.remote;
  job.base = f.base;
  job.branch_prefix = f.branch_prefix;
  job.draft = f.draft;
  job.identity = GitIdentity{f.author_name, f.author_email};
  job.git_creds.token = token;
  job.git_creds.token_user = (*forge)->git_user();
  job.git_creds.known_hosts = f.known_hosts.empty() && !env("HOME").empty()
                                  ? fs::path(env("HOME")) / ".ssh" / "known_hosts"
                                  : fs::path(f.known_hosts);
  job.out_flag = f.out;
  job.drive.json = f.json;
  job.drive.yes = f.yes;
  return pr::run_pr_job(job, **request, **forge, **backend);
}

}  // namespace

Command add_pr_command(CLI::App& app) {
  auto flags = std::make_shared<pr::PrFlags>();
  CLI::App* sub = app.add_subcommand("pr", "Solve an issue on a branch and open a pull request (CI bot)");
  pr::add_pr_flags(*sub, *flags);
  return Command{sub, [flags, sub] { return run_pr(*flags, *sub); }};
}

}  // namespace agent::cli
