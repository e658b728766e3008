// The compressor's state machine (deepseek-v4-model.md 2.5, ops.h compress) over n tokens at
// once, without a sequential pass: every block that completes inside the call is pooled in
// parallel, each of its slots read from this call's rows (tokens >= pos0) or from the state
// the previous calls left (tokens < pos0); then the state is brought to where the CPU's
// token-by-token loop leaves it. Twin: cpu_attention.cpp compress / pool_block; the pooled
// values follow the CPU's operations per channel (max, exp, sum, weighted sum in slot order).
//
// State layout (per sequence, f32, width = c * hd): non-overlap (HCA): rows t % m hold the
// current partial block. Overlap (CSA, c = 2): rows m + t % m the current block, rows t % m
// the previous complete block (only its first halves [0, hd) are ever read).
#include "inference/engine/cuda/device_common.cuh"
#include "inference/engine/cuda/kernels.h"

namespace agent::engine::cuda {
namespace {

constexpr int kThreads = 128;

struct Args {
  const float* kv;
  const float* score;
  int64_t n, pos0, m, hd, width;
  bool overlap;
  const float* ape;
  float* kv_state;
  float* score_state;
  float* out;
};

// Value and score of token t in column col: this call's row plus ape, or the state row.
// Returns false for a token before the sequence (the absent block before the first one).
__device__ __forceinline__ bool slot_value(const Args& a, int64_t t, int64_t col, float& v, float& s) {
  if (t < 0) return false;
  if (t >= a.pos0) {
    const int64_t i = t - a.pos0;
    v = a.kv[i * a.width + col];
    s = __fadd_rn(a.score[i * a.width + col], a.ape[(t % a.m) * a.width + col]);
    return true;
  }
  const int64_t cur = a.pos0 / a.m;  // the block being filled when the call started
  const int64_t row = t / a.m == cur ? (a.overlap ? a.m + t % a.m : t % a.m) : t % a.m;  // else: previous block
  v = a.kv_state[row * a.width + col];
  s = a.score_state[row * a.width + col];
  return true;
}

// Token and column of slot r of block b. Overlap: slots 0..m-1 = the previous block's first
// halves, m..2m-1 = this block's second halves. Otherwise the m tokens of the block.
__device__ __forceinline__ void slot_of(const Args& a, int64_t b, int r, int64_t ch, int64_t& t, int64_t& col) {
  t = a.overlap ? (r < a.m ? a.m * (b - 1) + r : a.m * b + (r - a.m)) : a.m * b + r;
  col = (a.overlap && r >= a.m) ? a.hd + ch : ch;
}

// Entry i of this call = block b = pos0 / m + i; one thread per channel. Three passes over
// the slots (max, sum of exponentials, weighted sum) recompute the same expf values instead
// of holding up to 256 of them per thread.
__global__ void pool_kernel(Args a) {
  const int64_t b = a.pos0 / a.m + blockIdx.y;
  const int64_t ch = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (ch >= a.hd) return;
  const int slots = int(a.overlap ? 2 * a.m : a.m);
  int64_t t, col;
  float v, s, mx = -INFINITY;
  for (int r = 0; r < slots; ++r) {
    slot_of(a, b, r, ch, t, col);
    if (slot_value(a, t, col, v, s)) mx = fmaxf(mx, s);
  }
  float sum = 0;
  for (int r = 0; r < slots; ++r) {  // absent slots: the CPU's -inf score, weight exactly 0
    slot_of(a, b, r, ch, t, col);
    if (slot_value(a, t, col, v, s)) sum = __fadd_rn(sum, expf(s - mx));
  }
  float acc = 0;
  for (int r = 0; r < slots; ++r) {
    slot_of(a, b, r, ch, t, col);
    if (slot_value(a, t, col, v, s)) acc = __fadd_rn(acc, __fmul_rn(v, __fdiv_rn(expf(s - mx), sum)));
  }
  a.out[blockIdx.y * a.hd + ch] = acc;
}

// Overlap, after a block completed: previous rows <- the rows of block (pos0 + n) / m - 1.
__global__ void shift_kernel(Args a) {
  const int64_t c = (a.pos0 + a.n) / a.m;
  const int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e >= a.m * a.width) return;
  const int64_t r = e / a.width, col = e % a.width, t = a.m * (c - 1) + r;
  float v, s;
  slot_value(a, t, col, v, s);  // t >= 0: a block completed
  a.kv_state[r * a.width + col] = v;
  a.score_state[r * a.width + col] = s;
}

// Current rows <- this call's tokens of the block still open at the end.
__global__ void keep_kernel(Args a) {
  const int64_t end = a.pos0 + a.n, c = end / a.m;
  const int64_t first = a.m * c > a.pos0 ? a.m * c : a.pos0;
  const int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e >= (end - first) * a.width) return;
  const int64_t t = first + e / a.width, col = e % a.width, i = t - a.pos0;
  const int64_t row = a.overlap ? a.m + t % a.m : t % a.m;
  a.kv_state[row * a.width + col] = a.kv[i * a.width + col];
  a.score_state[row * a.width + col] = __fadd_rn(a.score[i * a.width + col], a.ape[(t % a.m) * a.width + col]);
}

}  // namespace

int64_t launch_compress(const float* kv, const float* score, int64_t n, int64_t pos0, int64_t ratio, bool overlap,
                        int64_t hd, const float* ape, float* kv_state, float* score_state, float* out, cudaStream_t s) {
  if (n <= 0) return 0;
  Args a{kv, score, n, pos0, ratio, hd, overlap ? 2 * hd : hd, overlap, ape, kv_state, score_state, out};
  const int64_t made = (pos0 + n) / ratio - pos0 / ratio;
  if (made > 0) {
    pool_kernel<<<dim3(unsigned((hd + kThreads - 1) / kThreads), unsigned(made)), kThreads, 0, s>>>(a);
    AGENT_LAUNCH_CHECK();
    if (overlap) {
      shift_kernel<<<blocks_for(ratio * a.width, kThreads), kThreads, 0, s>>>(a);
      AGENT_LAUNCH_CHECK();
    }
  }
  const int64_t end = pos0 + n, first = ratio * (end / ratio) > pos0 ? ratio * (end / ratio) : pos0;
  if (end > first) {
    keep_kernel<<<blocks_for((end - first) * a.width, kThreads), kThreads, 0, s>>>(a);
    AGENT_LAUNCH_CHECK();
  }
  return made;
}

}  // namespace agent::engine::cuda
