// agent tokenize: prints the token ids of a text as a JSON array, with a Hugging Face
// tokenizer.json (added tokens in the text matched as Hugging Face does). --added-tokens
// applies an overlay first (docs/engine-tokenizer.md), e.g. DeepSeek V4's chat tokens on top
// of DeepSeek-V3's vocabulary.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>

#include "common/fs.h"
#include "inference/engine/tokenizer/tokenizer.h"
#include "tasks/commands.h"

namespace agent::cli {

namespace {

struct TokenizeFlags {
  std::string tokenizer;
  std::string text_file;
  std::string added_tokens;
};

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "agent tokenize: %s\n", msg.c_str());
  return kExitUsage;
}

int run_tokenize(const TokenizeFlags& f) {
  auto tok = engine::Tokenizer::load(f.tokenizer);
  if (!tok.ok()) return usage_error("--tokenizer: " + tok.status().message());
  if (!f.added_tokens.empty()) {
    if (Status s = tok->apply_overlay_file(f.added_tokens); !s.ok()) {
      return usage_error("--added-tokens: " + s.message());
    }
  }
  std::string text;
  if (f.text_file.empty() || f.text_file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    auto file = read_file(f.text_file, 1u << 30);
    if (!file.ok()) return usage_error("--text-file: " + file.status().message());
    text = std::move(*file);
  }
  std::vector<engine::TokenId> ids = tok->encode(text);
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  out += "]\n";
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    std::fprintf(stderr, "agent tokenize: cannot write to standard output\n");
    return kExitInternal;
  }
  return kExitOk;
}

}  // namespace

Command add_tokenize_command(CLI::App& app) {
  auto flags = std::make_shared<TokenizeFlags>();
  CLI::App* sub = app.add_subcommand("tokenize", "Print the token ids of a text as a JSON array");
  sub->add_option("--tokenizer", flags->tokenizer, "A Hugging Face tokenizer.json")->required();
  sub->add_option("--text-file", flags->text_file, "The text (default: standard input)");
  sub->add_option("--added-tokens", flags->added_tokens,
                  "An overlay adding tokens by string: {\"added_tokens\": [{\"content\": ...}]}");
  return Command{sub, [flags] { return run_tokenize(*flags); }};
}

}  // namespace agent::cli
