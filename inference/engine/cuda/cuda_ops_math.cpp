// CudaOps: the numeric ops, each a launch (or a few) of the kernels in kernels.h, with the
// matmul path chosen per call: weight streaming for a few rows, cuBLASLt or our FP8 tensor-core
// kernel for the official FP8 numerics, tiled f32 otherwise.
#include <cmath>
#include <optional>

#include "inference/engine/cpu/cpu_util.h"
#include "inference/engine/cuda/cublaslt.h"
#include "inference/engine/cuda/cuda_ops.h"
#include "inference/engine/cuda/kernels.h"

namespace agent::engine::cuda {
namespace {

bool aligned16(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 15) == 0; }
bool fp8_format(int32_t f) { return f == int32_t(WeightFormat::kFP8Block) || f == int32_t(WeightFormat::kFP4Group); }

// Tags of the recorded ops (graph shape signature).
enum Tag : uint64_t { kElementwise = 10, kNorm, kRope, kHadamard, kFp4, kHyper, kCompress, kIndexer, kAttention,
                      kRoute, kExperts, kSoftmax, kMatmul = 100 };

}  // namespace

// ---- element-wise, normalisation, positions ----

void CudaOps::add(float* x, const float* y, int64_t n, bool bf16) {
  launch_add(x, y, n, bf16, stream_);
  note(kElementwise);
}
void CudaOps::round_bf16(float* x, int64_t n) {
  launch_round_bf16(x, n, stream_);
  note(kElementwise);
}
void CudaOps::scale(float* x, int64_t n, float s, bool bf16) {
  launch_scale(x, n, s, bf16, stream_);
  note(kElementwise);
}
void CudaOps::swiglu(const float* g, const float* u, int64_t n, int64_t inter, float limit, float* h, bool bf16) {
  launch_swiglu(g, u, n, inter, limit, nullptr, h, bf16, stream_);
  note(kElementwise);
}
void CudaOps::embed(const WeightMatrix& table, const int32_t* ids, int64_t n, float* out) {
  launch_embed(dev(table), ids, n, out, stream_);
  note(kElementwise);
}
void CudaOps::rms_norm(const float* x, int64_t ldx, const float* w, int64_t n, int64_t d, float eps, float* y,
                       int64_t ldy, bool bf16, bool bf16_chain) {
  launch_rms_norm(x, ldx, w, n, d, eps, y, ldy, bf16, bf16_chain, stream_);
  note(kNorm);
}
void CudaOps::rope(float* x, int64_t n, int64_t heads, int64_t ld_row, int64_t ld_head, int64_t offset, int64_t pos0,
                   int64_t pos_step, const RopeSpec& spec, bool inverse, bool bf16) {
  RopeTable t;
  const std::vector<float> f = rope_inv_freq(spec);  // the CPU's frequencies, bit for bit
  if (f.size() > sizeof t.inv_freq / sizeof(float)) {
    std::fprintf(stderr, "rope: %zu rotated pairs exceed the kernel's table\n", f.size());
    std::abort();
  }
  t.half = int(f.size());
  for (size_t i = 0; i < f.size(); ++i) t.inv_freq[i] = f[i];
  launch_rope(x, n, heads, ld_row, ld_head, offset, pos0, pos_step, t, inverse, bf16, stream_);
  note(kRope);
}
void CudaOps::hadamard(float* x, int64_t rows, int64_t dim, bool bf16) {
  launch_hadamard(x, rows, dim, 1.0f / std::sqrt(float(dim)), bf16, stream_);
  note(kHadamard);
}
void CudaOps::fp4_simulate(float* x, int64_t rows, int64_t dim, int64_t block) {
  launch_fp4_simulate(x, rows, dim, block, stream_);
  note(kFp4);
}
void CudaOps::log_softmax(const float* logits, int64_t n, int64_t v, float* out) {
  launch_log_softmax(logits, n, v, out, stream_);
  note(kSoftmax);
}

// ---- hyper-connections ----

void CudaOps::hc_pre(const float* X, int64_t n, int64_t hc, int64_t d, const float* fn, const float* scale,
                     const float* base, int64_t iters, float hc_eps, float norm_eps, float* y, float* post,
                     float* comb, bool bf16) {
  Tmp<float> part(*this, size_t(hc_scratch_floats(n, hc, d)));
  launch_hc_pre(X, n, hc, d, fn, scale, base, iters, hc_eps, norm_eps, y, post, comb, bf16, part.get(), stream_);
  note(kHyper);
}
void CudaOps::hc_post(const float* f, const float* X, const float* post, const float* comb, int64_t n, int64_t hc,
                      int64_t d, float* Xout, bool bf16) {
  launch_hc_post(f, X, post, comb, n, hc, d, Xout, bf16, stream_);
  note(kHyper);
}
void CudaOps::hc_head(const float* X, int64_t n, int64_t hc, int64_t d, const float* fn, const float* scale,
                      const float* base, float hc_eps, float norm_eps, float* y, bool bf16) {
  Tmp<float> part(*this, size_t(hc_scratch_floats(n, hc, d)));
  launch_hc_head(X, n, hc, d, fn, scale, base, hc_eps, norm_eps, y, bf16, part.get(), stream_);
  note(kHyper);
}

// ---- compression, indexer, attention ----

int64_t CudaOps::compress(const float* kv, const float* score, int64_t n, int64_t pos0, int64_t ratio, bool overlap,
                          int64_t hd, const float* ape, float* kv_state, float* score_state, float* out) {
  const int64_t made = launch_compress(kv, score, n, pos0, ratio, overlap, hd, ape, kv_state, score_state, out, stream_);
  note(kCompress * 131 + uint64_t(made > 0) * 2 + uint64_t((pos0 + n) % ratio != 0));
  return made;
}

void CudaOps::indexer_topk(const float* q, const float* w, int64_t n, int64_t heads, int64_t hd, const float* keys,
                           int64_t pos0, int64_t ratio, int64_t k, int32_t* idx, bool bf16) {
  // Scores of a chunk of rows at a time, the chunk cut to the planned scratch.
  const int64_t ld = std::max<int64_t>(1, (pos0 + n) / ratio);
  const int64_t rows = std::max<int64_t>(1, std::min<int64_t>(n, int64_t(kIndexerScoreBytes / 4) / ld));
  Tmp<float> scores(*this, size_t(rows * ld));
  for (int64_t r0 = 0; r0 < n; r0 += rows) {
    const int64_t rc = std::min(rows, n - r0);
    launch_indexer_scores(q + r0 * heads * hd, w + r0 * heads, rc, heads, hd, keys, pos0 + r0, ratio, scores.get(),
                          ld, bf16, stream_);
    launch_topk_rows(scores.get(), ld, rc, pos0 + r0, ratio, k, idx + r0 * k, stream_);
    note(kIndexer);
  }
}

void CudaOps::attention(const float* q, int64_t n, int64_t heads, int64_t hd, int64_t pos0, const float* win,
                        int64_t win_pos0, int64_t window, const float* comp, const int32_t* comp_idx, int64_t k_comp,
                        int64_t ratio, const float* sink, float scale, float* out, bool bf16) {
  AttentionArgs a;
  a.q = q, a.n = n, a.heads = heads, a.hd = hd, a.pos0 = pos0, a.win = win, a.win_pos0 = win_pos0;
  a.window = window, a.comp = comp, a.comp_idx = comp_idx, a.k_comp = k_comp, a.ratio = ratio, a.sink = sink;
  a.scale = scale, a.out = out, a.bf16 = bf16;
  // About 64 keys per block, as many splits as the planned partials allow.
  const int64_t keys = attention_max_keys(a);
  const int64_t cap = std::max<int64_t>(1, kMaxAttentionPartials / std::max<int64_t>(1, n * heads));
  const int splits = int(std::min<int64_t>({(keys + 63) / 64, cap, 1024}));
  std::optional<Tmp<float>> part;
  if (splits > 1) part.emplace(*this, size_t(n * heads * splits * (hd + 2)));
  launch_attention(a, splits, part ? part->get() : nullptr, stream_);
  note(kAttention * 131 + uint64_t(splits > 1));
}

// ---- matmuls ----

CudaOps::MatmulPath CudaOps::choose_path(const DevMatrix& w, int64_t n, const MatmulOptions& opt, const float* y,
                                          int64_t ldy) const {
  const int64_t K = w.cols;
  const bool fp8_ok = opt.fp8_activations && fp8_format(w.format) && K % 32 == 0;
  const bool lt_ok = lt_ && opt.fp8_activations && w.format == int32_t(WeightFormat::kFP8Block) && K % 128 == 0 &&
                     (K / 128) % 4 == 0 && w.rows % 16 == 0 && n % 16 == 0 && ldy % 4 == 0 && aligned16(y) &&
                     w.row_offset % 128 == 0 && aligned16(w.data);
  switch (forced_) {
    case MatmulPath::kGemv: if (n <= kGemvMaxTokens) return MatmulPath::kGemv; break;
    case MatmulPath::kFp8: if (fp8_ok) return MatmulPath::kFp8; break;
    case MatmulPath::kCublasLt: if (lt_ok) return MatmulPath::kCublasLt; break;
    case MatmulPath::kTiledF32: return MatmulPath::kTiledF32;
    case MatmulPath::kAuto: break;
  }
  if (n <= kGemvMaxTokens) return MatmulPath::kGemv;
  if (lt_ok && n >= 64) return MatmulPath::kCublasLt;
  if (fp8_ok) return MatmulPath::kFp8;
  return MatmulPath::kTiledF32;
}

void CudaOps::matmul(const WeightMatrix& w, const float* x, int64_t ldx, int64_t n, float* y, int64_t ldy,
                     const MatmulOptions& opt) {
  matmul_dev(dev(w), x, ldx, n, y, ldy, opt);
}

bool CudaOps::matmul_cublaslt(const DevMatrix& w, const float* x, int64_t ldx, int64_t n, float* y, int64_t ldy,
                              bool bf16) {
  const int64_t K = w.cols, KB = K / 128;
  Tmp<uint8_t> codes(*this, size_t(n * K));
  Tmp<float> xs(*this, size_t(n * KB));
  Tmp<uint8_t> ws(*this, opt_.cublaslt_workspace);
  launch_fp8_quantize(x, ldx, n, K, nullptr, codes.get(), xs.get(), 1, n, stream_);  // VEC128: [kb][token]
  const float* wscale = static_cast<const float*>(w.scales) + (w.row_offset / 128) * KB;
  ++stats_.cublaslt_calls;
  if (!lt_->fp8_block_gemm(w.data, wscale, w.rows, K, codes.get(), xs.get(), n, y, ldy, ws.get(),
                           opt_.cublaslt_workspace, stream_)) {
    ++stats_.cublaslt_fallbacks;
    return false;
  }
  if (bf16) launch_round_bf16_2d(y, n, w.rows, ldy, stream_);
  return true;
}

void CudaOps::matmul_dev(const DevMatrix& w, const float* x, int64_t ldx, int64_t n, float* y, int64_t ldy,
                         const MatmulOptions& opt) {
  if (n <= 0) return;
  MatmulPath path = choose_path(w, n, opt, y, ldy);
  const int64_t K = w.cols, KB = (K + 127) / 128;
  if (path == MatmulPath::kCublasLt && !matmul_cublaslt(w, x, ldx, n, y, ldy, opt.bf16_output)) {
    path = MatmulPath::kFp8;
  }
  last_path_ = path;
  note(kMatmul + uint64_t(path));
  if (path == MatmulPath::kCublasLt) return;
  if (path == MatmulPath::kFp8) {
    Tmp<uint8_t> codes(*this, size_t(n * K));
    Tmp<float> xs(*this, size_t(n * KB));
    launch_fp8_quantize(x, ldx, n, K, nullptr, codes.get(), xs.get(), KB, 1, stream_);
    // Few blocks (decode-sized n): split K so the weights stream through every SM.
    const int tile = fp8_token_tile(n);
    const int64_t blocks = (n + tile - 1) / tile * ((w.rows + 63) / 64);
    const int64_t want = 2 * int64_t(sm_count_);
    const int splits = blocks >= want ? 1 : int(std::min<int64_t>(KB, (want + blocks - 1) / blocks));
    std::optional<Tmp<float>> ws;
    if (splits > 1) ws.emplace(*this, size_t(splits) * size_t(n * w.rows));
    launch_gemm_fp8(w, nullptr, nullptr, Fp8Act{codes.get(), xs.get(), K}, n, y, ldy, opt.bf16_output, splits,
                    ws ? ws->get() : nullptr, stream_);
    return;
  }
  // f32 paths: the official FP8 activation simulation first, where asked.
  std::optional<Tmp<float>> deq;
  const float* xin = x;
  int64_t ld = ldx;
  if (opt.fp8_activations) {
    deq.emplace(*this, size_t(n * K));
    launch_fp8_quantize(x, ldx, n, K, deq->get(), nullptr, nullptr, 0, 0, stream_);
    xin = deq->get(), ld = K;
  }
  if (path == MatmulPath::kGemv) launch_gemv(w, nullptr, xin, ld, n, y, ldy, opt.bf16_output, stream_);
  else launch_gemm_f32(w, nullptr, nullptr, xin, ld, n, y, ldy, opt.bf16_output, stream_);
}

// ---- mixture of experts ----

void CudaOps::moe_route(const WeightMatrix& gate, const float* x, int64_t n, const float* bias, const int32_t* hash,
                        const int32_t* tokens, int64_t k, bool norm, float route_scale, int32_t* idx, float* wts) {
  const int64_t E = gate.rows;
  Tmp<float> logits(*this, size_t(n * E));
  matmul_dev(dev(gate), x, gate.cols, n, logits.get(), E, MatmulOptions{});  // f32, as the CPU's router
  launch_moe_route(logits.get(), n, E, bias, hash, tokens, k, norm, route_scale, idx, wts, stream_);
  note(kRoute);
}

void CudaOps::moe_experts(const ExpertWeights* experts, int64_t n_experts, const float* x, int64_t n, int64_t d,
                          const int32_t* idx, const float* wts, int64_t k, float limit, const MatmulOptions& opt,
                          bool bf16_hidden, float* y) {
  const DevMatrix* table = expert_table(experts, n_experts);
  Tmp<float> out(*this, size_t(n * k * d));
  moe_matmuls(dev(experts[0].w1), dev(experts[0].w2), table, x, n, d, idx, wts, k, n_experts, limit, opt,
              bf16_hidden, out.get());
  launch_moe_combine(out.get(), idx, n, k, d, y, stream_);
  note(kExperts);
}

// out[p, d] for the P = n * k pairs: W2 · (w_p · swiglu(W1 x, W3 x)), cpu moe_experts per pair.
void CudaOps::moe_matmuls(const DevMatrix& rep1, const DevMatrix& rep2, const DevMatrix* table, const float* x,
                          int64_t n, int64_t d, const int32_t* idx, const float* wts, int64_t k, int64_t E,
                          float limit, const MatmulOptions& opt, bool bf16_hidden, float* out) {
  const int64_t P = n * k, I = rep1.rows;
  const Grouped g1{table, idx, kW1, k}, g3{table, idx, kW3, k}, g2{table, idx, kW2, 1};
  Tmp<float> G(*this, size_t(P * I)), U(*this, size_t(P * I));
  const bool tensor_cores = opt.fp8_activations && fp8_format(rep1.format) && d % 32 == 0 && I % 32 == 0 &&
                            forced_ != MatmulPath::kTiledF32 && forced_ != MatmulPath::kGemv;
  const bool streaming = n <= kGemvMaxTokens && forced_ != MatmulPath::kTiledF32 && forced_ != MatmulPath::kFp8;
  note(kExperts * 131 + uint64_t(streaming) * 2 + uint64_t(tensor_cores));
  // The official FP8 activation simulation of the f32 paths (the tensor-core path quantises
  // into codes instead).
  auto simulated = [&](const float* a, int64_t rows, int64_t K, std::optional<Tmp<float>>& keep) {
    if (!opt.fp8_activations) return a;
    keep.emplace(*this, size_t(rows * K));
    launch_fp8_quantize(a, K, rows, K, keep->get(), nullptr, nullptr, 0, 0, stream_);
    return static_cast<const float*>(keep->get());
  };
  if (streaming) {  // decode: one block row per (pair, 8 weight rows), experts streamed once per pair
    std::optional<Tmp<float>> xq, hq;
    const float* xin = simulated(x, n, d, xq);
    launch_gemv(rep1, &g1, xin, d, P, G.get(), I, opt.bf16_output, stream_);
    launch_gemv(rep1, &g3, xin, d, P, U.get(), I, opt.bf16_output, stream_);
    launch_swiglu(G.get(), U.get(), P, I, limit, wts, G.get(), bf16_hidden, stream_);
    const float* hin = simulated(G.get(), P, I, hq);
    launch_gemv(rep2, &g2, hin, I, P, out, d, opt.bf16_output, stream_);
    return;
  }
  // Prefill: pairs grouped by expert, one grouped GEMM per projection.
  const int tile = 64;
  Tmp<int32_t> sorted(*this, size_t(P));
  Tmp<int4> items(*this, size_t(P / tile + E + 1));
  Tmp<int32_t> n_items(*this, 1);
  launch_moe_group(idx, P, E, tile, sorted.get(), items.get(), n_items.get(), stream_);
  const GroupWork gw{sorted.get(), items.get(), n_items.get(), (P + tile - 1) / tile + E};
  if (tensor_cores) {
    const int64_t KBd = (d + 127) / 128, KBi = (I + 127) / 128;
    Tmp<uint8_t> xc(*this, size_t(n * d)), hc(*this, size_t(P * I));
    Tmp<float> xs(*this, size_t(n * KBd)), hs(*this, size_t(P * KBi));
    launch_fp8_quantize(x, d, n, d, nullptr, xc.get(), xs.get(), KBd, 1, stream_);
    launch_gemm_fp8(rep1, &g1, &gw, Fp8Act{xc.get(), xs.get(), d}, P, G.get(), I, opt.bf16_output, 1, nullptr, stream_);
    launch_gemm_fp8(rep1, &g3, &gw, Fp8Act{xc.get(), xs.get(), d}, P, U.get(), I, opt.bf16_output, 1, nullptr, stream_);
    launch_swiglu(G.get(), U.get(), P, I, limit, wts, G.get(), bf16_hidden, stream_);
    launch_fp8_quantize(G.get(), I, P, I, nullptr, hc.get(), hs.get(), KBi, 1, stream_);
    launch_gemm_fp8(rep2, &g2, &gw, Fp8Act{hc.get(), hs.get(), I}, P, out, d, opt.bf16_output, 1, nullptr, stream_);
    return;
  }
  std::optional<Tmp<float>> xq, hq;
  const float* xin = simulated(x, n, d, xq);
  launch_gemm_f32(rep1, &g1, &gw, xin, d, P, G.get(), I, opt.bf16_output, stream_);
  launch_gemm_f32(rep1, &g3, &gw, xin, d, P, U.get(), I, opt.bf16_output, stream_);
  launch_swiglu(G.get(), U.get(), P, I, limit, wts, G.get(), bf16_hidden, stream_);
  const float* hin = simulated(G.get(), P, I, hq);
  launch_gemm_f32(rep2, &g2, &gw, hin, I, P, out, d, opt.bf16_output, stream_);
}

// ---- sampling ----

std::vector<int32_t> CudaOps::sample(const float* logits, int64_t n, int64_t v, double temperature, double top_p,
                                     const std::vector<double>& u) {
  Tmp<double> ud(*this, size_t(n));
  Tmp<int32_t> out(*this, size_t(n));
  upload(ud.get(), u.data(), size_t(n) * sizeof(double));
  launch_sample(logits, n, v, temperature, top_p, ud.get(), out.get(), stream_);
  std::vector<int32_t> r(static_cast<size_t>(n));
  download(r.data(), out.get(), r.size() * sizeof(int32_t));
  return r;
}

}  // namespace agent::engine::cuda
