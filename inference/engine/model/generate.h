// Generation on top of Engine: prefill of the prompt (in chunks), then token-by-token decode
// with greedy or temperature / top-p sampling from a seeded generator, stop tokens, and the
// raw log-probabilities of every generated token.
// Thread-safety: like Engine (one generation at a time per engine).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "inference/engine/model/engine.h"

namespace agent::engine {

struct SamplingOptions {
  int64_t max_tokens = 256;
  double temperature = 1.0;  // 0: greedy
  double top_p = 1.0;        // nucleus mass kept before sampling
  uint64_t seed = 0;
  int top_logprobs = 0;      // how many (id, log-prob) alternatives to report per token
  std::vector<int32_t> stop_tokens;  // generation ends after emitting one of these
  int64_t prefill_chunk = 512;       // prompt tokens per forward call (memory bound only)
};

struct GeneratedToken {
  int32_t id = 0;
  float logprob = 0;  // log p(id) in the model's raw distribution (before temperature / top-p)
  std::vector<std::pair<int32_t, float>> top;  // best alternatives, most likely first
  bool stop = false;  // a stop token
};

// log_softmax of one row of logits, in double-accumulated f32.
std::vector<float> log_softmax(const float* logits, int64_t vocab);

// Chooses the next token from `logits`: argmax at temperature 0 (ties to the lower id), else
// a draw from softmax(logits / T) restricted to the smallest most-likely set of mass >= top_p.
class Sampler {
 public:
  explicit Sampler(uint64_t seed);
  int32_t sample(const float* logits, int64_t vocab, double temperature, double top_p);

 private:
  double uniform();  // [0, 1) from 53 random bits: the same on every platform
  uint64_t state_;
};

// Runs the prompt through `seq` and generates; `on_token` sees every token as it is chosen
// and may stop generation by returning a non-OK status (returned as is).
Status generate(Engine& engine, Sequence& seq, const std::vector<int32_t>& prompt, const SamplingOptions& opt,
                const std::function<Status(const GeneratedToken&)>& on_token);

}  // namespace agent::engine
