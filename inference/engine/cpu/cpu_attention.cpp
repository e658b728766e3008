// CpuOps: KV compression (the compressor state machine), the lightning indexer's top-k and
// sparse attention with the sink.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "inference/engine/cpu/cpu_ops.h"
#include "inference/engine/cpu/simd.h"

namespace agent::engine {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Pools one completed block into out[hd]: per channel a softmax over the slots. For the
// overlapping (CSA) compressor, slots 0..m-1 are the previous block's first halves and
// m..2m-1 the current block's second halves; otherwise the m rows of the block.
void pool_block(const float* kv_state, const float* score_state, int64_t m, bool overlap,
                int64_t hd, int64_t ch_begin, int64_t ch_end, float* out) {
  const int64_t width = overlap ? 2 * hd : hd;
  const int64_t slots = overlap ? 2 * m : m;
  std::vector<float> s(static_cast<size_t>(slots)), v(static_cast<size_t>(slots));
  for (int64_t ch = ch_begin; ch < ch_end; ++ch) {
    for (int64_t r = 0; r < slots; ++r) {
      const int64_t col = (overlap && r >= m) ? hd + ch : ch;
      s[r] = score_state[r * width + col];
      v[r] = kv_state[r * width + col];
    }
    const float mx = *std::max_element(s.begin(), s.end());
    float sum = 0;
    for (auto& x : s) sum += (x = std::exp(x - mx));
    float acc = 0;
    for (int64_t r = 0; r < slots; ++r) acc += v[r] * (s[r] / sum);
    out[ch] = acc;
  }
}

}  // namespace

int64_t CpuOps::compress(const float* kv, const float* score, int64_t n, int64_t pos0,
                         int64_t ratio, bool overlap, int64_t hd, const float* ape,
                         float* kv_state, float* score_state, float* out) {
  const int64_t width = overlap ? 2 * hd : hd;
  int64_t produced = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t t = pos0 + i, slot = t % ratio;
    const int64_t row = overlap ? ratio + slot : slot;
    std::copy(kv + i * width, kv + (i + 1) * width, kv_state + row * width);
    for (int64_t c = 0; c < width; ++c) {
      score_state[row * width + c] = score[i * width + c] + ape[slot * width + c];
    }
    if ((t + 1) % ratio != 0) continue;
    float* o = out + produced * hd;
    pool_.parallel_for(hd, 64, [&](int64_t b, int64_t e) {
      pool_block(kv_state, score_state, ratio, overlap, hd, b, e, o);
    });
    ++produced;
    if (overlap) {
      // The current block becomes the previous one of the next entry.
      std::copy(kv_state + ratio * width, kv_state + 2 * ratio * width, kv_state);
      std::copy(score_state + ratio * width, score_state + 2 * ratio * width, score_state);
    }
  }
  return produced;
}

void CpuOps::indexer_topk(const float* q, const float* w, int64_t n, int64_t heads, int64_t hd,
                          const float* keys, int64_t pos0, int64_t ratio, int64_t k,
                          int32_t* idx, bool bf16) {
  pool_.parallel_for(n, 1, [&](int64_t b, int64_t e) {
    std::vector<float> dots, score;
    std::vector<int32_t> order;
    for (int64_t i = b; i < e; ++i) {
      const int64_t visible = (pos0 + i + 1) / ratio;
      const float* qi = q + i * heads * hd;
      dots.assign(size_t(heads * std::max<int64_t>(visible, 1)), 0.0f);
      score.assign(size_t(visible), 0.0f);
      for (int64_t j = 0; j < visible; ++j) {
        simd::dot_many(keys + j * hd, qi, hd, heads, hd, dots.data() + j, visible);
      }
      for (int64_t j = 0; j < visible; ++j) {
        float s = 0;
        for (int64_t h = 0; h < heads; ++h) {
          float d = dots[h * visible + j];
          if (bf16) d = engine::round_bf16(d);
          d = std::max(d, 0.0f) * w[i * heads + h];
          s += bf16 ? engine::round_bf16(d) : d;
        }
        score[j] = bf16 ? engine::round_bf16(s) : s;
      }
      const int64_t take = std::min(k, visible);
      order.resize(size_t(visible));
      std::iota(order.begin(), order.end(), 0);
      std::partial_sort(order.begin(), order.begin() + take, order.end(), [&](int32_t a, int32_t c) {
        return score[a] > score[c] || (score[a] == score[c] && a < c);
      });
      for (int64_t j = 0; j < k; ++j) idx[i * k + j] = j < take ? order[j] : -1;
    }
  });
}

void CpuOps::attention(const float* q, int64_t n, int64_t heads, int64_t hd, int64_t pos0,
                       const float* win, int64_t win_pos0, int64_t window, const float* comp,
                       const int32_t* comp_idx, int64_t k_comp, int64_t ratio, const float* sink,
                       float scale, float* out, bool bf16) {
  pool_.parallel_for(n * heads, 1, [&](int64_t b, int64_t e) {
    std::vector<const float*> keys;
    std::vector<float> s;
    for (int64_t ih = b; ih < e; ++ih) {
      const int64_t i = ih / heads, h = ih % heads, p = pos0 + i;
      keys.clear();
      for (int64_t pos = std::max<int64_t>(0, p - window + 1); pos <= p; ++pos) {
        keys.push_back(win + (pos - win_pos0) * hd);
      }
      if (comp && comp_idx) {
        for (int64_t j = 0; j < k_comp; ++j) {
          const int32_t c = comp_idx[i * k_comp + j];
          if (c >= 0) keys.push_back(comp + int64_t(c) * hd);
        }
      } else if (comp && ratio > 0) {
        for (int64_t j = 0; j < (p + 1) / ratio; ++j) keys.push_back(comp + j * hd);
      }
      const float* qh = q + ih * hd;
      s.resize(keys.size());
      float mx = kNegInf;
      for (size_t j = 0; j < keys.size(); ++j) {
        s[j] = simd::dot(qh, keys[j], hd) * scale;
        mx = std::max(mx, s[j]);
      }
      float denom = 0;
      for (auto& x : s) denom += (x = std::exp(x - mx));
      denom += std::exp(sink[h] - mx);
      float* o = out + ih * hd;
      std::fill(o, o + hd, 0.0f);
      for (size_t j = 0; j < keys.size(); ++j) simd::axpy(s[j] / denom, keys[j], o, hd);
      if (bf16) {
        for (int64_t c = 0; c < hd; ++c) o[c] = engine::round_bf16(o[c]);
      }
    }
  });
}

}  // namespace agent::engine
