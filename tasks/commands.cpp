#include "tasks/commands.h"

namespace agent::cli {

std::vector<Command> add_all_commands(CLI::App& app) {
  std::vector<Command> commands;
  (void)app;
  return commands;
}

}  // namespace agent::cli
