// CUDA kernels against the CPU reference (ctest label gpu; skipped without a GPU): the
// compressor state machine across calls, the lightning indexer's top-k (tie-aware), sparse
// attention with the sink, routing, the routed experts on every path, and sampling.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "inference/engine/cuda/cuda_test_util.h"
#include "inference/engine/model/generate.h"

namespace agent::engine::cuda::testing {
namespace {

constexpr double kUlps = 2e-6;    // same operations, expf rounded differently by an ulp or two
constexpr double kF32Sum = 2e-5;  // f32 sums in another order (see cuda_ops_test.cpp)
constexpr double kBf16 = 3e-3;    // outputs rounded to bf16: rare one-ulp flips (2^-8)

using CudaKernels = CudaVsCpu;

// Token by token and in chunks, across block boundaries and both layouts of the state: every
// entry the CPU's compressor emits, the GPU's emits too (and only those).
TEST_F(CudaKernels, CompressorStateMachineAcrossCalls) {
  for (auto [ratio, overlap] : {std::pair<int64_t, bool>{4, true}, std::pair<int64_t, bool>{128, false}}) {
    const int64_t hd = 128, width = overlap ? 2 * hd : hd, co = overlap ? 2 : 1, total = 700;
    auto kv = randn(size_t(total * width)), score = randn(size_t(total * width), 2.0f);
    auto ape = randn(size_t(ratio * width), 0.5f);
    std::vector<float> ckv(size_t(co * ratio * width), 0.0f), csc(ckv.size(), -INFINITY);
    std::vector<float> cout(size_t(total / ratio * hd) + 1, 0.0f);
    float *gkv = up(ckv), *gsc = up(csc), *gape = up(ape);
    float* gout = poisoned(cout.size());
    std::vector<int64_t> chunks = {1, 1, 1, 2, 3, 4, 17, 5, 128, 1, 200, 64, 7, 1};
    int64_t pos = 0;
    for (size_t c = 0; pos < total; ++c) {
      const int64_t n = std::min(total - pos, c < chunks.size() ? chunks[c] : int64_t(rng_() % 40 + 1));
      const int64_t before = pos / ratio;
      const int64_t made_c = cpu_.compress(kv.data() + pos * width, score.data() + pos * width, n, pos, ratio, overlap,
                                           hd, ape.data(), ckv.data(), csc.data(), cout.data() + before * hd);
      const int64_t made_g = gpu_->compress(up(std::vector<float>(kv.begin() + pos * width, kv.begin() + (pos + n) * width)),
                                            up(std::vector<float>(score.begin() + pos * width,
                                                                  score.begin() + (pos + n) * width)),
                                            n, pos, ratio, overlap, hd, gape, gkv, gsc, gout + before * hd);
      ASSERT_EQ(made_c, made_g) << "pos " << pos << " n " << n;
      pos += n;
    }
    const size_t entries = size_t(total / ratio * hd);
    auto g = down(gout, entries);
    // Per channel: max, expf, sum and weighted sum in the CPU's order; expf differs by ulps.
    EXPECT_CLOSE(g, std::vector<float>(cout.begin(), cout.begin() + long(entries)), kUlps, "ratio " << ratio);
  }
}

// Reference index scores in double: what both backends approximate.
std::vector<double> index_scores(const std::vector<float>& q, const std::vector<float>& w, const std::vector<float>& k,
                                 int64_t row, int64_t heads, int64_t hd, int64_t visible) {
  std::vector<double> s(static_cast<size_t>(visible));
  for (int64_t j = 0; j < visible; ++j) {
    for (int64_t h = 0; h < heads; ++h) {
      double d = 0;
      for (int64_t c = 0; c < hd; ++c) d += double(q[size_t((row * heads + h) * hd + c)]) * k[size_t(j * hd + c)];
      s[size_t(j)] += std::max(d, 0.0) * w[size_t(row * heads + h)];
    }
  }
  return s;
}

TEST_F(CudaKernels, IndexerTopKAgreesUpToNearTies) {
  const int64_t heads = 16, hd = 64, k = 24, n = 6;
  for (int64_t pos0 : {int64_t(0), int64_t(40), int64_t(3000)}) {
    const int64_t n_keys = (pos0 + n) / 4 + 1;
    auto q = randn(size_t(n * heads * hd)), w = randn(size_t(n * heads), 0.2f), keys = randn(size_t(n_keys * hd));
    for (bool bf16 : {false, true}) {
      std::vector<int32_t> ci(static_cast<size_t>(n * k));
      cpu_.indexer_topk(q.data(), w.data(), n, heads, hd, keys.data(), pos0, 4, k, ci.data(), bf16);
      auto* gi = static_cast<int32_t*>(gpu_->alloc(size_t(n * k) * 4));
      gpu_->indexer_topk(up(q), up(w), n, heads, hd, up(keys), pos0, 4, k, gi, bf16);
      const auto g = down(gi, size_t(n * k));
      for (int64_t i = 0; i < n; ++i) {
        const int64_t visible = (pos0 + i + 1) / 4;
        const auto s = index_scores(q, w, keys, i, heads, hd, visible);
        double top = 1e-30;
        for (double v : s) top = std::max(top, std::fabs(v));
        // Position by position the chosen keys must score the same up to rounding: f32 sums
        // (1e-5 of the largest score) or bf16 scores (a few bf16 ulps, 2^-6). Exact ties may
        // pick a different index; anything else is a real difference.
        const double tol = (bf16 ? 0.02 : 1e-5) * top;
        for (int64_t j = 0; j < k; ++j) {
          const int32_t a = g[size_t(i * k + j)], b = ci[size_t(i * k + j)];
          ASSERT_EQ(a < 0, b < 0) << "row " << i << " slot " << j;
          if (a < 0) continue;
          ASSERT_LT(a, visible);
          EXPECT_NEAR(s[size_t(a)], s[size_t(b)], tol) << "row " << i << " slot " << j << " pos0 " << pos0;
        }
      }
    }
  }
}

TEST_F(CudaKernels, SparseAttentionWithSink) {
  const int64_t heads = 16, hd = 128, window = 32;
  for (int64_t pos0 : {int64_t(0), int64_t(5), int64_t(300)}) {
    for (int64_t n : {1, 4, 33}) {
      const int64_t win_pos0 = pos0 - (window - 1), win_rows = window - 1 + n, n_comp = (pos0 + n) / 4 + 3;
      auto q = randn(size_t(n * heads * hd), 0.2f), win = randn(size_t(win_rows * hd)), comp = randn(size_t(n_comp * hd));
      auto sink = randn(size_t(heads));
      const int64_t kc = 16;
      std::vector<int32_t> idx(static_cast<size_t>(n * kc));
      for (int64_t i = 0; i < n; ++i) {
        const int64_t vis = (pos0 + i + 1) / 4;
        for (int64_t j = 0; j < kc; ++j) idx[size_t(i * kc + j)] = j < vis && j % 5 != 3 ? int32_t(rng_() % vis) : -1;
      }
      for (int mode = 0; mode < 3; ++mode) {  // 0: window only, 1: selected (CSA), 2: all visible (HCA)
        for (bool bf16 : {false, true}) {
          std::vector<float> c(static_cast<size_t>(n * heads * hd));
          const float* cc = mode ? comp.data() : nullptr;
          const int32_t* ix = mode == 1 ? idx.data() : nullptr;
          cpu_.attention(q.data(), n, heads, hd, pos0, win.data(), win_pos0, window, cc, ix, kc, mode == 2 ? 4 : 0,
                         sink.data(), 0.088f, c.data(), bf16);
          float* g = poisoned(c.size());
          gpu_->attention(up(q), n, heads, hd, pos0, up(win), win_pos0, window, mode ? up(comp) : nullptr,
                          mode == 1 ? up(idx) : nullptr, kc, mode == 2 ? 4 : 0, up(sink), 0.088f, g, bf16);
          // Online softmax over key tiles (and splits) vs the CPU's max-first softmax: f32.
          EXPECT_CLOSE(down(g, c.size()), c, bf16 ? kBf16 : kF32Sum, "mode " << mode << " n " << n << " pos0 " << pos0);
        }
      }
    }
  }
}

TEST_F(CudaKernels, RoutingByScoreAndByHash) {
  const int64_t E = 64, d = 256, k = 6, V = 100;
  auto gate = matrix(WeightFormat::kBF16, E, d, 0.1f);
  auto bias = randn(size_t(E), 0.05f);
  std::vector<int32_t> hash(static_cast<size_t>(V * k)), tokens;
  for (auto& h : hash) h = int32_t(rng_() % E);
  for (int64_t n : {1, 7, 130}) {
    auto x = randn(size_t(n * d));
    tokens.resize(size_t(n));
    for (auto& t : tokens) t = int32_t(rng_() % V);
    for (bool use_hash : {false, true}) {
      std::vector<int32_t> ci(static_cast<size_t>(n * k));
      std::vector<float> cw(static_cast<size_t>(n * k));
      cpu_.moe_route(gate->host, x.data(), n, use_hash ? nullptr : bias.data(), use_hash ? hash.data() : nullptr,
                     tokens.data(), k, true, 1.5f, ci.data(), cw.data());
      auto* gi = static_cast<int32_t*>(gpu_->alloc(size_t(n * k) * 4));
      float* gw = poisoned(size_t(n * k));
      gpu_->moe_route(gate->device, up(x), n, use_hash ? nullptr : up(bias), use_hash ? up(hash) : nullptr, up(tokens),
                      k, true, 1.5f, gi, gw);
      const auto g = down(gi, size_t(n * k));
      // The gate logits are f32 sums in another order: a selection may flip only between
      // experts whose keys are within that rounding (checked by the weights staying close).
      int flips = 0;
      for (size_t i = 0; i < g.size(); ++i) flips += g[i] != ci[i];
      EXPECT_LE(flips, int(g.size() / 50) + 1) << "hash " << use_hash << " n " << n;
      if (flips == 0) EXPECT_CLOSE(down(gw, size_t(n * k)), cw, kF32Sum, "route weights");
    }
  }
}

TEST_F(CudaKernels, RoutedExpertsEveryPath) {
  using P = CudaOps::MatmulPath;
  const int64_t E = 8, d = 256, I = 128, k = 3;
  for (WeightFormat f : {WeightFormat::kFP4Group, WeightFormat::kFP8Block, WeightFormat::kBF16}) {
    std::vector<std::unique_ptr<Matrix>> keep;
    std::vector<ExpertWeights> host(static_cast<size_t>(E)), dev(static_cast<size_t>(E));
    for (int64_t e = 0; e < E; ++e) {
      keep.push_back(matrix(f, I, d, 0.05f)), keep.push_back(matrix(f, I, d, 0.05f)), keep.push_back(matrix(f, d, I, 0.05f));
      host[size_t(e)] = {keep[keep.size() - 3]->host, keep[keep.size() - 1]->host, keep[keep.size() - 2]->host};
      dev[size_t(e)] = {keep[keep.size() - 3]->device, keep[keep.size() - 1]->device, keep[keep.size() - 2]->device};
    }
    for (int64_t n : {1, 3, 9, 70}) {
      auto x = randn(size_t(n * d));
      std::vector<int32_t> idx(static_cast<size_t>(n * k));
      for (auto& i : idx) i = int32_t(rng_() % E);  // duplicates included: hash routing has them
      auto w = randn(size_t(n * k), 0.5f);
      for (MatmulOptions opt : {MatmulOptions{false, false}, MatmulOptions{true, true}}) {
        std::vector<float> c(static_cast<size_t>(n * d));
        cpu_.moe_experts(host.data(), E, x.data(), n, d, idx.data(), w.data(), k, 10.0f, opt, opt.bf16_output,
                         c.data());
        for (P path : {P::kAuto, P::kTiledF32}) {
          gpu_->force_matmul_path(path);
          float* g = poisoned(c.size());
          gpu_->moe_experts(dev.data(), E, up(x), n, d, up(idx), up(w), k, 10.0f, opt, opt.bf16_output, g);
          EXPECT_CLOSE(down(g, c.size()), c, opt.bf16_output ? kBf16 : kF32Sum,
                       weight_format_name(f) << " n=" << n << " fp8=" << opt.fp8_activations << " path=" << int(path));
        }
        gpu_->force_matmul_path(P::kAuto);
      }
    }
  }
}

uint64_t first_draw_bits(uint64_t seed) {  // generate.cpp's splitmix64, first value
  uint64_t z = seed + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The device sampler draws the token model/generate.cpp's Sampler draws with the same uniform.
TEST_F(CudaKernels, SamplingMatchesTheCpuSampler) {
  const int64_t V = 129280;
  int mismatches = 0, trials = 0;
  for (int trial = 0; trial < 24; ++trial) {
    auto logits = randn(size_t(V), trial % 3 == 0 ? 0.5f : 4.0f);
    if (trial % 4 == 1) std::fill(logits.begin() + 10, logits.begin() + 30, logits[5]);  // ties
    const double temp = trial % 6 == 0 ? 0.0 : 0.4 + 0.1 * (trial % 7), top_p = trial % 2 ? 0.9 : 1.0;
    const uint64_t seed = rng_();
    Sampler cpu(seed);
    const int32_t want = cpu.sample(logits.data(), V, temp, top_p);
    const double u = double(first_draw_bits(seed) >> 11) * 0x1.0p-53;
    const auto got = gpu_->sample(up(logits), 1, V, temp, top_p, {u});
    ++trials;
    mismatches += got[0] != want;
    if (temp == 0) {
      EXPECT_EQ(got[0], want) << "greedy, trial " << trial;
    }
  }
  // Sums in another order may move a draw lying within ~1e-15 of a boundary; nothing more.
  EXPECT_EQ(mismatches, 0) << trials << " trials";
}

}  // namespace
}  // namespace agent::engine::cuda::testing
