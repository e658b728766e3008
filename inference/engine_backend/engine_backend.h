// EngineBackend: the ModelBackend of the embedded DeepSeek V4 engine, for
// `agent solve --backend engine --weights DIR`.
//
// A request's conversation is rendered with the official chat encoding (engine/chat),
// tokenized with the checkpoint's tokenizer.json, and generated token by token; the generated
// text streams through the DSML output parser into reasoning deltas, text deltas and tool calls.
// The sequence's decode state is kept between requests: when the new prompt extends the tokens
// already in it (prompt and generated tokens), only the new tokens are prefilled; otherwise a
// copy of the state taken right after the previous prompt is continued when the new prompt
// extends that prompt (a re-rendered answer may tokenize differently from how it was
// generated); otherwise the prompt is prefilled from scratch.
// A malformed or cut-off tool-call block becomes a tool call named "invalid_tool_call" whose
// arguments hold the parser's message, so the runtime answers it with an error the model can
// read; a turn that ends inside its reasoning is returned as it is (no tool call).
// Thread-safety: one complete() at a time (ModelBackend's contract).
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "inference/engine/model/engine.h"
#include "inference/engine/tokenizer/tokenizer.h"
#include "inference/engine_backend/engine_device.h"
#include "inference/model_backend.h"

namespace agent {

struct EngineBackendOptions {
  std::filesystem::path weights;  // checkpoint folder (with tokenizer.json) or GGUF file
  EngineDevice device;  // cpu, or cuda:N in builds with the CUDA backend
  int threads = 0;      // CPU threads (0: all)
  engine::Numerics numerics = engine::Numerics::kOfficial;
  int64_t max_context = 65536;  // tokens per sequence: prompt and generated
  int64_t default_max_tokens = 8192;
  // The release's generation_config.json: sampling at temperature 1, top_p 1.
  double temperature = 1.0, top_p = 1.0;
  uint64_t seed = 0;
};

class EngineBackend : public ModelBackend {
 public:
  static Result<std::unique_ptr<EngineBackend>> open(const EngineBackendOptions& opt);
  std::string_view name() const override { return "engine"; }
  Result<ModelResponse> complete(const ModelRequest& request, StreamObserver& observer,
                                 const CancelToken& cancel) override;

 private:
  EngineBackend(EngineBackendOptions o, std::unique_ptr<engine::Engine> e, engine::Tokenizer t);
  // Brings the sequence to `prompt` (reusing a matching prefix); returns the last logits and
  // how many prompt tokens were already there.
  Result<std::vector<float>> prefill(const std::vector<int32_t>& prompt, int64_t* reused);

  EngineBackendOptions opt_;
  std::unique_ptr<engine::Engine> engine_;
  engine::Tokenizer tok_;
  std::unique_ptr<engine::Sequence> seq_;
  std::vector<int32_t> fed_;  // tokens the sequence holds
  std::unique_ptr<engine::Sequence> snap_;  // the state right after the last prompt
  std::vector<int32_t> snap_tokens_;
  std::vector<float> snap_logits_;
  uint64_t calls_ = 0;        // for tool-call ids
};

}  // namespace agent
