// Mixture of experts around the matmuls: routing (sqrt-softplus scores, top-k with the
// selection bias or the hash table, normalised weights; cpu_matmul.cpp moe_route), grouping
// the (token, slot) pairs by expert for the grouped GEMMs, and the combination of the expert
// outputs in increasing expert id (cpu moe_experts' order, so the f32 sums are the same).
#include "inference/engine/cuda/device_common.cuh"
#include "inference/engine/cuda/kernels.h"

namespace agent::engine::cuda {
namespace {

constexpr int kMaxK = 16;
constexpr int kThreads = 256;

struct Best {
  float v;
  int i;
};
// Larger value wins; equal values: the lower index (cpu partial_sort's comparator). i < 0:
// no candidate.
__device__ __forceinline__ Best better(Best a, Best b) {
  if (b.i < 0) return a;
  if (a.i < 0) return b;
  return (b.v > a.v || (b.v == a.v && b.i < a.i)) ? b : a;
}

// One block per token: s[e] = sqrt(softplus(logit)) in shared memory, then k rounds of a
// block-wide argmax of s + bias over the experts not taken yet (a NaN score counts as -inf;
// NaN marks the experts already taken).
__global__ void route_kernel(const float* logits, int64_t E, const float* bias, const int32_t* hash,
                             const int32_t* tokens, int k, bool norm, float route_scale, int32_t* idx, float* wts) {
  extern __shared__ float sm[];
  float* sc = sm;                                       // [E] scores
  float* key = sm + E;                                  // [E] selection keys, NaN once taken
  __shared__ Best red[kThreads / 32];
  __shared__ int chosen[kMaxK];
  const int64_t t = blockIdx.x;
  for (int64_t e = threadIdx.x; e < E; e += blockDim.x) {
    const float l = logits[t * E + e];
    const float s = sqrtf(l > 20.0f ? l : log1pf(expf(l)));  // softplus threshold 20, as the CPU
    sc[e] = s;
    const float kv = bias ? __fadd_rn(s, bias[e]) : s;
    key[e] = kv == kv ? kv : -INFINITY;
  }
  __syncthreads();
  if (hash) {
    if (threadIdx.x < k) chosen[threadIdx.x] = hash[int64_t(tokens[t]) * k + threadIdx.x];
  } else {
    for (int j = 0; j < k; ++j) {
      Best b{-INFINITY, -1};
      for (int64_t e = threadIdx.x; e < E; e += blockDim.x) {
        if (key[e] == key[e]) b = better(b, Best{key[e], int(e)});
      }
      for (int o = 16; o > 0; o >>= 1) {
        const Best other{__shfl_xor_sync(0xffffffffu, b.v, o), __shfl_xor_sync(0xffffffffu, b.i, o)};
        b = better(b, other);
      }
      if ((threadIdx.x & 31) == 0) red[threadIdx.x >> 5] = b;
      __syncthreads();
      if (threadIdx.x == 0) {
        Best w = red[0];
        for (int i = 1; i < int(blockDim.x >> 5); ++i) w = better(w, red[i]);
        chosen[j] = w.i;
        key[w.i] = __int_as_float(0x7fc00000);
      }
      __syncthreads();
    }
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    float sum = 0;
    for (int j = 0; j < k; ++j) sum = __fadd_rn(sum, sc[chosen[j]]);
    for (int j = 0; j < k; ++j) {
      float v = sc[chosen[j]];
      if (norm) v = __fdiv_rn(v, sum);
      idx[t * k + j] = chosen[j];
      wts[t * k + j] = __fmul_rn(v, route_scale);
    }
  }
}

// One block: counting sort of the pairs by expert, then items of at most `tile` pairs.
__global__ void group_kernel(const int32_t* expert, int64_t P, int64_t E, int tile, int32_t* sorted, int4* items,
                             int32_t* n_items) {
  extern __shared__ int cnt[];  // [E] counts, then [E] offsets, then [E] cursors
  int* off = cnt + E;
  int* cur = off + E;
  for (int64_t e = threadIdx.x; e < E; e += blockDim.x) cnt[e] = 0, cur[e] = 0;
  __syncthreads();
  for (int64_t p = threadIdx.x; p < P; p += blockDim.x) atomicAdd(&cnt[expert[p]], 1);
  __syncthreads();
  if (threadIdx.x == 0) {
    int at = 0, n = 0;
    for (int64_t e = 0; e < E; ++e) {
      off[e] = at;
      for (int s = 0; s < cnt[e]; s += tile) items[n++] = make_int4(int(e), at + s, min(tile, cnt[e] - s), 0);
      at += cnt[e];
    }
    *n_items = n;
  }
  __syncthreads();
  // The order inside an expert's run does not matter: each pair's output row depends only
  // on its own input row and weights.
  for (int64_t p = threadIdx.x; p < P; p += blockDim.x) {
    const int e = expert[p];
    sorted[off[e] + atomicAdd(&cur[e], 1)] = int32_t(p);
  }
}

// y[t, c] = Σ over the token's pairs sorted by (expert, slot) of out[pair, c], f32 from 0.
__global__ void combine_kernel(const float* out, const int32_t* idx, int64_t n, int k, int64_t d, float* y) {
  const int64_t total = n * d;
  for (int64_t e = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; e < total; e += int64_t(gridDim.x) * blockDim.x) {
    const int64_t t = e / d, c = e % d;
    int order[kMaxK];
    for (int j = 0; j < k; ++j) {  // insertion sort by expert id, stable in slot order
      int i = j;
      const int ej = idx[t * k + j];
      while (i > 0 && idx[t * k + order[i - 1]] > ej) {
        order[i] = order[i - 1];
        --i;
      }
      order[i] = j;
    }
    float s = 0;
    for (int j = 0; j < k; ++j) s = __fadd_rn(s, out[(t * k + order[j]) * d + c]);
    y[e] = s;
  }
}

}  // namespace

void launch_moe_route(const float* logits, int64_t n, int64_t E, const float* bias, const int32_t* hash,
                      const int32_t* tokens, int64_t k, bool norm, float route_scale, int32_t* idx, float* wts,
                      cudaStream_t s) {
  if (n <= 0) return;
  if (k > kMaxK || k > E) {
    std::fprintf(stderr, "moe_route: top-%lld of %lld experts is not supported\n", (long long)k, (long long)E);
    std::abort();
  }
  route_kernel<<<unsigned(n), kThreads, size_t(2 * E) * sizeof(float), s>>>(logits, E, bias, hash, tokens, int(k),
                                                                            norm, route_scale, idx, wts);
  AGENT_LAUNCH_CHECK();
}

void launch_moe_group(const int32_t* expert, int64_t P, int64_t E, int tile, int32_t* sorted, int4* items,
                      int32_t* n_items, cudaStream_t s) {
  group_kernel<<<1, 1024, size_t(3 * E) * sizeof(int), s>>>(expert, P, E, tile, sorted, items, n_items);
  AGENT_LAUNCH_CHECK();
}

void launch_moe_combine(const float* out, const int32_t* idx, int64_t n, int64_t k, int64_t d, float* y,
                        cudaStream_t s) {
  const int64_t total = n * d;
  if (total <= 0) return;
  const int64_t blocks = (total + kThreads - 1) / kThreads;
  combine_kernel<<<unsigned(blocks < 65535 * 8 ? blocks : 65535 * 8), kThreads, 0, s>>>(out, idx, n, int(k), d, y);
  AGENT_LAUNCH_CHECK();
}

}  // namespace agent::engine::cuda
