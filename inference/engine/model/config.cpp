#include "inference/engine/model/config.h"

#include <cmath>

#include "common/fs.h"
#include "inference/engine/weights/gguf.h"

namespace agent::engine {
namespace {

// Reads a number field; missing keeps `out`, a non-number is an error naming the key.
Status opt_num(const Json& j, const char* key, double& out, std::string_view where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return ok_status();
  if (!it->is_number()) return invalid_argument(std::string(where) + ": field " + key + " must be a number");
  out = it->get<double>();
  return ok_status();
}

Status opt_int(const Json& j, const char* key, int64_t& out, std::string_view where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return ok_status();
  if (it->is_array() && !it->empty() && (*it)[0].is_number_integer()) {  // eos lists
    out = (*it)[0].get<int64_t>();
    return ok_status();
  }
  if (!it->is_number_integer()) return invalid_argument(std::string(where) + ": field " + key + " must be an integer");
  out = it->get<int64_t>();
  return ok_status();
}

Status req_int(const Json& j, const char* key, int64_t& out, std::string_view where) {
  if (!j.contains(key)) return invalid_argument(std::string(where) + ": missing field " + key);
  return opt_int(j, key, out, where);
}

Status int_list(const Json& j, const char* key, std::vector<int64_t>& out, std::string_view where) {
  auto it = j.find(key);
  if (it == j.end()) return ok_status();
  if (!it->is_array()) return invalid_argument(std::string(where) + ": field " + key + " must be a list");
  out.clear();
  for (const auto& v : *it) {
    if (!v.is_number_integer()) return invalid_argument(std::string(where) + ": field " + key + " holds a non-integer");
    out.push_back(v.get<int64_t>());
  }
  return ok_status();
}

// transformers 5 names the per-layer attention kind instead of giving compress_ratios.
Status ratios_from_layer_types(const Json& j, ModelConfig& c, std::string_view where) {
  int64_t csa = 4, hca = 128;
  if (auto r = j.find("compress_rates"); r != j.end() && r->is_object()) {
    AGENT_RETURN_IF_ERROR(opt_int(*r, "compressed_sparse_attention", csa, where));
    AGENT_RETURN_IF_ERROR(opt_int(*r, "heavily_compressed_attention", hca, where));
  }
  c.compress_ratios.clear();
  for (const auto& t : j["layer_types"]) {
    std::string s = t.is_string() ? t.get<std::string>() : "";
    if (s == "sliding_attention") c.compress_ratios.push_back(0);
    else if (s == "compressed_sparse_attention") c.compress_ratios.push_back(csa);
    else if (s == "heavily_compressed_attention") c.compress_ratios.push_back(hca);
    else return invalid_argument(std::string(where) + ": unknown layer_types entry '" + s + "'");
  }
  return ok_status();
}

Status parse_hf(const Json& j, ModelConfig& c, std::string_view w) {
  AGENT_RETURN_IF_ERROR(req_int(j, "hidden_size", c.dim, w));
  AGENT_RETURN_IF_ERROR(req_int(j, "num_hidden_layers", c.n_layers, w));
  AGENT_RETURN_IF_ERROR(req_int(j, "num_attention_heads", c.n_heads, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "vocab_size", c.vocab_size, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "head_dim", c.head_dim, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "qk_rope_head_dim", c.rope_dim, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "q_lora_rank", c.q_lora_rank, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "o_groups", c.o_groups, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "o_lora_rank", c.o_lora_rank, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "sliding_window", c.window, w));
  AGENT_RETURN_IF_ERROR(int_list(j, "compress_ratios", c.compress_ratios, w));
  if (!j.contains("compress_ratios") && j.contains("layer_types")) {
    AGENT_RETURN_IF_ERROR(ratios_from_layer_types(j, c, w));
  }
  AGENT_RETURN_IF_ERROR(opt_num(j, "rope_theta", c.rope_theta, w));
  AGENT_RETURN_IF_ERROR(opt_num(j, "compress_rope_theta", c.compress_rope_theta, w));
  if (auto rs = j.find("rope_scaling"); rs != j.end() && rs->is_object()) {
    AGENT_RETURN_IF_ERROR(opt_num(*rs, "factor", c.rope_factor, w));
    AGENT_RETURN_IF_ERROR(opt_int(*rs, "original_max_position_embeddings", c.original_seq_len, w));
    AGENT_RETURN_IF_ERROR(opt_num(*rs, "beta_fast", c.beta_fast, w));
    AGENT_RETURN_IF_ERROR(opt_num(*rs, "beta_slow", c.beta_slow, w));
  }
  AGENT_RETURN_IF_ERROR(opt_int(j, "index_n_heads", c.index_n_heads, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "index_head_dim", c.index_head_dim, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "index_topk", c.index_topk, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "n_routed_experts", c.n_routed_experts, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "n_shared_experts", c.n_shared_experts, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "num_experts_per_tok", c.n_activated_experts, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "moe_intermediate_size", c.moe_inter_dim, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "num_hash_layers", c.n_hash_layers, w));
  if (!j.contains("num_hash_layers") && j.contains("mlp_layer_types") && j["mlp_layer_types"].is_array()) {
    c.n_hash_layers = 0;
    for (const auto& t : j["mlp_layer_types"]) c.n_hash_layers += (t == "hash_moe");
  }
  if (auto it = j.find("scoring_func"); it != j.end() && it->is_string()) c.score_func = it->get<std::string>();
  if (auto it = j.find("norm_topk_prob"); it != j.end() && it->is_boolean()) c.norm_topk_prob = it->get<bool>();
  AGENT_RETURN_IF_ERROR(opt_num(j, "routed_scaling_factor", c.route_scale, w));
  AGENT_RETURN_IF_ERROR(opt_num(j, "swiglu_limit", c.swiglu_limit, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "hc_mult", c.hc_mult, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "hc_sinkhorn_iters", c.hc_sinkhorn_iters, w));
  AGENT_RETURN_IF_ERROR(opt_num(j, "hc_eps", c.hc_eps, w));
  AGENT_RETURN_IF_ERROR(opt_num(j, "rms_norm_eps", c.norm_eps, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "bos_token_id", c.bos_token_id, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "eos_token_id", c.eos_token_id, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "max_position_embeddings", c.max_position_embeddings, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "num_nextn_predict_layers", c.n_mtp_layers, w));
  return ok_status();
}

Status parse_short(const Json& j, ModelConfig& c, std::string_view w) {
  AGENT_RETURN_IF_ERROR(req_int(j, "dim", c.dim, w));
  AGENT_RETURN_IF_ERROR(req_int(j, "n_layers", c.n_layers, w));
  AGENT_RETURN_IF_ERROR(req_int(j, "n_heads", c.n_heads, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "vocab_size", c.vocab_size, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "moe_inter_dim", c.moe_inter_dim, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "n_hash_layers", c.n_hash_layers, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "n_routed_experts", c.n_routed_experts, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "n_shared_experts", c.n_shared_experts, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "n_activated_experts", c.n_activated_experts, w));
  if (auto it = j.find("score_func"); it != j.end() && it->is_string()) c.score_func = it->get<std::string>();
  AGENT_RETURN_IF_ERROR(opt_num(j, "route_scale", c.route_scale, w));
  AGENT_RETURN_IF_ERROR(opt_num(j, "swiglu_limit", c.swiglu_limit, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "q_lora_rank", c.q_lora_rank, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "head_dim", c.head_dim, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "rope_head_dim", c.rope_dim, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "o_groups", c.o_groups, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "o_lora_rank", c.o_lora_rank, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "window_size", c.window, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "original_seq_len", c.original_seq_len, w));
  AGENT_RETURN_IF_ERROR(opt_num(j, "rope_theta", c.rope_theta, w));
  AGENT_RETURN_IF_ERROR(opt_num(j, "rope_factor", c.rope_factor, w));
  AGENT_RETURN_IF_ERROR(opt_num(j, "beta_fast", c.beta_fast, w));
  AGENT_RETURN_IF_ERROR(opt_num(j, "beta_slow", c.beta_slow, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "index_n_heads", c.index_n_heads, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "index_head_dim", c.index_head_dim, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "index_topk", c.index_topk, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "hc_mult", c.hc_mult, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "hc_sinkhorn_iters", c.hc_sinkhorn_iters, w));
  AGENT_RETURN_IF_ERROR(opt_num(j, "hc_eps", c.hc_eps, w));
  AGENT_RETURN_IF_ERROR(opt_num(j, "norm_eps", c.norm_eps, w));
  AGENT_RETURN_IF_ERROR(opt_num(j, "compress_rope_theta", c.compress_rope_theta, w));
  AGENT_RETURN_IF_ERROR(opt_int(j, "n_mtp_layers", c.n_mtp_layers, w));
  return int_list(j, "compress_ratios", c.compress_ratios, w);
}

}  // namespace

RopeSpec ModelConfig::rope_for_layer(int64_t layer) const {
  RopeSpec s;
  s.n_dims = rope_dim;
  if (ratio(layer) == 0) {
    s.base = rope_theta;  // window-only layers: plain RoPE
    return s;
  }
  s.base = compress_rope_theta;
  s.yarn = original_seq_len > 0;
  s.factor = rope_factor;
  s.original_seq_len = original_seq_len;
  s.beta_fast = beta_fast;
  s.beta_slow = beta_slow;
  return s;
}

double ModelConfig::kv_bytes_per_token(double elem_bytes) const {
  double per = 0;
  for (int64_t l = 0; l < n_layers; ++l) {
    const int64_t m = ratio(l);
    if (m == 0) continue;
    per += double(head_dim) / double(m);
    if (m == 4) per += double(index_head_dim) / 4.0;
  }
  return per * elem_bytes;
}

Status ModelConfig::validate() const {
  auto bad = [](const std::string& m) { return invalid_argument("model config: " + m); };
  if (vocab_size <= 0 || dim <= 0 || n_layers <= 0 || n_heads <= 0 || head_dim <= 0) {
    return bad("vocab_size, dim, n_layers, n_heads and head_dim must be positive");
  }
  if (int64_t(compress_ratios.size()) < n_layers) {
    return bad("compress_ratios has " + std::to_string(compress_ratios.size()) + " entries for " +
               std::to_string(n_layers) + " layers");
  }
  bool csa = false;
  for (int64_t l = 0; l < n_layers; ++l) {
    if (ratio(l) < 0) return bad("compress_ratios[" + std::to_string(l) + "] is negative");
    csa = csa || ratio(l) == 4;
  }
  if (rope_dim <= 0 || rope_dim % 2 || rope_dim > head_dim) return bad("qk_rope_head_dim must be even and <= head_dim");
  if (q_lora_rank <= 0 || o_lora_rank <= 0 || o_groups <= 0 || n_heads % o_groups) {
    return bad("n_heads must be a multiple of o_groups, and the lora ranks positive");
  }
  if (window <= 0) return bad("sliding_window must be positive");
  if (csa && (index_n_heads <= 0 || index_topk <= 0 || index_head_dim < rope_dim ||
              (index_head_dim & (index_head_dim - 1)))) {
    return bad("CSA layers need index_n_heads > 0, index_topk > 0 and a power-of-two index_head_dim >= the rope dims");
  }
  if (n_routed_experts <= 0 || n_activated_experts <= 0 || n_activated_experts > n_routed_experts) {
    return bad("num_experts_per_tok must be between 1 and n_routed_experts");
  }
  if (n_shared_experts < 0 || n_shared_experts > 1) return bad("n_shared_experts must be 0 or 1");
  if (moe_inter_dim <= 0) return bad("moe_intermediate_size must be positive");
  if (n_hash_layers < 0 || n_hash_layers > n_layers) return bad("num_hash_layers out of range");
  if (score_func != "sqrtsoftplus") return bad("scoring_func '" + score_func + "' is not supported (only sqrtsoftplus)");
  if (hc_mult <= 0 || hc_sinkhorn_iters <= 0) return bad("hc_mult and hc_sinkhorn_iters must be positive");
  if (!(norm_eps > 0) || !(hc_eps >= 0)) return bad("rms_norm_eps must be positive");
  return ok_status();
}

Result<ModelConfig> parse_model_config(const Json& j, std::string_view where) {
  if (!j.is_object()) return invalid_argument(std::string(where) + ": not a JSON object");
  ModelConfig c;
  c.compress_ratios.clear();
  if (j.contains("hidden_size")) {
    AGENT_RETURN_IF_ERROR(parse_hf(j, c, where));
  } else if (j.contains("dim")) {
    AGENT_RETURN_IF_ERROR(parse_short(j, c, where));
  } else {
    return invalid_argument(std::string(where) + ": neither a Hugging Face config (hidden_size) nor the official runner's (dim)");
  }
  AGENT_RETURN_IF_ERROR(c.validate().with_context(where));
  return c;
}

Result<ModelConfig> load_model_config(const std::filesystem::path& dir) {
  auto p = dir / "config.json";
  AGENT_ASSIGN_OR_RETURN(std::string text, read_file(p, 1 << 20));
  AGENT_ASSIGN_OR_RETURN(Json j, parse_json(text, p.string()));
  return parse_model_config(j, p.string());
}

Result<ModelConfig> model_config_from_gguf(const GgufFile& g) {
  AGENT_ASSIGN_OR_RETURN(std::string arch, g.get_string("general.architecture"));
  if (arch != "deepseek4") return invalid_argument(g.describe() + ": architecture is '" + arch + "', not deepseek4");
  const std::string a = "deepseek4.";
  ModelConfig c;
  AGENT_ASSIGN_OR_RETURN(c.dim, g.get_int(a + "embedding_length"));
  AGENT_ASSIGN_OR_RETURN(int64_t blocks, g.get_int(a + "block_count"));
  c.n_mtp_layers = g.int_or_none(a + "nextn_predict_layers").value_or(0);
  c.n_layers = blocks - c.n_mtp_layers;
  AGENT_ASSIGN_OR_RETURN(c.n_heads, g.get_int(a + "attention.head_count"));
  AGENT_ASSIGN_OR_RETURN(c.head_dim, g.get_int(a + "attention.key_length"));
  AGENT_ASSIGN_OR_RETURN(c.rope_dim, g.get_int(a + "rope.dimension_count"));
  AGENT_ASSIGN_OR_RETURN(c.q_lora_rank, g.get_int(a + "attention.q_lora_rank"));
  AGENT_ASSIGN_OR_RETURN(c.o_groups, g.get_int(a + "attention.output_group_count"));
  AGENT_ASSIGN_OR_RETURN(c.o_lora_rank, g.get_int(a + "attention.output_lora_rank"));
  AGENT_ASSIGN_OR_RETURN(c.window, g.get_int(a + "attention.sliding_window"));
  AGENT_ASSIGN_OR_RETURN(c.compress_ratios, g.get_int_array(a + "attention.compress_ratios"));
  c.rope_theta = g.float_or_none(a + "rope.freq_base").value_or(10000.0);
  AGENT_ASSIGN_OR_RETURN(c.compress_rope_theta, g.get_float(a + "attention.compress_rope_freq_base"));
  c.rope_factor = g.float_or_none(a + "rope.scaling.factor").value_or(1.0);
  c.original_seq_len = g.int_or_none(a + "rope.scaling.original_context_length").value_or(0);
  c.beta_fast = g.float_or_none(a + "rope.scaling.yarn_beta_fast").value_or(32.0);
  c.beta_slow = g.float_or_none(a + "rope.scaling.yarn_beta_slow").value_or(1.0);
  c.index_n_heads = g.int_or_none(a + "attention.indexer.head_count").value_or(0);
  c.index_head_dim = g.int_or_none(a + "attention.indexer.key_length").value_or(0);
  c.index_topk = g.int_or_none(a + "attention.indexer.top_k").value_or(0);
  AGENT_ASSIGN_OR_RETURN(c.n_routed_experts, g.get_int(a + "expert_count"));
  AGENT_ASSIGN_OR_RETURN(c.n_activated_experts, g.get_int(a + "expert_used_count"));
  c.n_shared_experts = g.int_or_none(a + "expert_shared_count").value_or(1);
  AGENT_ASSIGN_OR_RETURN(c.moe_inter_dim, g.get_int(a + "expert_feed_forward_length"));
  c.n_hash_layers = g.int_or_none(a + "hash_layer_count").value_or(0);
  if (g.int_or_none(a + "expert_gating_func").value_or(4) != 4) c.score_func = "(gguf gating func != sqrt-softplus)";
  c.norm_topk_prob = g.int_or_none(a + "expert_weights_norm").value_or(1) != 0;
  c.route_scale = g.float_or_none(a + "expert_weights_scale").value_or(1.0);
  auto first_float = [&](const std::string& key, double fallback) {
    const GgufValue* v = g.value(key);
    if (!v) return fallback;
    if (v->kind == GgufValue::Kind::kFloatArray && !v->floats.empty()) return v->floats[0];
    return v->kind == GgufValue::Kind::kFloat || v->kind == GgufValue::Kind::kInt ? v->f : fallback;
  };
  c.swiglu_limit = first_float(a + "swiglu_clamp_exp", 0.0);
  c.shared_swiglu_limit = first_float(a + "swiglu_clamp_shexp", c.swiglu_limit);
  c.hc_mult = g.int_or_none(a + "hyper_connection.count").value_or(4);
  c.hc_sinkhorn_iters = g.int_or_none(a + "hyper_connection.sinkhorn_iterations").value_or(20);
  c.hc_eps = g.float_or_none(a + "hyper_connection.epsilon").value_or(1e-6);
  c.norm_eps = g.float_or_none(a + "attention.layer_norm_rms_epsilon").value_or(1e-6);
  c.max_position_embeddings = g.int_or_none(a + "context_length").value_or(c.max_position_embeddings);
  c.bos_token_id = g.int_or_none("tokenizer.ggml.bos_token_id").value_or(0);
  c.eos_token_id = g.int_or_none("tokenizer.ggml.eos_token_id").value_or(1);
  if (auto v = g.int_or_none(a + "vocab_size")) {
    c.vocab_size = *v;
  } else if (const GgufValue* t = g.value("tokenizer.ggml.tokens")) {
    c.vocab_size = int64_t(t->strings.size());
  } else if (const TensorView* e = g.find("token_embd.weight")) {
    c.vocab_size = e->dim(0);
  }
  AGENT_RETURN_IF_ERROR(c.validate().with_context(g.describe()));
  return c;
}

}  // namespace agent::engine
