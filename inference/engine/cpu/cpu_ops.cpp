// CpuOps: memory, element-wise ops, normalisation, RoPE, Hadamard, FP4 simulation,
// hyper-connections, SwiGLU and log-softmax. Matmuls and MoE are in cpu_matmul.cpp;
// compression, indexer and attention in cpu_attention.cpp.
#include "inference/engine/cpu/cpu_ops.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "inference/engine/cpu/simd.h"
#include "inference/engine/cpu/cpu_util.h"

namespace agent::engine {

CpuOps::CpuOps(int threads) : pool_(threads) {}

void* CpuOps::alloc(size_t bytes) {
  // 64-byte alignment: whole cache lines, and aligned vector loads for every clone.
  size_t rounded = (std::max<size_t>(bytes, 1) + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, rounded);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, rounded);
  return p;
}
void CpuOps::release(void* p) { std::free(p); }
void CpuOps::upload(void* dst, const void* src, size_t bytes) { std::memcpy(dst, src, bytes); }
void CpuOps::download(void* dst, const void* src, size_t bytes) { std::memcpy(dst, src, bytes); }
void CpuOps::copy(void* dst, const void* src, size_t bytes) { std::memmove(dst, src, bytes); }
void CpuOps::fill(float* x, int64_t n, float v) { std::fill(x, x + n, v); }

void CpuOps::add(float* x, const float* y, int64_t n, bool bf16) {
  for (int64_t i = 0; i < n; ++i) x[i] = bf16 ? engine::round_bf16(x[i] + y[i]) : x[i] + y[i];
}

void CpuOps::round_bf16(float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] = engine::round_bf16(x[i]);
}

void CpuOps::scale(float* x, int64_t n, float s, bool bf16) {
  for (int64_t i = 0; i < n; ++i) x[i] = bf16 ? engine::round_bf16(x[i] * s) : x[i] * s;
}

void CpuOps::rms_norm(const float* x, int64_t ldx, const float* w, int64_t n, int64_t d,
                      float eps, float* y, int64_t ldy, bool bf16, bool bf16_chain) {
  pool_.parallel_for(n, 16, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) {
      const float* xr = x + t * ldx;
      float* yr = y + t * ldy;
      float r;
      if (bf16_chain) {
        float ss = 0;
        for (int64_t i = 0; i < d; ++i) ss += engine::round_bf16(xr[i] * xr[i]);
        float mean = engine::round_bf16(ss / float(d));
        r = engine::round_bf16(1.0f / std::sqrt(engine::round_bf16(mean + eps)));
      } else {
        r = 1.0f / std::sqrt(simd::sum_squares(xr, d) / float(d) + eps);
      }
      for (int64_t i = 0; i < d; ++i) {
        float v = xr[i] * r;
        if (w) v = w[i] * v;
        yr[i] = bf16 ? engine::round_bf16(v) : v;
      }
    }
  });
}

std::vector<float> rope_inv_freq(const RopeSpec& s) {
  const int64_t half = s.n_dims / 2;
  std::vector<float> f(half);
  double low = 0, high = 0;
  if (s.yarn) {
    auto corr = [&](double rot) {
      return double(s.n_dims) * std::log(double(s.original_seq_len) / (rot * 2 * M_PI)) /
             (2 * std::log(s.base));
    };
    low = std::max(std::floor(corr(s.beta_fast)), 0.0);
    high = std::min(std::ceil(corr(s.beta_slow)), double(s.n_dims - 1));
    if (low == high) high += 0.001;
  }
  for (int64_t i = 0; i < half; ++i) {
    double fr = 1.0 / std::pow(s.base, double(2 * i) / double(s.n_dims));
    if (s.yarn) {
      // ramp 0 keeps the original frequency, ramp 1 divides it by the factor.
      double ramp = std::clamp((double(i) - low) / (high - low), 0.0, 1.0);
      fr = fr / s.factor * ramp + fr * (1.0 - ramp);
    }
    f[i] = float(fr);
  }
  return f;
}

void CpuOps::rope(float* x, int64_t n, int64_t heads, int64_t ld_row, int64_t ld_head,
                  int64_t offset, int64_t pos0, int64_t pos_step, const RopeSpec& spec,
                  bool inverse, bool bf16) {
  const std::vector<float> inv = rope_inv_freq(spec);
  const int64_t half = spec.n_dims / 2;
  pool_.parallel_for(n, 8, [&](int64_t b, int64_t e) {
    std::vector<float> cs(half), sn(half);
    for (int64_t t = b; t < e; ++t) {
      const float pos = float(pos0 + t * pos_step);
      for (int64_t i = 0; i < half; ++i) {
        const float ang = pos * inv[i];  // f32 product, as the reference's outer()
        cs[i] = std::cos(ang);
        sn[i] = inverse ? -std::sin(ang) : std::sin(ang);
      }
      for (int64_t h = 0; h < heads; ++h) {
        float* v = x + t * ld_row + h * ld_head + offset;
        for (int64_t i = 0; i < half; ++i) {
          const float a = v[2 * i], c = v[2 * i + 1];
          float re = a * cs[i] - c * sn[i];
          float im = a * sn[i] + c * cs[i];
          v[2 * i] = bf16 ? engine::round_bf16(re) : re;
          v[2 * i + 1] = bf16 ? engine::round_bf16(im) : im;
        }
      }
    }
  });
}

void CpuOps::hadamard(float* x, int64_t rows, int64_t dim, bool bf16) {
  const float scale = 1.0f / std::sqrt(float(dim));
  pool_.parallel_for(rows, 32, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      float* v = x + r * dim;
      for (int64_t h = 1; h < dim; h *= 2) {
        for (int64_t i = 0; i < dim; i += 2 * h) {
          for (int64_t j = i; j < i + h; ++j) {
            const float a = v[j], c = v[j + h];
            v[j] = a + c;
            v[j + h] = a - c;
          }
        }
      }
      for (int64_t i = 0; i < dim; ++i) v[i] = bf16 ? engine::round_bf16(v[i] * scale) : v[i] * scale;
    }
  });
}

void CpuOps::fp4_simulate(float* x, int64_t rows, int64_t dim, int64_t block) {
  pool_.parallel_for(rows, 32, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      for (int64_t s = 0; s < dim; s += block) {
        float* v = x + r * dim + s;
        const int64_t len = std::min(block, dim - s);
        float amax = 0;
        for (int64_t i = 0; i < len; ++i) amax = std::max(amax, std::fabs(v[i]));
        amax = std::max(amax, 6.0f * std::ldexp(1.0f, -126));
        const float sc = pow2_ceil(amax / 6.0f);
        for (int64_t i = 0; i < len; ++i) {
          const float q = std::clamp(v[i] / sc, -6.0f, 6.0f);
          v[i] = engine::round_bf16(e2m1_to_f32(f32_to_e2m1(q)) * sc);
        }
      }
    }
  });
}

namespace {

inline float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }

// comb[hc, hc] <- Sinkhorn(softmax rows of logits) as the reference's hc_split_sinkhorn.
void sinkhorn(float* c, int64_t hc, int64_t iters, float eps) {
  for (int64_t i = 0; i < hc; ++i) {
    float* row = c + i * hc;
    float m = *std::max_element(row, row + hc);
    float s = 0;
    for (int64_t j = 0; j < hc; ++j) s += (row[j] = std::exp(row[j] - m));
    for (int64_t j = 0; j < hc; ++j) row[j] = row[j] / s + eps;
  }
  auto col_norm = [&] {
    for (int64_t j = 0; j < hc; ++j) {
      float s = 0;
      for (int64_t i = 0; i < hc; ++i) s += c[i * hc + j];
      for (int64_t i = 0; i < hc; ++i) c[i * hc + j] /= (s + eps);
    }
  };
  col_norm();
  for (int64_t it = 1; it < iters; ++it) {
    for (int64_t i = 0; i < hc; ++i) {
      float s = 0;
      for (int64_t j = 0; j < hc; ++j) s += c[i * hc + j];
      for (int64_t j = 0; j < hc; ++j) c[i * hc + j] /= (s + eps);
    }
    col_norm();
  }
}

// y[d] = Σ_i pre[i] X_i (f32 accumulate in stream order).
void weighted_streams(const float* X, const float* pre, int64_t hc, int64_t d, float* y, bool bf16) {
  for (int64_t c = 0; c < d; ++c) {
    float s = 0;
    for (int64_t i = 0; i < hc; ++i) s += pre[i] * X[i * d + c];
    y[c] = bf16 ? engine::round_bf16(s) : s;
  }
}

}  // namespace

void CpuOps::hc_pre(const float* X, int64_t n, int64_t hc, int64_t d, const float* fn,
                    const float* scale, const float* base, int64_t iters, float hc_eps,
                    float norm_eps, float* y, float* post, float* comb, bool bf16) {
  const int64_t mix = (2 + hc) * hc, flat = hc * d;
  pool_.parallel_for(n, 1, [&](int64_t b, int64_t e) {
    std::vector<float> m(mix), pre(hc);
    for (int64_t t = b; t < e; ++t) {
      const float* x = X + t * flat;
      const float r = 1.0f / std::sqrt(simd::sum_squares(x, flat) / float(flat) + norm_eps);
      simd::dot_many(x, fn, flat, mix, flat, m.data(), 1);
      for (auto& v : m) v *= r;
      for (int64_t i = 0; i < hc; ++i) {
        pre[i] = sigmoid(m[i] * scale[0] + base[i]) + hc_eps;
        post[t * hc + i] = 2.0f * sigmoid(m[hc + i] * scale[1] + base[hc + i]);
      }
      float* c = comb + t * hc * hc;
      for (int64_t k = 0; k < hc * hc; ++k) c[k] = m[2 * hc + k] * scale[2] + base[2 * hc + k];
      sinkhorn(c, hc, iters, hc_eps);
      weighted_streams(x, pre.data(), hc, d, y + t * d, bf16);
    }
  });
}

void CpuOps::hc_post(const float* f, const float* X, const float* post, const float* comb,
                     int64_t n, int64_t hc, int64_t d, float* Xout, bool bf16) {
  pool_.parallel_for(n * hc, 4, [&](int64_t b, int64_t e) {
    for (int64_t tj = b; tj < e; ++tj) {
      const int64_t t = tj / hc, j = tj % hc;
      const float* x = X + t * hc * d;
      const float* c = comb + t * hc * hc;
      const float p = post[t * hc + j];
      float* o = Xout + (t * hc + j) * d;
      for (int64_t k = 0; k < d; ++k) {
        float s = 0;
        for (int64_t i = 0; i < hc; ++i) s += c[i * hc + j] * x[i * d + k];
        const float v = p * f[t * d + k] + s;
        o[k] = bf16 ? engine::round_bf16(v) : v;
      }
    }
  });
}

void CpuOps::hc_head(const float* X, int64_t n, int64_t hc, int64_t d, const float* fn,
                     const float* scale, const float* base, float hc_eps, float norm_eps,
                     float* y, bool bf16) {
  const int64_t flat = hc * d;
  pool_.parallel_for(n, 1, [&](int64_t b, int64_t e) {
    std::vector<float> m(hc);
    for (int64_t t = b; t < e; ++t) {
      const float* x = X + t * flat;
      const float r = 1.0f / std::sqrt(simd::sum_squares(x, flat) / float(flat) + norm_eps);
      simd::dot_many(x, fn, flat, hc, flat, m.data(), 1);
      for (int64_t i = 0; i < hc; ++i) m[i] = sigmoid(m[i] * r * scale[0] + base[i]) + hc_eps;
      weighted_streams(x, m.data(), hc, d, y + t * d, bf16);
    }
  });
}

void CpuOps::swiglu(const float* g, const float* u, int64_t n, int64_t inter, float limit,
                    float* h, bool bf16) {
  pool_.parallel_for(n, 16, [&](int64_t b, int64_t e) {
    for (int64_t i = b * inter; i < e * inter; ++i) {
      h[i] = swiglu1(g[i], u[i], limit);
      if (bf16) h[i] = engine::round_bf16(h[i]);
    }
  });
}

void CpuOps::log_softmax(const float* logits, int64_t n, int64_t v, float* out) {
  for (int64_t t = 0; t < n; ++t) {
    const float* l = logits + t * v;
    const float m = *std::max_element(l, l + v);
    double s = 0;
    for (int64_t i = 0; i < v; ++i) s += std::exp(double(l[i] - m));
    const float lse = float(std::log(s));
    for (int64_t i = 0; i < v; ++i) out[t * v + i] = l[i] - m - lse;
  }
}

}  // namespace agent::engine
