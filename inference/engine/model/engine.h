// The embedded DeepSeek V4 engine: opens a checkpoint (an official-layout folder or a GGUF
// file), validates it against its config, and runs the forward pass on sequences.
//
// A Sequence is one conversation's decode state (window rings, compressor states, compressed
// KV and indexer keys), sized by the formulas of deepseek-v4-model.md section 4. forward()
// appends tokens to a sequence: a whole prompt, a chunk of one, or one decoded token; the
// three give the same results (the kernels never mix rows).
// Knows nothing of tokenizers or sampling (see generate.h).
// Thread-safety: one forward() at a time per Engine; sequences are independent.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "common/status.h"
#include "inference/engine/model/config.h"
#include "inference/engine/model/model_weights.h"

namespace agent::engine {

// official: the reference's numerics (FP8 activations in FP8/FP4 linears, FP4 indexer
// simulation, bf16 wherever it stores bf16). exact: f32 activations, no simulation.
enum class Numerics { kOfficial, kExact };

// Makes the kernel backend once the checkpoint's config and tensors are known (a backend that
// plans its memory at load sizes it from them). Empty: the CPU reference backend.
using OpsFactory = std::function<Result<std::unique_ptr<Ops>>(const ModelConfig&, const TensorSource&)>;

struct EngineOptions {
  int threads = 0;  // 0: every hardware thread
  Numerics numerics = Numerics::kOfficial;
};

class Sequence {
 public:
  int64_t position() const { return pos_; }      // tokens processed so far
  int64_t capacity() const { return capacity_; }
  size_t state_bytes() const;                    // all backend memory held
  size_t compressed_bytes() const;               // the part that grows with the context

  // One layer's state (backend memory).
  struct Layer {
    DeviceArray<float> window;                   // [window, head_dim] ring, slot = pos % window
    DeviceArray<float> comp;                     // [capacity / ratio, head_dim]
    DeviceArray<float> comp_kv, comp_score;      // [c·ratio, c·head_dim]
    DeviceArray<float> idx_keys;                 // [capacity / 4, index_dim]
    DeviceArray<float> idx_kv, idx_score;        // [8, 2·index_dim]
    int64_t n_comp = 0;
  };

 private:
  friend class Engine;
  friend struct Forward;
  std::vector<Layer> layers_;
  int64_t pos_ = 0;
  int64_t capacity_ = 0;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> open(const std::filesystem::path& path, const EngineOptions& opt);
  // The same on the backend `make_ops` makes (e.g. cuda::cuda_ops_factory); empty: the CPU one.
  static Result<std::unique_ptr<Engine>> open(const std::filesystem::path& path, const EngineOptions& opt,
                                              const OpsFactory& make_ops);
  // An engine over weights already in backend memory (benchmarks build random ones): `weights`
  // must have been made with `*ops`.
  static Result<std::unique_ptr<Engine>> create(const ModelConfig& cfg, std::unique_ptr<Ops> ops,
                                                ModelWeights weights, Numerics numerics);
  ~Engine();

  const ModelConfig& config() const { return cfg_; }
  const ModelWeights& weights() const { return weights_; }
  Numerics numerics() const { return numerics_; }
  void set_numerics(Numerics n) { numerics_ = n; }
  Ops& ops() { return *ops_; }
  const std::filesystem::path& path() const { return path_; }
  bool is_gguf() const { return gguf_; }

  // A new, empty sequence that can hold `max_context` tokens.
  Result<std::unique_ptr<Sequence>> new_sequence(int64_t max_context);
  // A copy of `seq` (its used rows only), e.g. to keep the state after a prompt and continue
  // it in several ways.
  Result<std::unique_ptr<Sequence>> fork_sequence(const Sequence& seq);
  // Appends tokens to `seq`; returns logits [rows, vocab] for the last new position
  // (all_positions = false) or for every new position.
  Result<std::vector<float>> forward(Sequence& seq, const std::vector<int32_t>& tokens, bool all_positions);

 private:
  Engine() = default;
  std::filesystem::path path_;
  bool gguf_ = false;
  std::unique_ptr<TensorSource> source_;
  std::unique_ptr<Ops> ops_;
  ModelConfig cfg_;
  ModelWeights weights_;
  Numerics numerics_ = Numerics::kOfficial;
};

}  // namespace agent::engine
