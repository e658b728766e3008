// CpuOps: matmuls over every weight format, embedding lookup, MoE routing and experts.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include "inference/engine/cpu/cpu_ops.h"
#include "inference/engine/cpu/cpu_util.h"
#include "inference/engine/cpu/simd.h"

namespace agent::engine {
namespace {

struct Luts {
  std::array<float, 256> e4m3{};
  std::array<float, 256> e8m0{};
  std::array<float, 16> e2m1{};
  Luts() {
    for (int i = 0; i < 256; ++i) {
      e4m3[i] = e4m3_to_f32(uint8_t(i));
      e8m0[i] = e8m0_to_f32(uint8_t(i));
    }
    for (int i = 0; i < 16; ++i) e2m1[i] = e2m1_to_f32(uint8_t(i));
  }
};
const Luts& luts() {
  static const Luts l;
  return l;
}

float scale_of(const WeightMatrix& w, int64_t i) {
  if (w.scale_dtype == DType::kF32) {
    float s;
    std::memcpy(&s, w.scales + 4 * i, 4);
    return s;
  }
  return luts().e8m0[w.scales[i]];
}

// Row r of w as f32: a pointer into the weights for F32, else decoded into buf (table
// lookups; the same values as decode_weight_row, which tests check).
const float* row_f32(const WeightMatrix& w, int64_t r, float* buf) {
  const uint8_t* row = w.data + r * w.row_bytes;
  const Luts& L = luts();
  switch (w.format) {
    case WeightFormat::kF32:
      if (reinterpret_cast<uintptr_t>(row) % alignof(float) == 0) return reinterpret_cast<const float*>(row);
      std::memcpy(buf, row, size_t(w.cols) * 4);
      return buf;
    case WeightFormat::kBF16:
      for (int64_t c = 0; c < w.cols; ++c) {
        uint16_t h;
        std::memcpy(&h, row + 2 * c, 2);
        buf[c] = bf16_to_f32(h);
      }
      return buf;
    case WeightFormat::kFP8Block: {
      const int64_t sb = (w.cols + 127) / 128;
      for (int64_t b = 0; b < sb; ++b) {
        const float s = scale_of(w, ((r + w.row_offset) / 128) * sb + b);
        const int64_t end = std::min<int64_t>(w.cols, (b + 1) * 128);
        for (int64_t c = b * 128; c < end; ++c) buf[c] = L.e4m3[row[c]] * s;
      }
      return buf;
    }
    case WeightFormat::kFP4Group: {
      const int64_t groups = w.cols / 32;
      for (int64_t g = 0; g < groups; ++g) {
        const float s = scale_of(w, r * groups + g);
        for (int j = 0; j < 16; ++j) {
          const uint8_t b = row[g * 16 + j];
          buf[g * 32 + 2 * j] = L.e2m1[b & 0xf] * s;
          buf[g * 32 + 2 * j + 1] = L.e2m1[b >> 4] * s;
        }
      }
      return buf;
    }
    case WeightFormat::kMXFP4:
      for (int64_t g = 0; g < w.cols / 32; ++g) {
        const uint8_t* blk = row + g * 17;
        const float s = L.e8m0[blk[0]];
        for (int j = 0; j < 16; ++j) {
          buf[g * 32 + j] = L.e2m1[blk[1 + j] & 0xf] * s;
          buf[g * 32 + j + 16] = L.e2m1[blk[1 + j] >> 4] * s;
        }
      }
      return buf;
    default:
      decode_weight_row(w, r, buf);
      return buf;
  }
}

}  // namespace

void fp8_quantize_row(const float* x, int64_t k, float* out) {
  const Luts& L = luts();
  for (int64_t s = 0; s < k; s += 128) {
    const int64_t len = std::min<int64_t>(128, k - s);
    float amax = 1e-4f;  // the reference floors amax at 1e-4
    for (int64_t i = 0; i < len; ++i) amax = std::max(amax, std::fabs(x[s + i]));
    const float sc = pow2_ceil(amax / 448.0f);
    for (int64_t i = 0; i < len; ++i) {
      const float q = std::clamp(x[s + i] / sc, -448.0f, 448.0f);
      out[s + i] = L.e4m3[f32_to_e4m3(q)] * sc;
    }
  }
}

void CpuOps::matmul(const WeightMatrix& w, const float* x, int64_t ldx, int64_t n, float* y,
                    int64_t ldy, const MatmulOptions& opt) {
  const int64_t K = w.cols;
  const float* xs = x;
  int64_t lds = ldx;
  std::vector<float> xq;
  if (opt.fp8_activations) {
    xq.resize(size_t(n * K));
    pool_.parallel_for(n, 4, [&](int64_t b, int64_t e) {
      for (int64_t t = b; t < e; ++t) fp8_quantize_row(x + t * ldx, K, xq.data() + t * K);
    });
    xs = xq.data();
    lds = K;
  }
  // Chunks of about 64 KiB of f32 weights keep scheduling overhead small for small rows.
  const int64_t grain = std::max<int64_t>(1, 16384 / std::max<int64_t>(1, K));
  pool_.parallel_for(w.rows, grain, [&](int64_t b, int64_t e) {
    std::vector<float> buf(static_cast<size_t>(K));
    for (int64_t r = b; r < e; ++r) {
      const float* wr = row_f32(w, r, buf.data());
      simd::dot_many(wr, xs, lds, n, K, y + r, ldy);
      if (opt.bf16_output) {
        for (int64_t t = 0; t < n; ++t) y[t * ldy + r] = engine::round_bf16(y[t * ldy + r]);
      }
    }
  });
}

void CpuOps::embed(const WeightMatrix& table, const int32_t* ids, int64_t n, float* out) {
  for (int64_t t = 0; t < n; ++t) {
    float* o = out + t * table.cols;
    const float* r = row_f32(table, ids[t], o);
    if (r != o) std::memcpy(o, r, size_t(table.cols) * 4);
  }
}

void CpuOps::moe_route(const WeightMatrix& gate, const float* x, int64_t n, const float* bias,
                       const int32_t* hash, const int32_t* tokens, int64_t k, bool norm,
                       float route_scale, int32_t* idx, float* wts) {
  const int64_t E = gate.rows, d = gate.cols;
  std::vector<float> s(static_cast<size_t>(n * E));
  matmul(gate, x, d, n, s.data(), E, MatmulOptions{});
  for (int64_t t = 0; t < n; ++t) {
    float* st = s.data() + t * E;
    for (int64_t e = 0; e < E; ++e) {
      const float l = st[e];
      st[e] = std::sqrt(l > 20.0f ? l : std::log1p(std::exp(l)));  // softplus threshold 20
    }
    int32_t* it = idx + t * k;
    if (hash) {
      for (int64_t j = 0; j < k; ++j) it[j] = hash[int64_t(tokens[t]) * k + j];
    } else {
      std::vector<int32_t> order(static_cast<size_t>(E));
      for (int64_t e = 0; e < E; ++e) order[e] = int32_t(e);
      auto key = [&](int32_t e) { return st[e] + (bias ? bias[e] : 0.0f); };
      std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int32_t a, int32_t b) {
        return key(a) > key(b) || (key(a) == key(b) && a < b);
      });
      std::copy(order.begin(), order.begin() + k, it);
    }
    float sum = 0;
    for (int64_t j = 0; j < k; ++j) sum += st[it[j]];
    for (int64_t j = 0; j < k; ++j) {
      float v = st[it[j]];
      if (norm) v /= sum;
      wts[t * k + j] = v * route_scale;
    }
  }
}

void CpuOps::moe_experts(const ExpertWeights* experts, int64_t n_experts, const float* x,
                         int64_t n, int64_t d, const int32_t* idx, const float* wts, int64_t k,
                         float limit, const MatmulOptions& opt, bool bf16_hidden, float* y) {
  std::fill(y, y + n * d, 0.0f);
  std::vector<std::vector<std::pair<int64_t, float>>> users(static_cast<size_t>(n_experts));
  for (int64_t t = 0; t < n; ++t) {
    for (int64_t j = 0; j < k; ++j) users[size_t(idx[t * k + j])].push_back({t, wts[t * k + j]});
  }
  std::vector<float> xg, g, u, out;
  for (int64_t e = 0; e < n_experts; ++e) {
    const auto& us = users[size_t(e)];
    if (us.empty()) continue;
    const ExpertWeights& ew = experts[e];
    const int64_t m = int64_t(us.size()), inter = ew.w1.rows;
    xg.resize(size_t(m * d));
    g.resize(size_t(m * inter));
    u.resize(size_t(m * inter));
    out.resize(size_t(m * d));
    for (int64_t i = 0; i < m; ++i) std::memcpy(&xg[i * d], x + us[i].first * d, size_t(d) * 4);
    matmul(ew.w1, xg.data(), d, m, g.data(), inter, opt);
    matmul(ew.w3, xg.data(), d, m, u.data(), inter, opt);
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t c = 0; c < inter; ++c) {
        float h = us[i].second * swiglu1(g[i * inter + c], u[i * inter + c], limit);
        g[i * inter + c] = bf16_hidden ? engine::round_bf16(h) : h;
      }
    }
    matmul(ew.w2, g.data(), inter, m, out.data(), d, opt);
    for (int64_t i = 0; i < m; ++i) {
      float* yr = y + us[i].first * d;
      for (int64_t c = 0; c < d; ++c) yr[c] += out[i * d + c];
    }
  }
}

}  // namespace agent::engine
