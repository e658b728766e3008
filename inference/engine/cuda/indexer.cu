// Lightning indexer (deepseek-v4-model.md 2.6): index scores s(i, j) = Σ_h w_ih relu(q_ih·k_j)
// for every visible compressed key, then the top-k per row (best first, ties to the lower
// index, -1 padding). Twin: cpu_attention.cpp indexer_topk. The per-head products are summed
// over heads in head order by one lane, with the CPU's bf16 roundings, so the only difference
// from the CPU is the order inside each 128-term dot product; the top-k is exact selection.
#include <climits>

#include "inference/engine/cuda/device_common.cuh"
#include "inference/engine/cuda/kernels.h"

namespace agent::engine::cuda {
namespace {

constexpr int kWarps = 8, kSub = 16, kBlockKeys = 256, kMaxHeads = 128;

// Block: row i = blockIdx.y, keys [blockIdx.x * 256, +256) in sub-tiles of 16. The row's
// queries stay in shared memory (rows padded by one float: lanes read different heads).
__global__ void scores_kernel(const float* q, const float* w, int heads, int hd, const float* keys, int64_t pos0,
                              int64_t ratio, float* scores, int64_t ld, bool bf16) {
  extern __shared__ float sm[];
  float* qs = sm;                              // [heads][hd + 1]
  float* ks = qs + heads * (hd + 1);           // [kSub][hd]
  float* cs = ks + kSub * hd;                  // [kWarps][heads]
  const int64_t i = blockIdx.y, visible = (pos0 + i + 1) / ratio, j_begin = int64_t(blockIdx.x) * kBlockKeys;
  if (j_begin >= visible) return;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  for (int e = threadIdx.x; e < heads * hd; e += blockDim.x) qs[(e / hd) * (hd + 1) + e % hd] = q[i * heads * hd + e];
  const int64_t j_end = j_begin + kBlockKeys < visible ? j_begin + kBlockKeys : visible;
  for (int64_t j0 = j_begin; j0 < j_end; j0 += kSub) {
    __syncthreads();  // qs ready / previous sub-tile consumed
    for (int e = threadIdx.x; e < kSub * hd; e += blockDim.x) {
      const int64_t j = j0 + e / hd;
      ks[e] = j < j_end ? keys[j * hd + e % hd] : 0.0f;
    }
    __syncthreads();
    for (int kk = warp; kk < kSub; kk += kWarps) {
      const int64_t j = j0 + kk;
      if (j >= j_end) break;
      for (int h = lane; h < heads; h += 32) {
        float d = 0;
        for (int c = 0; c < hd; ++c) d = fmaf(qs[h * (hd + 1) + c], ks[kk * hd + c], d);
        if (bf16) d = round_bf16(d);
        d = __fmul_rn(fmaxf(d, 0.0f), w[i * heads + h]);
        cs[warp * heads + h] = bf16 ? round_bf16(d) : d;
      }
      __syncwarp();
      if (lane == 0) {
        float s = 0;
        for (int h = 0; h < heads; ++h) s = __fadd_rn(s, cs[warp * heads + h]);
        scores[i * ld + j] = bf16 ? round_bf16(s) : s;
      }
      __syncwarp();
    }
  }
}

// Float -> unsigned with the same order; NaN lowest, -0 as +0.
__device__ __forceinline__ uint32_t ordered(float f) {
  if (f != f) return 0;
  if (f == 0.0f) f = 0.0f;
  const uint32_t u = __float_as_uint(f);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

constexpr int kTopThreads = 1024, kMaxTop = 1024;

// Block-wide exclusive rank of `flag` among threads in thread order; total in *total.
__device__ __forceinline__ int block_rank(bool flag, int* warp_counts, int* total) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const unsigned ballot = __ballot_sync(0xffffffffu, flag);
  if (lane == 0) warp_counts[warp] = __popc(ballot);
  __syncthreads();
  int base = 0, all = 0;
  for (int w = 0; w < kTopThreads / 32; ++w) {
    if (w < warp) base += warp_counts[w];
    all += warp_counts[w];
  }
  *total = all;
  __syncthreads();
  return base + __popc(ballot & ((1u << lane) - 1u));
}

// One block per row: radix-select the threshold key (4 passes of 8 bits), gather the keys
// above it and the lowest-index ties, bitonic-sort them (key desc, index asc), write.
__global__ void __launch_bounds__(kTopThreads) topk_kernel(const float* scores, int64_t ld, int64_t pos0,
                                                           int64_t ratio, int k, int32_t* idx) {
  __shared__ uint32_t hist[256];
  __shared__ uint32_t sel_key[kMaxTop];
  __shared__ int32_t sel_idx[kMaxTop];
  __shared__ int warp_counts[kTopThreads / 32];
  __shared__ uint32_t prefix_s, need_s;
  __shared__ int n_sel;
  const int64_t i = blockIdx.x, visible = (pos0 + i + 1) / ratio;
  const float* s = scores + i * ld;
  const int take = int(visible < k ? visible : k);
  uint32_t prefix = 0, mask = 0, need = uint32_t(take);
  if (visible > k) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      for (int b = threadIdx.x; b < 256; b += blockDim.x) hist[b] = 0;
      __syncthreads();
      for (int64_t j = threadIdx.x; j < visible; j += blockDim.x) {
        const uint32_t u = ordered(s[j]);
        if ((u & mask) == prefix) atomicAdd(&hist[(u >> shift) & 255u], 1u);
      }
      __syncthreads();
      if (threadIdx.x == 0) {
        uint32_t cum = 0;
        int b = 255;
        for (; b > 0 && cum + hist[b] < need; --b) cum += hist[b];
        need_s = need - cum;
        prefix_s = prefix | (uint32_t(b) << shift);
      }
      __syncthreads();
      need = need_s, prefix = prefix_s, mask |= 255u << shift;
    }
  }
  // Gather: everything above the threshold (or everything, when few are visible), then the
  // `need` lowest-index keys equal to it.
  if (threadIdx.x == 0) n_sel = 0;
  __syncthreads();
  for (int64_t j = threadIdx.x; j < visible; j += blockDim.x) {
    const uint32_t u = ordered(s[j]);
    if (visible <= k || u > prefix) {
      const int at = atomicAdd(&n_sel, 1);
      sel_key[at] = u, sel_idx[at] = int32_t(j);
    }
  }
  if (visible > k) {
    int taken = 0;
    for (int64_t j0 = 0; j0 < visible && taken < int(need); j0 += blockDim.x) {
      const int64_t j = j0 + threadIdx.x;
      const bool tie = j < visible && ordered(s[j]) == prefix;
      int total;
      const int rank = block_rank(tie, warp_counts, &total);
      if (tie && taken + rank < int(need)) {
        const int at = take - int(need) + taken + rank;  // after the take - need keys above
        sel_key[at] = prefix, sel_idx[at] = int32_t(j);
      }
      taken += total;
    }
  }
  __syncthreads();
  // Bitonic sort of the first `take` entries, padded to a power of two with the lowest key.
  int P = 1;
  while (P < take) P <<= 1;
  for (int e = take + threadIdx.x; e < P; e += blockDim.x) sel_key[e] = 0, sel_idx[e] = INT_MAX;
  __syncthreads();
  for (int size = 2; size <= P; size <<= 1) {
    for (int stride = size >> 1; stride > 0; stride >>= 1) {
      for (int e = threadIdx.x; e < P; e += blockDim.x) {
        const int partner = e ^ stride;
        if (partner <= e) continue;
        // "first" = better: larger key, then smaller index.
        const bool partner_better = sel_key[partner] > sel_key[e] ||
                                    (sel_key[partner] == sel_key[e] && sel_idx[partner] < sel_idx[e]);
        const bool descending = (e & size) == 0;  // this half sorts best-first
        if (partner_better == descending) {
          const uint32_t tk = sel_key[e];
          const int32_t ti = sel_idx[e];
          sel_key[e] = sel_key[partner], sel_idx[e] = sel_idx[partner];
          sel_key[partner] = tk, sel_idx[partner] = ti;
        }
      }
      __syncthreads();
    }
  }
  for (int e = threadIdx.x; e < k; e += blockDim.x) idx[i * k + e] = e < take ? sel_idx[e] : -1;
}

}  // namespace

void launch_indexer_scores(const float* q, const float* w, int64_t n, int64_t heads, int64_t hd, const float* keys,
                           int64_t pos0, int64_t ratio, float* scores, int64_t ld, bool bf16, cudaStream_t s) {
  const int64_t max_visible = (pos0 + n) / ratio;
  if (n <= 0 || max_visible <= 0) return;
  const size_t smem = size_t(heads * (hd + 1) + kSub * hd + kWarps * heads) * sizeof(float);
  if (heads > kMaxHeads || smem > 48 * 1024) {
    std::fprintf(stderr, "indexer: %lld heads of %lld dims exceed the kernel's shared memory\n", (long long)heads,
                 (long long)hd);
    std::abort();
  }
  const dim3 grid(unsigned((max_visible + kBlockKeys - 1) / kBlockKeys), unsigned(n));
  scores_kernel<<<grid, kWarps * 32, smem, s>>>(q, w, int(heads), int(hd), keys, pos0, ratio, scores, ld, bf16);
  AGENT_LAUNCH_CHECK();
}

void launch_topk_rows(const float* scores, int64_t ld, int64_t n, int64_t pos0, int64_t ratio, int64_t k,
                      int32_t* idx, cudaStream_t s) {
  if (n <= 0) return;
  if (k > kMaxTop) {
    std::fprintf(stderr, "indexer: top-%lld > %d\n", (long long)k, kMaxTop);
    std::abort();
  }
  topk_kernel<<<unsigned(n), kTopThreads, 0, s>>>(scores, ld, pos0, ratio, int(k), idx);
  AGENT_LAUNCH_CHECK();
}

}  // namespace agent::engine::cuda
