// agent encode: renders a conversation (official JSON form) into the exact DeepSeek V4 prompt
// text, as the engine would feed it to the model. Prints the text with no added newline.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>

#include "common/fs.h"
#include "common/json.h"
#include "inference/engine/chat/chat_encoder.h"
#include "tasks/commands.h"

namespace agent::cli {

namespace {

struct EncodeFlags {
  std::string input;
  std::string reasoning = "high";
  bool keep_reasoning = false;
};

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "agent encode: %s\n", msg.c_str());
  return kExitUsage;
}

int run_encode(const EncodeFlags& f) {
  auto mode = engine::parse_reasoning_mode(f.reasoning);
  if (!mode.ok()) return usage_error("--reasoning: " + mode.status().message());
  std::string text;
  if (f.input == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    auto file = read_file(f.input, 256u << 20);
    if (!file.ok()) return usage_error("--input: " + file.status().message());
    text = std::move(*file);
  }
  std::string what = f.input == "-" ? "standard input" : f.input;
  auto json = parse_ordered_json(text, what);
  if (!json.ok()) return usage_error(json.status().message());
  auto messages = engine::chat_messages_from_json(*json, what);
  if (!messages.ok()) return usage_error(messages.status().message());
  engine::ChatEncodeOptions opts;
  opts.mode = *mode;
  opts.keep_reasoning = f.keep_reasoning;
  auto prompt = engine::encode_chat(*messages, opts);
  if (!prompt.ok()) return usage_error(what + ": " + prompt.status().message());
  if (std::fwrite(prompt->data(), 1, prompt->size(), stdout) != prompt->size() ||
      std::fflush(stdout) != 0) {
    std::fprintf(stderr, "agent encode: cannot write to standard output\n");
    return kExitInternal;
  }
  return kExitOk;
}

}  // namespace

Command add_encode_command(CLI::App& app) {
  auto flags = std::make_shared<EncodeFlags>();
  CLI::App* sub = app.add_subcommand(
      "encode", "Print the DeepSeek V4 prompt text for a conversation (official JSON format)");
  sub->add_option("--input", flags->input,
                  "A messages list, or {\"tools\": [...], \"messages\": [...]} ('-' for stdin)")
      ->required();
  sub->add_option("--reasoning", flags->reasoning,
                  "off (chat mode), high (thinking, default) or max (thinking + max-effort prefix)");
  sub->add_flag("--keep-reasoning", flags->keep_reasoning,
                "Keep earlier turns' reasoning (the official drop_thinking=False)");
  return Command{sub, [flags] { return run_encode(*flags); }};
}

}  // namespace agent::cli
