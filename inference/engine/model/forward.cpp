// Forward: embedding, the block loop with hyper-connections, and the head.
#include "inference/engine/model/forward.h"

namespace agent::engine {

Forward::Forward(Ops& o, const ModelConfig& cfg, const ModelWeights& wt, Sequence& s, bool off, int64_t n_new)
    : ops(o), c(cfg), w(wt), seq(s), official(off), n(n_new), pos0(s.position()),
      ids(o, size_t(n_new)),
      X(o, size_t(n_new * cfg.hc_mult * cfg.dim)), X2(o, size_t(n_new * cfg.hc_mult * cfg.dim)),
      y(o, size_t(n_new * cfg.dim)), xn(o, size_t(n_new * cfg.dim)),
      post(o, size_t(n_new * cfg.hc_mult)), comb(o, size_t(n_new * cfg.hc_mult * cfg.hc_mult)),
      out(o, size_t(n_new * cfg.dim)) {}

void Forward::run(const std::vector<int32_t>& tokens) {
  const int64_t d = c.dim, hc = c.hc_mult;
  ops.upload(ids.data(), tokens.data(), tokens.size() * sizeof(int32_t));
  // e = embed[token] copied into each of the hc streams: X [n, hc, d].
  ops.embed(w.embed, ids.data(), n, y.data());
  if (official) ops.round_bf16(y.data(), n * d);
  for (int64_t t = 0; t < n; ++t) {
    for (int64_t s = 0; s < hc; ++s) ops.copy(X.data() + (t * hc + s) * d, y.data() + t * d, size_t(d) * 4);
  }
  for (int64_t l = 0; l < c.n_layers; ++l) {
    const LayerWeights& L = w.layers[size_t(l)];
    // Attention sub-block: X -> (y, post, comb) -> norm -> attention -> X.
    ops.hc_pre(X.data(), n, hc, d, L.hc_attn_fn.data(), L.hc_attn_scale.data(), L.hc_attn_base.data(),
               c.hc_sinkhorn_iters, float(c.hc_eps), float(c.norm_eps), y.data(), post.data(), comb.data(), official);
    ops.rms_norm(y.data(), d, L.attn_norm.data(), n, d, float(c.norm_eps), xn.data(), d, official, false);
    attention(l);
    ops.hc_post(out.data(), X.data(), post.data(), comb.data(), n, hc, d, X2.data(), official);
    std::swap(X, X2);
    // MoE sub-block.
    ops.hc_pre(X.data(), n, hc, d, L.hc_ffn_fn.data(), L.hc_ffn_scale.data(), L.hc_ffn_base.data(),
               c.hc_sinkhorn_iters, float(c.hc_eps), float(c.norm_eps), y.data(), post.data(), comb.data(), official);
    ops.rms_norm(y.data(), d, L.ffn_norm.data(), n, d, float(c.norm_eps), xn.data(), d, official, false);
    moe(l);
    ops.hc_post(out.data(), X.data(), post.data(), comb.data(), n, hc, d, X2.data(), official);
    std::swap(X, X2);
  }
}

std::vector<float> Forward::logits(int64_t rows) {
  const int64_t d = c.dim, hc = c.hc_mult, V = c.vocab_size;
  const float* Xr = X.data() + (n - rows) * hc * d;
  DeviceArray<float> h(ops, size_t(rows * d)), hn(ops, size_t(rows * d)), lg(ops, size_t(rows * V));
  ops.hc_head(Xr, rows, hc, d, w.hc_head_fn.data(), w.hc_head_scale.data(), w.hc_head_base.data(),
              float(c.hc_eps), float(c.norm_eps), h.data(), official);
  ops.rms_norm(h.data(), d, w.norm.data(), rows, d, float(c.norm_eps), hn.data(), d, official, false);
  // The head runs in f32 on the (bf16) normed vector, as the reference's.
  ops.matmul(w.head, hn.data(), d, rows, lg.data(), V, MatmulOptions{});
  return lg.to_host();
}

}  // namespace agent::engine
