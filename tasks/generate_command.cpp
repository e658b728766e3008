// agent generate: runs the embedded DeepSeek V4 engine on a prompt and prints what it
// generates (product.md): plain text as it streams, or with --json one line per token with
// its id, the text it completes (UTF-8 safe), its raw log-probability and the top
// alternatives. --weights is a checkpoint folder in the official layout (config.json,
// tokenizer.json, safetensors) or a GGUF file (its own tokenizer, or a tokenizer.json beside it).
#include <cstdio>
#include <memory>
#include <optional>

#include "common/fs.h"
#include "common/json.h"
#include "inference/engine/model/generate.h"
#include "inference/engine/model/gguf_tokenizer.h"
#include "inference/engine/tokenizer/streaming_decoder.h"
#include "inference/engine/tokenizer/tokenizer.h"
#include "inference/engine_backend/engine_device.h"
#include "tasks/commands.h"

namespace agent::cli {
namespace {

struct GenerateFlags {
  std::string weights, prompt, prompt_file, prompt_ids, numerics = "official", device = "cpu";
  int64_t max_tokens = 256;
  double temperature = 1.0, top_p = 1.0;
  uint64_t seed = 0;
  int top_logprobs = 0, threads = 0;
  bool json = false;
};

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "agent generate: %s\n", msg.c_str());
  return kExitUsage;
}

Result<std::vector<int32_t>> read_prompt_ids(const std::string& path) {
  AGENT_ASSIGN_OR_RETURN(std::string text, read_file(path, 1u << 30));
  AGENT_ASSIGN_OR_RETURN(Json j, parse_json(text, path));
  if (!j.is_array()) return invalid_argument(path + ": expected a JSON array of token ids");
  std::vector<int32_t> ids;
  for (size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_number_integer() || j[i].get<int64_t>() < 0 || j[i].get<int64_t>() > INT32_MAX) {
      return invalid_argument(path + ": entry " + std::to_string(i) + " is not a token id");
    }
    ids.push_back(int32_t(j[i].get<int64_t>()));
  }
  return ids;
}

Status check_flags(const GenerateFlags& f) {
  int sources = !f.prompt.empty() + !f.prompt_file.empty() + !f.prompt_ids.empty();
  if (sources != 1) return invalid_argument("give exactly one of --prompt, --prompt-file, --prompt-ids");
  if (f.numerics != "official" && f.numerics != "exact") return invalid_argument("--numerics must be official or exact");
  if (auto d = parse_engine_device(f.device); !d.ok()) return d.status();
  if (f.temperature < 0) return invalid_argument("--temperature must be >= 0");
  if (!(f.top_p > 0 && f.top_p <= 1)) return invalid_argument("--top-p must be in (0, 1]");
  if (f.max_tokens < 0 || f.top_logprobs < 0) return invalid_argument("--max-tokens and --top-logprobs must be >= 0");
  return ok_status();
}

// Prints one generated token; `decoder` is null when there is no tokenizer.
Status emit(const GenerateFlags& f, const engine::GeneratedToken& g, engine::StreamingDecoder* decoder) {
  std::string text;
  if (decoder) {
    AGENT_ASSIGN_OR_RETURN(text, decoder->feed(g.id));
    if (g.stop) text += decoder->finish();
  }
  std::string line;
  if (f.json) {
    OrderedJson j;
    j["token_id"] = g.id;
    j["text"] = text;
    j["logprob"] = g.logprob;
    j["top"] = OrderedJson::array();
    for (const auto& [id, lp] : g.top) j["top"].push_back({id, lp});
    line = dump_json(j) + "\n";
  } else if (decoder) {
    line = g.stop ? "" : text;
  } else {
    line = std::to_string(g.id) + " ";
  }
  if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() || std::fflush(stdout) != 0) {
    return internal_error("cannot write to standard output");
  }
  return ok_status();
}

int run_generate(const GenerateFlags& f) {
  if (Status s = check_flags(f); !s.ok()) return usage_error(s.message());
  std::error_code ec;
  if (!fs::exists(f.weights, ec)) return usage_error("--weights: " + f.weights + " does not exist");
  auto tok = engine::load_checkpoint_tokenizer(f.weights);
  if (!tok.ok()) return usage_error("tokenizer: " + tok.status().message());
  std::vector<int32_t> prompt;
  if (!f.prompt_ids.empty()) {
    auto ids = read_prompt_ids(f.prompt_ids);
    if (!ids.ok()) return usage_error("--prompt-ids: " + ids.status().message());
    prompt = std::move(*ids);
  } else {
    if (!tok->has_value()) return usage_error("a text prompt needs a tokenizer (tokenizer.json, or one in the GGUF); use --prompt-ids");
    std::string text = f.prompt;
    if (!f.prompt_file.empty()) {
      auto file = read_file(f.prompt_file, 1u << 30);
      if (!file.ok()) return usage_error("--prompt-file: " + file.status().message());
      text = std::move(*file);
    }
    prompt = (*tok)->encode(text);
  }
  engine::EngineOptions eo;
  eo.threads = f.threads;
  eo.numerics = f.numerics == "exact" ? engine::Numerics::kExact : engine::Numerics::kOfficial;
  const int64_t context = int64_t(prompt.size()) + std::max<int64_t>(f.max_tokens, 1);
  const EngineDevice device = parse_engine_device(f.device).value();  // checked by check_flags
  auto eng = open_engine_on(f.weights, device, eo, context);
  if (!eng.ok()) {
    if (eng.status().code() == StatusCode::kUnavailable) return usage_error(eng.status().message());
    return usage_error("--weights: " + eng.status().message());
  }
  auto seq = (*eng)->new_sequence(context);
  if (!seq.ok()) return usage_error(seq.status().message());
  engine::SamplingOptions so;
  so.max_tokens = f.max_tokens;
  so.temperature = f.temperature;
  so.top_p = f.top_p;
  so.seed = f.seed;
  so.top_logprobs = f.top_logprobs;
  so.stop_tokens = {int32_t((*eng)->config().eos_token_id)};
  std::optional<engine::StreamingDecoder> decoder;
  if (tok->has_value()) decoder.emplace(**tok);
  Status s = engine::generate(**eng, **seq, prompt, so, [&](const engine::GeneratedToken& g) {
    return emit(f, g, decoder ? &*decoder : nullptr);
  });
  if (s.ok() && decoder && !f.json) {
    std::string rest = decoder->finish();
    std::fwrite(rest.data(), 1, rest.size(), stdout);
  }
  if (!s.ok()) {
    std::fprintf(stderr, "agent generate: %s\n", s.message().c_str());
    return s.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitBackend;
  }
  return kExitOk;
}

}  // namespace

Command add_generate_command(CLI::App& app) {
  auto f = std::make_shared<GenerateFlags>();
  CLI::App* sub = app.add_subcommand("generate", "Generate text with the embedded DeepSeek V4 engine");
  sub->add_option("--weights", f->weights, "Checkpoint folder (official layout) or GGUF file")->required();
  sub->add_option("--prompt", f->prompt, "The prompt text");
  sub->add_option("--prompt-file", f->prompt_file, "A file holding the prompt text");
  sub->add_option("--prompt-ids", f->prompt_ids, "A JSON array of prompt token ids");
  sub->add_option("--max-tokens", f->max_tokens, "Tokens to generate (default 256)");
  sub->add_option("--temperature", f->temperature, "Sampling temperature; 0 = greedy (default 1)");
  sub->add_option("--top-p", f->top_p, "Nucleus sampling mass (default 1)");
  sub->add_option("--seed", f->seed, "Random seed of the sampler (default 0)");
  sub->add_option("--top-logprobs", f->top_logprobs, "Alternatives to report per token with --json");
  sub->add_flag("--json", f->json, "One JSON line per generated token");
  sub->add_option("--numerics", f->numerics, "official (default: the reference's FP8/FP4/bf16) or exact (f32)");
  sub->add_option("--threads", f->threads, "CPU threads (default: all)");
  sub->add_option("--device", f->device, "cpu (default) or cuda[:N] (builds with the CUDA backend)");
  return Command{sub, [f] { return run_generate(*f); }};
}

}  // namespace agent::cli
