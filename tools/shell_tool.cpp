// shell: runs a bash command in the repository through the run's Sandbox.
#include <algorithm>

#include "tools/builtin_tools.h"

namespace agent {

namespace {

class ShellTool final : public Tool {
 public:
  ShellTool() {
    spec_.name = "shell";
    spec_.description =
        "Run a bash command (non-interactive: no stdin, no pager). Calls share one bash session "
        "that starts in the repository root: the working directory and exported variables carry "
        "over between calls (a note says when the shell was restarted and they were reset; runs "
        "configured for one-shot commands start every call afresh in the repository root). "
        "Returns the combined stdout and stderr and the exit code. Long output is cut in the "
        "middle; the full text is saved to a file you can page through with read_file. "
        "Use `timeout` (seconds) for long builds or test runs.";
    spec_.parameters = Json::parse(R"({
      "type": "object",
      "properties": {
        "command": {"type": "string", "description": "The bash command line to run."},
        "timeout": {"type": "integer", "description": "Seconds before the command is killed (default 120)."}
      },
      "required": ["command"],
      "additionalProperties": false
    })");
    spec_.mutating = true;
  }

  const ToolSpec& spec() const override { return spec_; }

  ToolOutput run(const Json& args, ToolContext& ctx) override {
    if (ctx.sandbox == nullptr) return ToolOutput::error("no sandbox is configured for commands");
    std::string command = args.at("command").get<std::string>();
    if (command.find_first_not_of(" \t\r\n") == std::string::npos) {
      return ToolOutput::error("the command is empty");
    }
    auto timeout = ctx.limits.shell_default_timeout;
    if (args.contains("timeout") && !args["timeout"].is_null()) {
      int64_t t = args["timeout"].get<int64_t>();
      if (t <= 0) return ToolOutput::error("timeout must be a positive number of seconds");
      timeout = std::min(std::chrono::seconds(t), ctx.limits.shell_max_timeout);
    }
    CommandSpec cs;
    cs.command = std::move(command);
    cs.cwd = ctx.workspace;
    cs.env = ctx.command_env;
    cs.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
    bool run_deadline_first = false;
    if (ctx.deadline != std::chrono::steady_clock::time_point::max()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          ctx.deadline - std::chrono::steady_clock::now());
      if (left < cs.timeout) {
        cs.timeout = std::max(left, std::chrono::milliseconds(1));
        run_deadline_first = true;
      }
    }
    cs.output_limit = ctx.limits.shell_output_limit;
    cs.cancel = ctx.cancel;

    CommandResult r;
    std::string notice;  // the persistent shell's state was lost: the model must know
    if (ctx.shell != nullptr) {
      auto sr = ctx.shell->run(cs);
      if (!sr.ok()) return ToolOutput::error("could not start the shell: " + sr.status().message());
      r = std::move(sr->result);
      notice = std::move(sr->notice);
    } else {
      auto result = ctx.sandbox->run(cs);
      if (!result.ok()) return ToolOutput::error("could not start the command: " + result.status().message());
      r = std::move(*result);
    }

    ToolOutput out;
    out.terminal_output = true;
    out.content = r.output;
    if (!out.content.empty() && out.content.back() != '\n') out.content += '\n';
    if (r.timed_out) {
      out.content += run_deadline_first
                         ? "[the run's time budget ran out; the command was killed]\n"
                         : "[timed out after " + std::to_string(cs.timeout.count() / 1000) +
                               " s; the command and its children were killed]\n";
    } else if (r.cancelled) {
      out.content += "[interrupted; the command was killed]\n";
    } else if (r.term_signal != 0) {
      out.content += "[killed by signal " + std::to_string(r.term_signal) + "]\n";
    } else {
      out.content += "[exit code: " + std::to_string(r.exit_code) + "]\n";
    }
    if (!notice.empty()) out.content += "[" + notice + "]\n";
    out.is_error = r.timed_out || r.cancelled || r.term_signal != 0 || r.exit_code != 0;
    out.details = Json{{"exit_code", r.exit_code},     {"signal", r.term_signal},
                       {"timed_out", r.timed_out},     {"output_bytes", r.output_bytes},
                       {"wall_s", r.wall_s},           {"sandbox", std::string(ctx.sandbox->name())},
                       {"shell", ctx.shell != nullptr ? "persistent" : "oneshot"}};
    return out;
  }

 private:
  ToolSpec spec_;
};

}  // namespace

std::unique_ptr<Tool> make_shell_tool() { return std::make_unique<ShellTool>(); }

}  // namespace agent
