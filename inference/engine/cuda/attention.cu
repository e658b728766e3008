// Sparse multi-query attention with the sink (deepseek-v4-model.md 2.7, ops.h attention):
// each query row attends to its window rows and to its selected (CSA) or all visible (HCA)
// compressed rows; K = V; the sink only enlarges the denominator. One warp per head, its
// query and its output slice in registers (hd / 32 values per lane); keys go through shared
// memory 8 at a time with an online softmax. Long key lists are split over blocks and the
// partial (max, sum, weighted sum) merged by a second kernel (flash-decoding).
// Twin: cpu_attention.cpp attention (which normalises each weight before the weighted sum:
// the results differ by f32 rounding only).
#include "inference/engine/cuda/device_common.cuh"
#include "inference/engine/cuda/kernels.h"

namespace agent::engine::cuda {
namespace {

constexpr int kHG = 8, kKT = 8, kMaxDpl = 16;  // heads per block, keys per tile, hd <= 512

struct Keys {
  int64_t nw, w_lo, nc;
};
__device__ __forceinline__ Keys keys_of(const AttentionArgs& a, int64_t i) {
  const int64_t p = a.pos0 + i, lo = p - a.window + 1 > 0 ? p - a.window + 1 : 0;
  const int64_t nc = a.comp_idx ? a.k_comp : (a.comp && a.ratio > 0 ? (p + 1) / a.ratio : 0);
  return {p - lo + 1, lo, nc};
}
// Row of key slot kk of query row i (window first, then compressed), null if absent.
__device__ __forceinline__ const float* key_row(const AttentionArgs& a, const Keys& k, int64_t i, int64_t kk) {
  if (kk < k.nw) return a.win + (k.w_lo + kk - a.win_pos0) * a.hd;
  const int64_t j = kk - k.nw;
  if (!a.comp_idx) return a.comp + j * a.hd;
  const int32_t c = a.comp_idx[i * a.k_comp + j];
  return c >= 0 ? a.comp + int64_t(c) * a.hd : nullptr;
}

__global__ void __launch_bounds__(kHG * 32) attention_kernel(AttentionArgs a, float* partials) {
  __shared__ float ks[kKT][kMaxDpl * 32];
  __shared__ bool kv_ok[kKT];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int64_t i = blockIdx.z, h = int64_t(blockIdx.y) * kHG + warp;
  const int splits = int(gridDim.x), dpl = int(a.hd / 32);
  const bool head_ok = h < a.heads;
  const Keys kinfo = keys_of(a, i);
  const int64_t total = kinfo.nw + kinfo.nc;
  const int64_t chunk = ((total + splits - 1) / splits + kKT - 1) / kKT * kKT;
  const int64_t k_begin = int64_t(blockIdx.x) * chunk, k_end = k_begin + chunk < total ? k_begin + chunk : total;
  float qv[kMaxDpl], acc[kMaxDpl];
#pragma unroll
  for (int c = 0; c < kMaxDpl; ++c) {
    qv[c] = (head_ok && c < dpl) ? a.q[(i * a.heads + h) * a.hd + lane + 32 * c] : 0.0f;
    acc[c] = 0;
  }
  float m = -INFINITY, l = 0;
  for (int64_t k0 = k_begin; k0 < k_end; k0 += kKT) {
    __syncthreads();
    for (int e = threadIdx.x; e < kKT * a.hd; e += blockDim.x) {
      const int kk = e / int(a.hd);
      const float* r = k0 + kk < k_end ? key_row(a, kinfo, i, k0 + kk) : nullptr;
      ks[kk][e % a.hd] = r ? r[e % a.hd] : 0.0f;
      if (e % a.hd == 0) kv_ok[kk] = r != nullptr;
    }
    __syncthreads();
    float s[kKT], m_new = m;
#pragma unroll
    for (int kk = 0; kk < kKT; ++kk) {
      float d = 0;
#pragma unroll
      for (int c = 0; c < kMaxDpl; ++c) {
        if (c < dpl) d = fmaf(qv[c], ks[kk][lane + 32 * c], d);
      }
      d = warp_sum(d);
      s[kk] = kv_ok[kk] ? __fmul_rn(d, a.scale) : -INFINITY;
      m_new = fmaxf(m_new, s[kk]);
    }
    if (m_new == -INFINITY) continue;  // nothing valid yet
    const float corr = expf(m - m_new);  // 0 while m is -inf
    l *= corr;
#pragma unroll
    for (int c = 0; c < kMaxDpl; ++c) acc[c] *= corr;
#pragma unroll
    for (int kk = 0; kk < kKT; ++kk) {
      const float p = expf(s[kk] - m_new);  // 0 for absent keys
      l += p;
#pragma unroll
      for (int c = 0; c < kMaxDpl; ++c) {
        if (c < dpl) acc[c] = fmaf(p, ks[kk][lane + 32 * c], acc[c]);
      }
    }
    m = m_new;
  }
  if (!head_ok) return;
  if (splits == 1) {
    const float denom = l + expf(a.sink[h] - m);
    float* o = a.out + (i * a.heads + h) * a.hd;
#pragma unroll
    for (int c = 0; c < kMaxDpl; ++c) {
      if (c >= dpl) break;
      const float v = acc[c] / denom;
      o[lane + 32 * c] = a.bf16 ? round_bf16(v) : v;
    }
    return;
  }
  float* part = partials + ((i * a.heads + h) * splits + blockIdx.x) * (a.hd + 2);
  if (lane == 0) part[0] = m, part[1] = l;
#pragma unroll
  for (int c = 0; c < kMaxDpl; ++c) {
    if (c < dpl) part[2 + lane + 32 * c] = acc[c];
  }
}

// One block per (row, head): merge the splits' partial softmax sums, add the sink.
__global__ void merge_kernel(AttentionArgs a, int splits, const float* partials) {
  const int64_t ih = blockIdx.x, h = ih % a.heads;
  const float* p = partials + ih * splits * (a.hd + 2);
  float M = -INFINITY;
  for (int s = 0; s < splits; ++s) M = fmaxf(M, p[s * (a.hd + 2)]);
  float L = 0;
  for (int s = 0; s < splits; ++s) L += p[s * (a.hd + 2) + 1] * expf(p[s * (a.hd + 2)] - M);
  const float denom = L + expf(a.sink[h] - M);
  for (int64_t c = threadIdx.x; c < a.hd; c += blockDim.x) {
    float v = 0;
    for (int s = 0; s < splits; ++s) v += p[s * (a.hd + 2) + 2 + c] * expf(p[s * (a.hd + 2)] - M);
    v /= denom;
    a.out[ih * a.hd + c] = a.bf16 ? round_bf16(v) : v;
  }
}

}  // namespace

int64_t attention_max_keys(const AttentionArgs& a) {
  const int64_t last = a.pos0 + a.n - 1;
  const int64_t nw = last + 1 < a.window ? last + 1 : a.window;
  const int64_t nc = a.comp_idx ? a.k_comp : (a.comp && a.ratio > 0 ? (last + 1) / a.ratio : 0);
  return nw + nc;
}

void launch_attention(const AttentionArgs& a, int splits, float* partials, cudaStream_t s) {
  if (a.n <= 0) return;
  if (a.hd % 32 != 0 || a.hd > 32 * kMaxDpl) {
    std::fprintf(stderr, "attention: head_dim %lld must be a multiple of 32 up to %d\n", (long long)a.hd,
                 32 * kMaxDpl);
    std::abort();
  }
  if (splits < 1) splits = 1;
  const dim3 grid(unsigned(splits), unsigned((a.heads + kHG - 1) / kHG), unsigned(a.n));
  attention_kernel<<<grid, kHG * 32, 0, s>>>(a, partials);
  AGENT_LAUNCH_CHECK();
  if (splits > 1) {
    merge_kernel<<<unsigned(a.n * a.heads), 128, 0, s>>>(a, splits, partials);
    AGENT_LAUNCH_CHECK();
  }
}

}  // namespace agent::engine::cuda
