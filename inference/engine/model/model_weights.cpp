#include "inference/engine/model/model_weights.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

namespace agent::engine {
namespace {

// Official name suffix (after "layers.L.") -> GGUF name suffix (after "blk.L.").
const std::map<std::string, std::string>& gguf_layer_names() {
  static const std::map<std::string, std::string> m = {
      {"attn_norm.weight", "attn_norm.weight"}, {"ffn_norm.weight", "ffn_norm.weight"},
      {"hc_attn_fn", "hc_attn_fn.weight"}, {"hc_attn_base", "hc_attn_base.weight"},
      {"hc_attn_scale", "hc_attn_scale.weight"}, {"hc_ffn_fn", "hc_ffn_fn.weight"},
      {"hc_ffn_base", "hc_ffn_base.weight"}, {"hc_ffn_scale", "hc_ffn_scale.weight"},
      {"attn.attn_sink", "attn_sinks.weight"}, {"attn.wq_a.weight", "attn_q_a.weight"},
      {"attn.q_norm.weight", "attn_q_a_norm.weight"}, {"attn.wq_b.weight", "attn_q_b.weight"},
      {"attn.wkv.weight", "attn_kv.weight"}, {"attn.kv_norm.weight", "attn_kv_a_norm.weight"},
      {"attn.wo_a.weight", "attn_output_a.weight"}, {"attn.wo_b.weight", "attn_output_b.weight"},
      {"attn.compressor.wkv.weight", "attn_compressor_kv.weight"},
      {"attn.compressor.wgate.weight", "attn_compressor_gate.weight"},
      {"attn.compressor.ape", "attn_compressor_ape.weight"},
      {"attn.compressor.norm.weight", "attn_compressor_norm.weight"},
      {"attn.indexer.wq_b.weight", "indexer.attn_q_b.weight"},
      {"attn.indexer.weights_proj.weight", "indexer.proj.weight"},
      {"attn.indexer.compressor.wkv.weight", "indexer_compressor_kv.weight"},
      {"attn.indexer.compressor.wgate.weight", "indexer_compressor_gate.weight"},
      {"attn.indexer.compressor.ape", "indexer_compressor_ape.weight"},
      {"attn.indexer.compressor.norm.weight", "indexer_compressor_norm.weight"},
      {"ffn.gate.weight", "ffn_gate_inp.weight"}, {"ffn.gate.bias", "exp_probs_b.bias"},
      {"ffn.gate.tid2eid", "ffn_gate_tid2eid.weight"},
      {"ffn.shared_experts.w1.weight", "ffn_gate_shexp.weight"},
      {"ffn.shared_experts.w2.weight", "ffn_down_shexp.weight"},
      {"ffn.shared_experts.w3.weight", "ffn_up_shexp.weight"},
      {"ffn.experts.w1", "ffn_gate_exps.weight"}, {"ffn.experts.w2", "ffn_down_exps.weight"},
      {"ffn.experts.w3", "ffn_up_exps.weight"},
  };
  return m;
}

std::string gguf_name(const std::string& official) {
  static const std::map<std::string, std::string> top = {
      {"embed.weight", "token_embd.weight"}, {"head.weight", "output.weight"},
      {"norm.weight", "output_norm.weight"}, {"hc_head_fn", "output_hc_fn.weight"},
      {"hc_head_base", "output_hc_base.weight"}, {"hc_head_scale", "output_hc_scale.weight"}};
  if (auto it = top.find(official); it != top.end()) return it->second;
  // "layers.L.rest"
  size_t dot = official.find('.', 7);
  std::string layer = official.substr(7, dot - 7), rest = official.substr(dot + 1);
  auto it = gguf_layer_names().find(rest);
  return it == gguf_layer_names().end() ? official : "blk." + layer + "." + it->second;
}


class Binder {
 public:
  Binder(const TensorSource& s, WeightLayout l, const ModelConfig& c, Ops& o)
      : src_(s), layout_(l), cfg_(c), ops_(o) {}

  std::string file_name(const std::string& official) const {
    return layout_ == WeightLayout::kGguf ? gguf_name(official) : official;
  }

  Result<const TensorView*> get(const std::string& official, bool required = true) {
    std::string n = file_name(official);
    const TensorView* t = src_.find(n);
    if (!t && required) {
      return not_found("tensor " + n + " is missing from " + src_.describe() + " (the config implies it)");
    }
    if (t) used_.insert(n);
    return t;
  }

  Result<WeightMatrix> matrix(const std::string& official, int64_t rows, int64_t cols);
  Result<std::vector<ExpertWeights>> experts(int64_t layer);
  Result<DeviceArray<float>> vec(const std::string& official, std::vector<int64_t> shape, bool required = true);
  Result<DeviceArray<int32_t>> hash_table(const std::string& official);
  Status check_unused() const;
  size_t converted_bytes() const { return converted_; }

 private:
  Status shape_is(const TensorView& t, const std::vector<int64_t>& want) const {
    if (t.shape == want) return ok_status();
    return invalid_argument("tensor " + t.name + " has shape " + shape_string(t.shape) + " but the config implies " +
                            shape_string(want) + " (config and weights do not match)");
  }

  const TensorSource& src_;
  WeightLayout layout_;
  const ModelConfig& cfg_;
  Ops& ops_;
  std::set<std::string> used_;
  size_t converted_ = 0;
};

Result<WeightMatrix> Binder::matrix(const std::string& official, int64_t rows, int64_t cols) {
  AGENT_ASSIGN_OR_RETURN(const TensorView* t, get(official));
  WeightMatrix w;
  w.rows = rows;
  w.cols = cols;
  w.data = t->data;
  switch (t->dtype) {
    case DType::kF32: w.format = WeightFormat::kF32; break;
    case DType::kF16: w.format = WeightFormat::kF16; break;
    case DType::kBF16: w.format = WeightFormat::kBF16; break;
    case DType::kQ8_0: w.format = WeightFormat::kQ8_0; break;
    case DType::kMXFP4: w.format = WeightFormat::kMXFP4; break;
    case DType::kF8E4M3: w.format = WeightFormat::kFP8Block; break;
    case DType::kI8: case DType::kU8: w.format = WeightFormat::kFP4Group; break;
    default:
      return invalid_argument("tensor " + t->name + " has dtype " + std::string(dtype_name(t->dtype)) +
                              ", which is not a weight-matrix type");
  }
  if (w.format == WeightFormat::kFP4Group) {
    if (cols % 32) return invalid_argument("tensor " + t->name + ": FP4 needs a multiple of 32 input features");
    AGENT_RETURN_IF_ERROR(shape_is(*t, {rows, cols / 2}));
  } else {
    AGENT_RETURN_IF_ERROR(shape_is(*t, {rows, cols}));
  }
  w.row_bytes = WeightMatrix::row_bytes_for(w.format, cols);
  if (w.format == WeightFormat::kFP8Block || w.format == WeightFormat::kFP4Group) {
    std::string sname = official.substr(0, official.size() - 7) + ".scale";  // ".weight" -> ".scale"
    AGENT_ASSIGN_OR_RETURN(const TensorView* s, get(sname));
    if (s->dtype != DType::kF8E8M0 && s->dtype != DType::kF32) {
      return invalid_argument("tensor " + s->name + " has dtype " + std::string(dtype_name(s->dtype)) +
                              " (scales are F8_E8M0 or F32)");
    }
    if (w.format == WeightFormat::kFP8Block) {
      AGENT_RETURN_IF_ERROR(shape_is(*s, {(rows + 127) / 128, (cols + 127) / 128}));
    } else {
      AGENT_RETURN_IF_ERROR(shape_is(*s, {rows, cols / 32}));
    }
    w.scales = s->data;
    w.scale_dtype = s->dtype;
  }
  return w;
}

Result<std::vector<ExpertWeights>> Binder::experts(int64_t layer) {
  const int64_t E = cfg_.n_routed_experts, I = cfg_.moe_inter_dim, d = cfg_.dim;
  const std::string p = "layers." + std::to_string(layer) + ".ffn.experts.";
  std::vector<ExpertWeights> out(static_cast<size_t>(E));
  if (layout_ == WeightLayout::kOfficial) {
    for (int64_t e = 0; e < E; ++e) {
      const std::string q = p + std::to_string(e) + ".";
      AGENT_ASSIGN_OR_RETURN(out[e].w1, matrix(q + "w1.weight", I, d));
      AGENT_ASSIGN_OR_RETURN(out[e].w2, matrix(q + "w2.weight", d, I));
      AGENT_ASSIGN_OR_RETURN(out[e].w3, matrix(q + "w3.weight", I, d));
    }
    return out;
  }
  // GGUF: one [experts, rows, cols] tensor per projection.
  for (auto [proj, rows, cols] : {std::tuple{"w1", I, d}, std::tuple{"w2", d, I}, std::tuple{"w3", I, d}}) {
    AGENT_ASSIGN_OR_RETURN(const TensorView* t, get(p + proj));
    AGENT_RETURN_IF_ERROR(shape_is(*t, {E, rows, cols}));
    WeightMatrix w;
    switch (t->dtype) {
      case DType::kF32: w.format = WeightFormat::kF32; break;
      case DType::kF16: w.format = WeightFormat::kF16; break;
      case DType::kBF16: w.format = WeightFormat::kBF16; break;
      case DType::kQ8_0: w.format = WeightFormat::kQ8_0; break;
      case DType::kMXFP4: w.format = WeightFormat::kMXFP4; break;
      default:
        return invalid_argument("tensor " + t->name + " has unsupported dtype " + std::string(dtype_name(t->dtype)));
    }
    w.rows = rows;
    w.cols = cols;
    w.row_bytes = WeightMatrix::row_bytes_for(w.format, cols);
    for (int64_t e = 0; e < E; ++e) {
      WeightMatrix v = w;
      v.data = t->data + e * rows * w.row_bytes;
      (std::string(proj) == "w1" ? out[e].w1 : std::string(proj) == "w2" ? out[e].w2 : out[e].w3) = v;
    }
  }
  return out;
}

Result<DeviceArray<float>> Binder::vec(const std::string& official, std::vector<int64_t> shape, bool required) {
  AGENT_ASSIGN_OR_RETURN(const TensorView* t, get(official, required));
  if (!t) return DeviceArray<float>();
  AGENT_RETURN_IF_ERROR(shape_is(*t, shape));
  std::vector<float> host(static_cast<size_t>(t->numel()));
  if (t->dtype != DType::kF32 && t->dtype != DType::kBF16 && t->dtype != DType::kF16) {
    return invalid_argument("tensor " + t->name + " has dtype " + std::string(dtype_name(t->dtype)) +
                            " (expected F32, BF16 or F16)");
  }
  decode_to_f32(t->dtype, t->data, t->numel(), host.data());
  converted_ += host.size() * 4;
  return DeviceArray<float>(ops_, host);
}

Result<DeviceArray<int32_t>> Binder::hash_table(const std::string& official) {
  AGENT_ASSIGN_OR_RETURN(const TensorView* t, get(official));
  AGENT_RETURN_IF_ERROR(shape_is(*t, {cfg_.vocab_size, cfg_.n_activated_experts}));
  if (t->dtype != DType::kI64 && t->dtype != DType::kI32) {
    return invalid_argument("tensor " + t->name + " has dtype " + std::string(dtype_name(t->dtype)) + " (expected I64 or I32)");
  }
  std::vector<int32_t> host(static_cast<size_t>(t->numel()));
  for (int64_t i = 0; i < t->numel(); ++i) {
    int64_t v;
    if (t->dtype == DType::kI64) {
      std::memcpy(&v, t->data + 8 * i, 8);
    } else {
      int32_t v32;
      std::memcpy(&v32, t->data + 4 * i, 4);
      v = v32;
    }
    if (v < 0 || v >= cfg_.n_routed_experts) {
      return invalid_argument("tensor " + t->name + ": entry " + std::to_string(i) + " = " + std::to_string(v) +
                              " is not an expert id (0.." + std::to_string(cfg_.n_routed_experts - 1) + ")");
    }
    host[size_t(i)] = int32_t(v);
  }
  converted_ += host.size() * 4;
  return DeviceArray<int32_t>(ops_, host);
}

Status Binder::check_unused() const {
  for (const auto& n : src_.names()) {
    if (used_.count(n)) continue;
    if (layout_ == WeightLayout::kOfficial && n.rfind("mtp.", 0) == 0) continue;  // MTP: not run
    if (n.find(".nextn.") != std::string::npos || n.find("exp_probs_b_vl") != std::string::npos) continue;
    if (layout_ == WeightLayout::kGguf && n.rfind("blk.", 0) == 0 &&
        std::strtoll(n.c_str() + 4, nullptr, 10) >= cfg_.n_layers) {
      continue;  // MTP blocks of a GGUF
    }
    // Hash layers route by token id; some checkpoints still carry an unused gate bias there.
    if (n.find("gate.bias") != std::string::npos || n.find("exp_probs_b.bias") != std::string::npos) continue;
    return invalid_argument("tensor " + n + " in " + src_.describe() +
                            " is not part of the model the config describes (config and weights do not match)");
  }
  return ok_status();
}

Status bind_attention(Binder& b, const ModelConfig& c, int64_t l, LayerWeights& L) {
  const std::string p = "layers." + std::to_string(l) + ".attn.";
  const int64_t D = c.head_dim, d = c.dim, H = c.n_heads;
  AGENT_ASSIGN_OR_RETURN(L.attn_sink, b.vec(p + "attn_sink", {H}));
  AGENT_ASSIGN_OR_RETURN(L.wq_a, b.matrix(p + "wq_a.weight", c.q_lora_rank, d));
  AGENT_ASSIGN_OR_RETURN(L.q_norm, b.vec(p + "q_norm.weight", {c.q_lora_rank}));
  AGENT_ASSIGN_OR_RETURN(L.wq_b, b.matrix(p + "wq_b.weight", H * D, c.q_lora_rank));
  AGENT_ASSIGN_OR_RETURN(L.wkv, b.matrix(p + "wkv.weight", D, d));
  AGENT_ASSIGN_OR_RETURN(L.kv_norm, b.vec(p + "kv_norm.weight", {D}));
  AGENT_ASSIGN_OR_RETURN(L.wo_a, b.matrix(p + "wo_a.weight", c.o_groups * c.o_lora_rank, H * D / c.o_groups));
  AGENT_ASSIGN_OR_RETURN(L.wo_b, b.matrix(p + "wo_b.weight", d, c.o_groups * c.o_lora_rank));
  if (L.ratio == 0) return ok_status();
  const int64_t co = L.ratio == 4 ? 2 : 1;
  AGENT_ASSIGN_OR_RETURN(L.comp_wkv, b.matrix(p + "compressor.wkv.weight", co * D, d));
  AGENT_ASSIGN_OR_RETURN(L.comp_wgate, b.matrix(p + "compressor.wgate.weight", co * D, d));
  AGENT_ASSIGN_OR_RETURN(L.comp_ape, b.vec(p + "compressor.ape", {L.ratio, co * D}));
  AGENT_ASSIGN_OR_RETURN(L.comp_norm, b.vec(p + "compressor.norm.weight", {D}));
  if (L.ratio != 4) return ok_status();
  const int64_t ID = c.index_head_dim;
  AGENT_ASSIGN_OR_RETURN(L.idx_wq_b, b.matrix(p + "indexer.wq_b.weight", c.index_n_heads * ID, c.q_lora_rank));
  AGENT_ASSIGN_OR_RETURN(L.idx_proj, b.matrix(p + "indexer.weights_proj.weight", c.index_n_heads, d));
  AGENT_ASSIGN_OR_RETURN(L.idx_comp_wkv, b.matrix(p + "indexer.compressor.wkv.weight", 2 * ID, d));
  AGENT_ASSIGN_OR_RETURN(L.idx_comp_wgate, b.matrix(p + "indexer.compressor.wgate.weight", 2 * ID, d));
  AGENT_ASSIGN_OR_RETURN(L.idx_comp_ape, b.vec(p + "indexer.compressor.ape", {4, 2 * ID}));
  AGENT_ASSIGN_OR_RETURN(L.idx_comp_norm, b.vec(p + "indexer.compressor.norm.weight", {ID}));
  return ok_status();
}

Status bind_layer(Binder& b, const ModelConfig& c, int64_t l, LayerWeights& L) {
  const std::string p = "layers." + std::to_string(l) + ".";
  const int64_t d = c.dim, hc = c.hc_mult, mix = (2 + hc) * hc;
  L.ratio = c.ratio(l);
  AGENT_ASSIGN_OR_RETURN(L.attn_norm, b.vec(p + "attn_norm.weight", {d}));
  AGENT_ASSIGN_OR_RETURN(L.ffn_norm, b.vec(p + "ffn_norm.weight", {d}));
  AGENT_ASSIGN_OR_RETURN(L.hc_attn_fn, b.vec(p + "hc_attn_fn", {mix, hc * d}));
  AGENT_ASSIGN_OR_RETURN(L.hc_attn_base, b.vec(p + "hc_attn_base", {mix}));
  AGENT_ASSIGN_OR_RETURN(L.hc_attn_scale, b.vec(p + "hc_attn_scale", {3}));
  AGENT_ASSIGN_OR_RETURN(L.hc_ffn_fn, b.vec(p + "hc_ffn_fn", {mix, hc * d}));
  AGENT_ASSIGN_OR_RETURN(L.hc_ffn_base, b.vec(p + "hc_ffn_base", {mix}));
  AGENT_ASSIGN_OR_RETURN(L.hc_ffn_scale, b.vec(p + "hc_ffn_scale", {3}));
  AGENT_RETURN_IF_ERROR(bind_attention(b, c, l, L));
  AGENT_ASSIGN_OR_RETURN(L.gate, b.matrix(p + "ffn.gate.weight", c.n_routed_experts, d));
  if (c.is_hash_layer(l)) {
    AGENT_ASSIGN_OR_RETURN(L.tid2eid, b.hash_table(p + "ffn.gate.tid2eid"));
  } else {
    AGENT_ASSIGN_OR_RETURN(L.gate_bias, b.vec(p + "ffn.gate.bias", {c.n_routed_experts}));
  }
  AGENT_ASSIGN_OR_RETURN(L.experts, b.experts(l));
  L.has_shared = c.n_shared_experts > 0;
  if (L.has_shared) {
    const std::string s = p + "ffn.shared_experts.";
    AGENT_ASSIGN_OR_RETURN(L.shared.w1, b.matrix(s + "w1.weight", c.moe_inter_dim, d));
    AGENT_ASSIGN_OR_RETURN(L.shared.w2, b.matrix(s + "w2.weight", d, c.moe_inter_dim));
    AGENT_ASSIGN_OR_RETURN(L.shared.w3, b.matrix(s + "w3.weight", c.moe_inter_dim, d));
  }
  return ok_status();
}

// Hands every matrix to the backend (ops.h place()): in one pass at the end of binding, so a
// backend with its own memory copies them once.
Status place_matrices(ModelWeights& w, Ops& ops) {
  AGENT_RETURN_IF_ERROR(ops.place(w.embed));
  AGENT_RETURN_IF_ERROR(ops.place(w.head));
  for (LayerWeights& L : w.layers) {
    for (WeightMatrix* m : {&L.wq_a, &L.wq_b, &L.wkv, &L.wo_a, &L.wo_b, &L.comp_wkv, &L.comp_wgate, &L.idx_wq_b,
                            &L.idx_proj, &L.idx_comp_wkv, &L.idx_comp_wgate, &L.gate, &L.shared.w1, &L.shared.w2,
                            &L.shared.w3}) {
      if (!m->empty()) AGENT_RETURN_IF_ERROR(ops.place(*m));
    }
    for (ExpertWeights& e : L.experts) {
      for (WeightMatrix* m : {&e.w1, &e.w2, &e.w3}) AGENT_RETURN_IF_ERROR(ops.place(*m));
    }
  }
  return ok_status();
}

}  // namespace

Result<ModelWeights> bind_weights(const TensorSource& src, WeightLayout layout, const ModelConfig& cfg, Ops& ops) {
  Binder b(src, layout, cfg, ops);
  ModelWeights w;
  const int64_t d = cfg.dim, hc = cfg.hc_mult;
  AGENT_ASSIGN_OR_RETURN(w.embed, b.matrix("embed.weight", cfg.vocab_size, d));
  AGENT_ASSIGN_OR_RETURN(w.head, b.matrix("head.weight", cfg.vocab_size, d));
  AGENT_ASSIGN_OR_RETURN(w.norm, b.vec("norm.weight", {d}));
  AGENT_ASSIGN_OR_RETURN(w.hc_head_fn, b.vec("hc_head_fn", {hc, hc * d}));
  AGENT_ASSIGN_OR_RETURN(w.hc_head_base, b.vec("hc_head_base", {hc}));
  AGENT_ASSIGN_OR_RETURN(w.hc_head_scale, b.vec("hc_head_scale", {1}));
  w.layers.resize(static_cast<size_t>(cfg.n_layers));
  for (int64_t l = 0; l < cfg.n_layers; ++l) AGENT_RETURN_IF_ERROR(bind_layer(b, cfg, l, w.layers[size_t(l)]));
  AGENT_RETURN_IF_ERROR(b.check_unused());
  for (const WeightMatrix* m : {&w.embed, &w.head}) {
    if (!ops.supports(m->format)) return failed_precondition(std::string("backend cannot run ") + weight_format_name(m->format));
  }
  w.converted_bytes = b.converted_bytes();
  AGENT_RETURN_IF_ERROR(place_matrices(w, ops));
  return w;
}

}  // namespace agent::engine
