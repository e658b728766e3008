// Output kernels: log_softmax (cpu_ops.cpp twin: f32 max, double sum of exponentials) and
// token sampling on the device (model/generate.cpp Sampler twin): argmax at temperature 0,
// else p_i = exp((l_i - max) / T) in double, the top-p nucleus in descending order of p (ties
// to the lower id), and the first token whose cumulative mass passes u * nucleus mass. The
// descending order is never materialised: a radix search over the logits' bits (p is
// monotonic in the logit) with per-bucket masses finds the element where a cumulative mass
// crosses a target. Sums run in a different order than the CPU's sequential ones, so a draw
// within ~1e-15 of a boundary may pick the neighbour; everything else is the same token.
#include <climits>

#include "inference/engine/cuda/device_common.cuh"
#include "inference/engine/cuda/kernels.h"

namespace agent::engine::cuda {
namespace {

constexpr int kThreads = 1024;

__device__ __forceinline__ uint32_t ordered(float f) {
  if (f != f) return 0;
  if (f == 0.0f) f = 0.0f;
  const uint32_t u = __float_as_uint(f);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

__device__ double block_sum_d(double v, double* red) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_sum_d(v);
  __syncthreads();
  if (lane == 0) red[warp] = v;
  __syncthreads();
  double t = 0;
  for (int i = 0; i < int(blockDim.x >> 5); ++i) t += red[i];
  return t;
}

__global__ void __launch_bounds__(kThreads) log_softmax_kernel(const float* logits, int64_t v, float* out) {
  __shared__ float red[32];
  __shared__ double redd[32];
  const float* l = logits + blockIdx.x * v;
  float m = -INFINITY;
  for (int64_t i = threadIdx.x; i < v; i += blockDim.x) m = fmaxf(m, l[i]);
  m = block_max(m, red);
  double s = 0;
  for (int64_t i = threadIdx.x; i < v; i += blockDim.x) s += exp(double(l[i] - m));
  s = block_sum_d(s, redd);
  const float lse = float(log(s));
  for (int64_t i = threadIdx.x; i < v; i += blockDim.x) out[blockIdx.x * v + i] = __fsub_rn(__fsub_rn(l[i], m), lse);
}

// The float of an ordered key (inverse of ordered()).
__device__ __forceinline__ float value_of(uint32_t k) {
  return __uint_as_float((k & 0x80000000u) ? (k & 0x7fffffffu) : ~k);
}

struct Shared {
  unsigned count[256];
  double mass[256];
  double red[32];
  float redf[32];
  int warp_counts[32];
  uint32_t prefix;
  double before;  // mass of the elements ordered before the current bucket range
  int64_t best;
};

// p of logit x (the CPU's arithmetic: f32 difference, then double).
__device__ __forceinline__ double prob(float x, float m, double temp) { return exp(double(__fsub_rn(x, m)) / temp); }

// The element where the cumulative mass in descending order first reaches `target` (strict:
// exceeds it). Returns its key; *before = the mass of all larger keys, *rank = its rank among
// the equal keys (id order).
__device__ uint32_t locate(const float* l, int64_t v, float m, double temp, double target, bool strict, Shared& sh,
                           double* before, int64_t* rank) {
  uint32_t prefix = 0, mask = 0;
  double cum = 0;
  for (int shift = 24; shift >= 0; shift -= 8) {
    for (int b = threadIdx.x; b < 256; b += blockDim.x) sh.count[b] = 0, sh.mass[b] = 0;
    __syncthreads();
    for (int64_t i = threadIdx.x; i < v; i += blockDim.x) {
      const uint32_t u = ordered(l[i]);
      if ((u & mask) != prefix) continue;
      atomicAdd(&sh.count[(u >> shift) & 255u], 1u);
      atomicAdd(&sh.mass[(u >> shift) & 255u], prob(l[i], m, temp));
    }
    __syncthreads();
    if (threadIdx.x == 0) {
      // Buckets from the largest keys down; stop in the one where the mass crosses the
      // target. If rounding keeps it from ever crossing, the last non-empty bucket.
      int b = 255, chosen = 0;
      double c = cum;
      for (; b >= 0; --b) {
        if (sh.count[b] == 0) continue;
        chosen = b;
        const double next = c + sh.mass[b];
        if (strict ? next > target : next >= target) break;
        c = next;
      }
      if (b < 0) c -= sh.mass[chosen];
      sh.prefix = prefix | (uint32_t(chosen) << shift);
      sh.before = c;
    }
    __syncthreads();
    prefix = sh.prefix, cum = sh.before, mask |= 255u << shift;
  }
  // All equal keys have the same p: the crossing rank among them.
  const double p = prob(value_of(prefix), m, temp);
  int64_t r = 0;
  if (p > 0) {
    const double need = (target - cum) / p;  // (r + 1) p must reach target - cum
    r = need <= 1 ? 0 : int64_t(ceil(need)) - 1;
    if (strict && double(r + 1) * p + cum <= target) ++r;
  }
  *before = cum;
  *rank = r;
  return prefix;
}

// The id of the rank-th element (id order) whose key is `key`; the last one if fewer.
__device__ int64_t tie_id(const float* l, int64_t v, uint32_t key, int64_t rank, Shared& sh) {
  if (threadIdx.x == 0) sh.best = -1;
  int64_t seen = 0;
  for (int64_t i0 = 0; i0 < v; i0 += blockDim.x) {
    const int64_t i = i0 + threadIdx.x;
    const bool tie = i < v && ordered(l[i]) == key;
    const unsigned ballot = __ballot_sync(0xffffffffu, tie);
    if ((threadIdx.x & 31) == 0) sh.warp_counts[threadIdx.x >> 5] = __popc(ballot);
    __syncthreads();
    int64_t base = seen, all = 0;
    for (int w = 0; w < int(blockDim.x >> 5); ++w) {
      if (w < int(threadIdx.x >> 5)) base += sh.warp_counts[w];
      all += sh.warp_counts[w];
    }
    const int64_t my = base + __popc(ballot & ((1u << (threadIdx.x & 31)) - 1u));
    if (tie && (my == rank || (my < rank && my == seen + all - 1))) sh.best = i;  // exact, or the last so far
    seen += all;
    __syncthreads();
    if (seen > rank) break;
  }
  __syncthreads();
  return sh.best;
}

__global__ void __launch_bounds__(kThreads) sample_kernel(const float* logits, int64_t v, double temp, double top_p,
                                                          const double* u, int32_t* out) {
  __shared__ Shared sh;
  const float* l = logits + blockIdx.x * v;
  float m = -INFINITY;
  for (int64_t i = threadIdx.x; i < v; i += blockDim.x) m = fmaxf(m, l[i]);
  m = block_max(m, sh.redf);
  if (temp <= 0) {  // argmax, ties to the lower id
    int64_t best = INT64_MAX;
    for (int64_t i = threadIdx.x; i < v; i += blockDim.x) {
      if (l[i] == m && i < best) best = i;
    }
    for (int o = 16; o > 0; o >>= 1) {
      const long long other = __shfl_xor_sync(0xffffffffu, (long long)best, o);
      best = other < best ? other : best;
    }
    if (threadIdx.x == 0) sh.best = INT64_MAX;
    __syncthreads();
    if ((threadIdx.x & 31) == 0) atomicMin(reinterpret_cast<unsigned long long*>(&sh.best), (unsigned long long)best);
    __syncthreads();
    if (threadIdx.x == 0) out[blockIdx.x] = int32_t(sh.best);
    return;
  }
  double total = 0;
  for (int64_t i = threadIdx.x; i < v; i += blockDim.x) total += prob(l[i], m, temp);
  total = block_sum_d(total, sh.red);
  double before = 0;
  int64_t rank = 0;
  const uint32_t k1 = locate(l, v, m, temp, top_p * total, false, sh, &before, &rank);
  const double kept = before + double(rank + 1) * prob(value_of(k1), m, temp);
  const int64_t rank1 = rank;
  const uint32_t k2 = locate(l, v, m, temp, u[blockIdx.x] * kept, true, sh, &before, &rank);
  // Never past the nucleus boundary (rounding): the later of the two in descending order wins.
  const bool past = k2 < k1 || (k2 == k1 && rank > rank1);
  const int64_t id = past ? tie_id(l, v, k1, rank1, sh) : tie_id(l, v, k2, rank, sh);
  if (threadIdx.x == 0) out[blockIdx.x] = int32_t(id);
}

}  // namespace

void launch_log_softmax(const float* logits, int64_t n, int64_t v, float* out, cudaStream_t s) {
  if (n <= 0) return;
  log_softmax_kernel<<<unsigned(n), kThreads, 0, s>>>(logits, v, out);
  AGENT_LAUNCH_CHECK();
}

void launch_sample(const float* logits, int64_t n, int64_t v, double temperature, double top_p, const double* u,
                   int32_t* out, cudaStream_t s) {
  if (n <= 0) return;
  sample_kernel<<<unsigned(n), kThreads, 0, s>>>(logits, v, temperature, top_p, u, out);
  AGENT_LAUNCH_CHECK();
}

}  // namespace agent::engine::cuda
