// agent: the command-line entry point. Parses argv with CLI11 and runs the chosen subcommand.
#include <cstdio>
#include <exception>

#include "common/logging.h"
#include "sandbox/process_sandbox.h"
#include "tasks/commands.h"

int main(int argc, char** argv) {
  using namespace agent::cli;
  CLI::App app{"agent: a coding-agent runtime for DeepSeek V4", "agent"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "agent 0.1.0");
  std::vector<Command> commands = add_all_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  agent::init_logging("warn");
  // Orphans of the commands the model runs are re-parented here and reaped.
  agent::become_subreaper();
  try {
    for (const auto& c : commands) {
      if (c.app->parsed()) return c.run();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "agent: internal error: %s\n", agent::redact(e.what()).c_str());
    return kExitInternal;
  }
  return kExitUsage;
}
