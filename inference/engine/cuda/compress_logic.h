// The compressor's state machine (deepseek-v4-model.md 2.5, ops.h compress) over n tokens at
// once, as per-element steps with no sequential pass: every block that completes inside the
// call is pooled from this call's rows (tokens >= pos0) or from the state the previous calls
// left (tokens < pos0), then the state is brought to where the CPU's token-by-token loop
// leaves it. compress.cu runs each step as a kernel (one thread per element); the host test
// compress_logic_test.cpp runs the same steps in loops against CpuOps::compress.
//
// State layout (per sequence, f32, width = c * hd): non-overlap (HCA): rows t % m hold the
// current partial block. Overlap (CSA, c = 2): rows m + t % m the current block, rows t % m
// the previous complete block (only its first halves [0, hd) are ever read).
// Thread-safety: the elements of one step are independent; steps run in order.
#pragma once

#include "inference/engine/cuda/numerics.h"

namespace agent::engine::cuda {

struct CompressArgs {
  const float* kv;     // [n, width] this call's rows
  const float* score;  // [n, width]
  int64_t n, pos0, m, hd, width;
  bool overlap;
  const float* ape;  // [m, width]
  float* kv_state;   // [c * m, width]
  float* score_state;
  float* out;  // [made, hd]
};

// Entries completed by the call, and the first token whose row stays in the state.
AGENT_HD int64_t compress_made(const CompressArgs& a) { return (a.pos0 + a.n) / a.m - a.pos0 / a.m; }
AGENT_HD int64_t compress_keep_first(const CompressArgs& a) {
  const int64_t c = (a.pos0 + a.n) / a.m;
  return a.m * c > a.pos0 ? a.m * c : a.pos0;
}

// Value and score of token t in column col: this call's row (score + ape, as the CPU stores
// it), or the state row. False for a token before the sequence (the absent previous block).
AGENT_HD bool slot_value(const CompressArgs& a, int64_t t, int64_t col, float& v, float& s) {
  if (t < 0) return false;
  if (t >= a.pos0) {
    const int64_t i = t - a.pos0;
    v = a.kv[i * a.width + col];
    s = add_rn(a.score[i * a.width + col], a.ape[(t % a.m) * a.width + col]);
    return true;
  }
  const int64_t cur = a.pos0 / a.m;  // the block being filled when the call started
  const int64_t row = t / a.m == cur ? (a.overlap ? a.m + t % a.m : t % a.m) : t % a.m;  // else the previous block
  v = a.kv_state[row * a.width + col];
  s = a.score_state[row * a.width + col];
  return true;
}

// Token and column of slot r of block b. Overlap: slots 0..m-1 = the previous block's first
// halves, m..2m-1 = this block's second halves. Otherwise the m tokens of the block.
AGENT_HD void slot_of(const CompressArgs& a, int64_t b, int64_t r, int64_t ch, int64_t& t, int64_t& col) {
  t = a.overlap ? (r < a.m ? a.m * (b - 1) + r : a.m * b + (r - a.m)) : a.m * b + r;
  col = (a.overlap && r >= a.m) ? a.hd + ch : ch;
}

// Step 1, element (entry i, channel ch): the per-channel softmax pooling of block pos0/m + i
// (cpu pool_block's operations in slot order; three passes recompute the same expf values
// instead of holding up to 256 of them).
AGENT_HD void compress_pool(const CompressArgs& a, int64_t i, int64_t ch) {
  const int64_t b = a.pos0 / a.m + i, slots = a.overlap ? 2 * a.m : a.m;
  int64_t t = 0, col = 0;
  float v = 0, s = 0, mx = -INFINITY;
  for (int64_t r = 0; r < slots; ++r) {
    slot_of(a, b, r, ch, t, col);
    if (slot_value(a, t, col, v, s)) mx = fmaxf(mx, s);
  }
  float sum = 0;
  for (int64_t r = 0; r < slots; ++r) {  // absent slots: the CPU's -inf score, weight exactly 0
    slot_of(a, b, r, ch, t, col);
    if (slot_value(a, t, col, v, s)) sum = add_rn(sum, expf(s - mx));
  }
  float acc = 0;
  for (int64_t r = 0; r < slots; ++r) {
    slot_of(a, b, r, ch, t, col);
    if (slot_value(a, t, col, v, s)) acc = add_rn(acc, mul_rn(v, div_rn(expf(s - mx), sum)));
  }
  a.out[i * a.hd + ch] = acc;
}

// Step 2 (overlap, when an entry was made), element e < m * width: the previous-block rows
// become the rows of block (pos0 + n) / m - 1 (read from the call or the current rows).
AGENT_HD void compress_shift(const CompressArgs& a, int64_t e) {
  const int64_t c = (a.pos0 + a.n) / a.m, r = e / a.width, col = e % a.width;
  float v = 0, s = 0;
  slot_value(a, a.m * (c - 1) + r, col, v, s);
  a.kv_state[r * a.width + col] = v;
  a.score_state[r * a.width + col] = s;
}

// Step 3, element e < (pos0 + n - keep_first) * width: the current rows get this call's
// tokens of the block still open at the end.
AGENT_HD void compress_keep(const CompressArgs& a, int64_t e) {
  const int64_t t = compress_keep_first(a) + e / a.width, col = e % a.width, i = t - a.pos0;
  const int64_t row = a.overlap ? a.m + t % a.m : t % a.m;
  a.kv_state[row * a.width + col] = a.kv[i * a.width + col];
  a.score_state[row * a.width + col] = add_rn(a.score[i * a.width + col], a.ape[(t % a.m) * a.width + col]);
}

}  // namespace agent::engine::cuda
