#include "tasks/commands.h"

namespace agent::cli {

std::vector<Command> add_all_commands(CLI::App& app) {
  std::vector<Command> commands;
  commands.push_back(add_solve_command(app));
  commands.push_back(add_resume_command(app));
  commands.push_back(add_bench_command(app));
  commands.push_back(add_doctor_command(app));
  commands.push_back(add_encode_command(app));
  commands.push_back(add_tokenize_command(app));
  commands.push_back(add_pr_command(app));
  commands.push_back(add_generate_command(app));
  return commands;
}

}  // namespace agent::cli
