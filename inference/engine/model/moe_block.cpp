// Forward::moe: routing (hash layers by token id, score layers by sqrt-softplus with the
// selection bias), the routed SwiGLU experts and the shared expert (section 2.8).
#include "inference/engine/model/forward.h"

namespace agent::engine {

void Forward::moe(int64_t l) {
  const LayerWeights& L = w.layers[size_t(l)];
  const int64_t d = c.dim, k = c.n_activated_experts, I = c.moe_inter_dim;
  DeviceArray<int32_t> experts(ops, size_t(n * k));
  DeviceArray<float> weights(ops, size_t(n * k));
  const bool hash = c.is_hash_layer(l);
  ops.moe_route(L.gate, xn.data(), n, hash ? nullptr : L.gate_bias.data(), hash ? L.tid2eid.data() : nullptr,
                ids.data(), k, c.norm_topk_prob, float(c.route_scale), experts.data(), weights.data());
  ops.moe_experts(L.experts.data(), int64_t(L.experts.size()), xn.data(), n, d, experts.data(), weights.data(), k,
                  float(c.swiglu_limit), quantized(), official, out.data());
  if (!L.has_shared) {
    if (official) ops.round_bf16(out.data(), n * d);
    return;
  }
  DeviceArray<float> g(ops, size_t(n * I)), u(ops, size_t(n * I)), s(ops, size_t(n * d));
  ops.matmul(L.shared.w1, xn.data(), d, n, g.data(), I, quantized());
  ops.matmul(L.shared.w3, xn.data(), d, n, u.data(), I, quantized());
  ops.swiglu(g.data(), u.data(), n, I, float(c.shared_swiglu_limit), g.data(), official);
  ops.matmul(L.shared.w2, g.data(), I, n, s.data(), d, quantized());
  ops.add(out.data(), s.data(), n * d, official);  // f32 sum of routed + shared, then bf16
}

}  // namespace agent::engine
