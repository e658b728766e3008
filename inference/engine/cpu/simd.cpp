#include "inference/engine/cpu/simd.h"

#if defined(__x86_64__) && !defined(__clang__)
#define AGENT_CLONES \
  __attribute__((target_clones("default", "arch=haswell", "arch=skylake-avx512")))
#else
#define AGENT_CLONES
#endif

namespace agent::engine::simd {
namespace {

constexpr int kLanes = 16;

inline float reduce16(const float* acc) {
  float r8[8], r4[4];
  for (int l = 0; l < 8; ++l) r8[l] = acc[l] + acc[l + 8];
  for (int l = 0; l < 4; ++l) r4[l] = r8[l] + r8[l + 4];
  return (r4[0] + r4[2]) + (r4[1] + r4[3]);
}

}  // namespace

AGENT_CLONES float dot(const float* a, const float* b, int64_t n) {
  float acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int l = 0; l < kLanes; ++l) acc[l] += a[i + l] * b[i + l];
  }
  float s = reduce16(acc);
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

AGENT_CLONES void dot_many(const float* w, const float* x, int64_t ldx, int64_t m, int64_t n,
                           float* out, int64_t ldo) {
  int64_t t = 0;
  for (; t + 4 <= m; t += 4) {
    const float* x0 = x + t * ldx;
    const float* x1 = x0 + ldx;
    const float* x2 = x1 + ldx;
    const float* x3 = x2 + ldx;
    float a0[kLanes] = {}, a1[kLanes] = {}, a2[kLanes] = {}, a3[kLanes] = {};
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
      for (int l = 0; l < kLanes; ++l) {
        const float wv = w[i + l];
        a0[l] += wv * x0[i + l];
        a1[l] += wv * x1[i + l];
        a2[l] += wv * x2[i + l];
        a3[l] += wv * x3[i + l];
      }
    }
    float s0 = reduce16(a0), s1 = reduce16(a1), s2 = reduce16(a2), s3 = reduce16(a3);
    for (; i < n; ++i) {
      s0 += x0[i] * w[i];
      s1 += x1[i] * w[i];
      s2 += x2[i] * w[i];
      s3 += x3[i] * w[i];
    }
    out[t * ldo] = s0;
    out[(t + 1) * ldo] = s1;
    out[(t + 2) * ldo] = s2;
    out[(t + 3) * ldo] = s3;
  }
  for (; t < m; ++t) out[t * ldo] = dot(x + t * ldx, w, n);
}

AGENT_CLONES void axpy(float a, const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

AGENT_CLONES float sum_squares(const float* x, int64_t n) {
  float acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int l = 0; l < kLanes; ++l) acc[l] += x[i + l] * x[i + l];
  }
  float s = reduce16(acc);
  for (; i < n; ++i) s += x[i] * x[i];
  return s;
}

}  // namespace agent::engine::simd
