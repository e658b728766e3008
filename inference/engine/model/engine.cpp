#include "inference/engine/model/engine.h"

#include <cmath>
#include <limits>

#include "inference/engine/cpu/cpu_ops.h"
#include "inference/engine/model/forward.h"
#include "inference/engine/weights/gguf.h"
#include "inference/engine/weights/safetensors.h"

namespace agent::engine {

size_t Sequence::state_bytes() const {
  size_t b = 0;
  for (const auto& l : layers_) {
    b += l.window.bytes() + l.comp.bytes() + l.comp_kv.bytes() + l.comp_score.bytes() + l.idx_keys.bytes() +
         l.idx_kv.bytes() + l.idx_score.bytes();
  }
  return b;
}

size_t Sequence::compressed_bytes() const {
  size_t b = 0;
  for (const auto& l : layers_) b += l.comp.bytes() + l.idx_keys.bytes();
  return b;
}

Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::open(const std::filesystem::path& path, const EngineOptions& opt) {
  return open(path, opt, OpsFactory());
}

Result<std::unique_ptr<Engine>> Engine::open(const std::filesystem::path& path, const EngineOptions& opt,
                                             const OpsFactory& make_ops) {
  std::unique_ptr<Engine> e(new Engine());
  e->path_ = path;
  e->numerics_ = opt.numerics;
  std::error_code ec;
  WeightLayout layout;
  if (std::filesystem::is_directory(path, ec)) {
    AGENT_ASSIGN_OR_RETURN(e->cfg_, load_model_config(path));
    AGENT_ASSIGN_OR_RETURN(e->source_, SafetensorsCheckpoint::open(path));
    layout = WeightLayout::kOfficial;
  } else {
    AGENT_ASSIGN_OR_RETURN(auto g, GgufFile::open(path));
    AGENT_ASSIGN_OR_RETURN(e->cfg_, model_config_from_gguf(*g));
    e->source_ = std::move(g);
    e->gguf_ = true;
    layout = WeightLayout::kGguf;
  }
  if (make_ops) {
    auto ops = make_ops(e->cfg_, *e->source_);
    if (!ops.ok()) return ops.status().with_context("loading " + path.string());
    e->ops_ = std::move(ops).value();
  } else {
    e->ops_ = std::make_unique<CpuOps>(opt.threads);
  }
  auto w = bind_weights(*e->source_, layout, e->cfg_, *e->ops_);
  if (!w.ok()) return w.status().with_context("loading " + path.string());
  e->weights_ = std::move(w).value();
  return e;
}

Result<std::unique_ptr<Engine>> Engine::create(const ModelConfig& cfg, std::unique_ptr<Ops> ops, ModelWeights weights,
                                               Numerics numerics) {
  AGENT_RETURN_IF_ERROR(cfg.validate());
  if (!ops) return invalid_argument("Engine::create needs a backend");
  std::unique_ptr<Engine> e(new Engine());
  e->path_ = "(weights in memory)";
  e->ops_ = std::move(ops);
  e->cfg_ = cfg;
  e->weights_ = std::move(weights);
  e->numerics_ = numerics;
  return e;
}

// Values (f32) a new sequence of `max_context` tokens allocates: the layer states of
// new_sequence below.
static size_t sequence_floats(const ModelConfig& c, int64_t max_context) {
  size_t n = 0;
  for (int64_t l = 0; l < c.n_layers; ++l) {
    const int64_t m = c.ratio(l), D = c.head_dim, ID = c.index_head_dim;
    n += size_t(c.window * D);
    if (m == 0) continue;
    const int64_t co = m == 4 ? 2 : 1;
    n += size_t(max_context / m * D + 2 * co * m * co * D);
    if (m == 4) n += size_t(max_context / 4 * ID + 2 * 8 * 2 * ID);
  }
  return n;
}

Result<std::unique_ptr<Sequence>> Engine::new_sequence(int64_t max_context) {
  if (max_context <= 0 || max_context > cfg_.max_position_embeddings) {
    return invalid_argument("context size " + std::to_string(max_context) + " is outside 1.." +
                            std::to_string(cfg_.max_position_embeddings));
  }
  AGENT_RETURN_IF_ERROR(ops_->can_allocate(sequence_floats(cfg_, max_context) * sizeof(float)));
  std::unique_ptr<Sequence> s(new Sequence());
  s->capacity_ = max_context;
  const int64_t D = cfg_.head_dim, ID = cfg_.index_head_dim;
  const float neg_inf = -std::numeric_limits<float>::infinity();
  s->layers_.resize(size_t(cfg_.n_layers));
  for (int64_t l = 0; l < cfg_.n_layers; ++l) {
    auto& L = s->layers_[size_t(l)];
    const int64_t m = cfg_.ratio(l);
    L.window = DeviceArray<float>(*ops_, size_t(cfg_.window * D));
    if (m == 0) continue;
    const int64_t co = m == 4 ? 2 : 1;
    L.comp = DeviceArray<float>(*ops_, size_t(max_context / m * D));
    L.comp_kv = DeviceArray<float>(*ops_, size_t(co * m * co * D));
    L.comp_score = DeviceArray<float>(*ops_, size_t(co * m * co * D));
    // -inf scores: the slots of the (absent) block before the first one weigh nothing.
    ops_->fill(L.comp_score.data(), int64_t(L.comp_score.size()), neg_inf);
    if (m != 4) continue;
    L.idx_keys = DeviceArray<float>(*ops_, size_t(max_context / 4 * ID));
    L.idx_kv = DeviceArray<float>(*ops_, size_t(8 * 2 * ID));
    L.idx_score = DeviceArray<float>(*ops_, size_t(8 * 2 * ID));
    ops_->fill(L.idx_score.data(), int64_t(L.idx_score.size()), neg_inf);
  }
  return s;
}

Result<std::unique_ptr<Sequence>> Engine::fork_sequence(const Sequence& from) {
  AGENT_ASSIGN_OR_RETURN(auto s, new_sequence(from.capacity_));
  auto copy = [&](DeviceArray<float>& dst, const DeviceArray<float>& src, size_t n) {
    if (n) ops_->copy(dst.data(), src.data(), n * sizeof(float));
  };
  for (size_t l = 0; l < s->layers_.size(); ++l) {
    auto& d = s->layers_[l];
    const auto& f = from.layers_[l];
    const int64_t m = cfg_.ratio(int64_t(l));
    copy(d.window, f.window, f.window.size());
    copy(d.comp_kv, f.comp_kv, f.comp_kv.size());
    copy(d.comp_score, f.comp_score, f.comp_score.size());
    copy(d.idx_kv, f.idx_kv, f.idx_kv.size());
    copy(d.idx_score, f.idx_score, f.idx_score.size());
    if (m > 0) copy(d.comp, f.comp, size_t(from.pos_ / m * cfg_.head_dim));
    if (m == 4) copy(d.idx_keys, f.idx_keys, size_t(from.pos_ / 4 * cfg_.index_head_dim));
    d.n_comp = f.n_comp;
  }
  s->pos_ = from.pos_;
  return s;
}

Result<std::vector<float>> Engine::forward(Sequence& seq, const std::vector<int32_t>& tokens, bool all_positions) {
  if (tokens.empty()) return invalid_argument("forward needs at least one token");
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] < 0 || tokens[i] >= cfg_.vocab_size) {
      return invalid_argument("token id " + std::to_string(tokens[i]) + " at index " + std::to_string(i) +
                              " is outside the vocabulary (0.." + std::to_string(cfg_.vocab_size - 1) + ")");
    }
  }
  const int64_t n = int64_t(tokens.size());
  if (seq.pos_ + n > seq.capacity_) {
    return resource_exhausted("the sequence holds " + std::to_string(seq.pos_) + " tokens; " + std::to_string(n) +
                              " more exceed its context of " + std::to_string(seq.capacity_));
  }
  ops_->begin_forward(n);
  Forward f(*ops_, cfg_, weights_, seq, numerics_ == Numerics::kOfficial, n);
  f.run(tokens);
  seq.pos_ += n;
  return f.logits(all_positions ? n : 1);
}

}  // namespace agent::engine
