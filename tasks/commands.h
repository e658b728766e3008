// Every subcommand's registration function. Add a line here and in commands.cpp for a new one.
#pragma once

#include <vector>

#include "tasks/cli.h"

namespace agent::cli {

std::vector<Command> add_all_commands(CLI::App& app);

Command add_solve_command(CLI::App& app);
Command add_resume_command(CLI::App& app);
Command add_bench_command(CLI::App& app);
Command add_doctor_command(CLI::App& app);
Command add_encode_command(CLI::App& app);
Command add_tokenize_command(CLI::App& app);
Command add_pr_command(CLI::App& app);
Command add_generate_command(CLI::App& app);

}  // namespace agent::cli
