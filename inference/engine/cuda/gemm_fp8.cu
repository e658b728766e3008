// FP8 tensor-core matmul of the official numerics (deepseek-v4-model.md 9.1): activations
// quantised to e4m3 per 128-block with power-of-two scales (fp8_quantize below, the same
// arithmetic as cpu fp8_quantize_row), weights e4m3 with 128x128 block scales, or FP4 e2m1
// with per-32 scales expanded to e4m3 codes on the fly (every e2m1 value is an e4m3 value:
// lossless). mma.sync.m16n8k32 e4m3 x e4m3 -> f32 (sm_89+); the tensor cores sum products
// of unscaled codes (exact in f32) over one scale group, and the f32 partial sum is then
// multiplied by weight scale x activation scale and added to an f32 accumulator: the
// reference's fp8_gemm / fp4_gemm, up to the order of the sums.
//
// Block: 4 warps = 64 weight rows, NT x 8 tokens, K in steps of 128 through shared memory
// (double-buffered, next tile prefetched into registers during the mma of the current one).
// Grouped mode: one block per (expert, run of its pairs) and weight tile (the routed-expert
// grouped GEMM). Dense decode-sized matmuls split K over blocks (deterministic reduction).
#include "inference/engine/cuda/device_common.cuh"
#include "inference/engine/cuda/kernels.h"

namespace agent::engine::cuda {
namespace {

constexpr int kBM = 64, kBK = 128, kLd = kBK + 16, kThreads = 128;

// ---- activation quantisation: one warp per (row, 128-block) ----
__global__ void quantize_kernel(const float* x, int64_t ldx, int64_t n, int64_t K, float* deq, uint8_t* codes,
                                float* scales, int64_t s_tok, int64_t s_kb) {
  const int64_t KB = (K + 127) / 128;
  const int64_t unit = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
  if (unit >= n * KB) return;  // whole warps leave together
  const int lane = threadIdx.x & 31;
  const int64_t t = unit / KB, kb = unit % KB, c0 = kb * 128 + lane * 4;
  float v[4];
  float amax = 0;
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    v[i] = c0 + i < K ? x[t * ldx + c0 + i] : 0.0f;
    amax = fmaxf(amax, fabsf(v[i]));
  }
  amax = warp_max(amax);
  const float sc = fp8_block_scale(amax);
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    if (c0 + i >= K) break;
    const uint8_t code = e4m3_code(fminf(fmaxf(v[i] / sc, -448.0f), 448.0f));
    if (codes) codes[t * K + c0 + i] = code;
    if (deq) deq[t * K + c0 + i] = e4m3_value(code) * sc;
  }
  if (lane == 0 && scales) scales[t * s_tok + kb * s_kb] = sc;
}

// ---- the tensor-core matmul ----
struct Params {
  DevMatrix w;
  Grouped g;
  GroupWork gw;
  bool grouped;
  Fp8Act x;
  int64_t n;
  float* y;
  int64_t ldy;
  bool bf16;
  float* split_ws;  // [splits, n, rows] when gridDim.z > 1
};

__device__ __forceinline__ void mma_e4m3(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
      "{%0,%1,%2,%3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

__device__ __forceinline__ uint32_t lds32(const uint8_t* p) { return *reinterpret_cast<const uint32_t*>(p); }

// 16 FP4 bytes (32 codes, low nibble first) -> 32 e4m3 codes.
__device__ __forceinline__ void expand_fp4(const uint4& in, uint4& lo, uint4& hi) {
  uint32_t out[8];
  const uint32_t w[4] = {in.x, in.y, in.z, in.w};
#pragma unroll
  for (int i = 0; i < 8; ++i) {  // output word i = input bytes 2i, 2i+1
    const uint32_t b0 = (w[i / 2] >> (16 * (i % 2))) & 0xff, b1 = (w[i / 2] >> (16 * (i % 2) + 8)) & 0xff;
    out[i] = uint32_t(e4m3_of_e2m1(uint8_t(b0 & 15))) | uint32_t(e4m3_of_e2m1(uint8_t(b0 >> 4))) << 8 |
             uint32_t(e4m3_of_e2m1(uint8_t(b1 & 15))) << 16 | uint32_t(e4m3_of_e2m1(uint8_t(b1 >> 4))) << 24;
  }
  lo = make_uint4(out[0], out[1], out[2], out[3]);
  hi = make_uint4(out[4], out[5], out[6], out[7]);
}

template <int NT, bool kFp4>
struct Tile {
  static constexpr int kTok = NT * 8;
  static constexpr int kAChunks = kFp4 ? kBM * 4 / kThreads : kBM * 8 / kThreads;  // 16-byte loads per thread
  static constexpr int kBChunks = (kTok * 8 + kThreads - 1) / kThreads;
  uint4 a[kAChunks], b[kBChunks];
  float sa[4], sb;  // threads < 64: the scales of weight row tid; threads < kTok: of token tid
};

template <int NT, bool kFp4>
__device__ __forceinline__ void load_tile(const Params& p, const DevMatrix& w, int64_t row0, const int64_t* xrow,
                                          int count, int64_t kb, Tile<NT, kFp4>& t) {
  const int tid = threadIdx.x;
  const int64_t K = w.cols, k0 = kb * kBK;
#pragma unroll
  for (int i = 0; i < Tile<NT, kFp4>::kAChunks; ++i) {
    const int c = tid + i * kThreads;
    const int per_row = kFp4 ? 4 : 8;
    const int64_t r = row0 + c / per_row, kc = k0 + (c % per_row) * (kFp4 ? 32 : 16);
    t.a[i] = make_uint4(0, 0, 0, 0);
    if (r < w.rows && kc < K) {
      t.a[i] = __ldcs(reinterpret_cast<const uint4*>(w.data + r * w.row_bytes + (kFp4 ? kc / 2 : kc)));
    }
  }
#pragma unroll
  for (int i = 0; i < Tile<NT, kFp4>::kBChunks; ++i) {
    const int c = tid + i * kThreads, tok = c / 8;
    const int64_t kc = k0 + (c % 8) * 16;
    t.b[i] = make_uint4(0, 0, 0, 0);
    if (tok < count && kc < K) t.b[i] = *reinterpret_cast<const uint4*>(p.x.codes + xrow[tok] * K + kc);
  }
  if (tid < kBM) {
    const int64_t r = row0 + tid;
#pragma unroll
    for (int g = 0; g < 4; ++g) {
      t.sa[g] = 0;
      if (r < w.rows && k0 + g * 32 < K) t.sa[g] = kFp4 ? fp4_scale_at(w, r, kb * 4 + g) : fp8_scale_at(w, r, k0);
    }
  }
  const int64_t KB = (K + kBK - 1) / kBK;
  t.sb = tid < count ? p.x.scales[xrow[tid] * KB + kb] : 0.0f;
}

template <int NT, bool kFp4>
__device__ __forceinline__ void store_tile(const Tile<NT, kFp4>& t, uint8_t* As, uint8_t* Bs, float (*sA)[4],
                                           float* sB) {
  const int tid = threadIdx.x;
#pragma unroll
  for (int i = 0; i < Tile<NT, kFp4>::kAChunks; ++i) {
    const int c = tid + i * kThreads;
    if constexpr (kFp4) {
      uint4 lo, hi;
      expand_fp4(t.a[i], lo, hi);
      uint8_t* dst = As + (c / 4) * kLd + (c % 4) * 32;
      *reinterpret_cast<uint4*>(dst) = lo;
      *reinterpret_cast<uint4*>(dst + 16) = hi;
    } else {
      *reinterpret_cast<uint4*>(As + (c / 8) * kLd + (c % 8) * 16) = t.a[i];
    }
  }
#pragma unroll
  for (int i = 0; i < Tile<NT, kFp4>::kBChunks; ++i) {
    const int c = tid + i * kThreads;
    if (c < Tile<NT, kFp4>::kTok * 8) *reinterpret_cast<uint4*>(Bs + (c / 8) * kLd + (c % 8) * 16) = t.b[i];
  }
  if (tid < kBM) {
#pragma unroll
    for (int g = 0; g < 4; ++g) sA[tid][g] = t.sa[g];
  }
  if (tid < Tile<NT, kFp4>::kTok) sB[tid] = t.sb;
}

template <int NT, bool kFp4>
__global__ void __launch_bounds__(kThreads) gemm_fp8_kernel(Params p) {
  constexpr int kTok = NT * 8;
  __shared__ __align__(16) uint8_t As[2][kBM * kLd];
  __shared__ __align__(16) uint8_t Bs[2][kTok * kLd];
  __shared__ float sA[2][kBM][4];
  __shared__ float sB[2][kTok];
  __shared__ int64_t xrow[kTok], yrow[kTok];
  __shared__ int count_s;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, g = lane >> 2, t4 = lane & 3;
  const int64_t row0 = int64_t(blockIdx.y) * kBM;
  DevMatrix w = p.w;
  if (p.grouped) {
    if (int64_t(blockIdx.x) >= *p.gw.n_items) return;
    const int4 it = p.gw.items[blockIdx.x];
    const DevMatrix& e = p.g.table[int64_t(it.x) * 3 + p.g.which];
    w.data = e.data, w.scales = e.scales;
    if (tid < kTok) {
      const int64_t pair = tid < it.z ? p.gw.sorted[it.y + tid] : 0;
      xrow[tid] = pair / p.g.x_div;
      yrow[tid] = pair;
    }
    if (tid == 0) count_s = it.z;
  } else {
    const int64_t t0 = int64_t(blockIdx.x) * kTok;
    if (tid < kTok) xrow[tid] = yrow[tid] = t0 + tid < p.n ? t0 + tid : t0;
    if (tid == 0) count_s = int(p.n - t0 < kTok ? p.n - t0 : kTok);
  }
  __syncthreads();
  const int count = count_s;
  const int64_t KB = (w.cols + kBK - 1) / kBK;
  const int64_t per_split = (KB + gridDim.z - 1) / gridDim.z;
  const int64_t kb0 = blockIdx.z * per_split, kb1 = kb0 + per_split < KB ? kb0 + per_split : KB;
  float acc[NT][4] = {};
  Tile<NT, kFp4> t;
  if (kb0 < kb1) {
    load_tile(p, w, row0, xrow, count, kb0, t);
    store_tile(t, As[0], Bs[0], sA[0], sB[0]);
  }
  __syncthreads();
  for (int64_t kb = kb0; kb < kb1; ++kb) {
    const int s = int((kb - kb0) & 1);
    if (kb + 1 < kb1) load_tile(p, w, row0, xrow, count, kb + 1, t);  // in flight during the mma
    const uint8_t* A = As[s] + (warp * 16 + g) * kLd + t4 * 4;
    float part[NT][4] = {};
#pragma unroll
    for (int ks = 0; ks < 4; ++ks) {
      const uint32_t a[4] = {lds32(A + ks * 32), lds32(A + 8 * kLd + ks * 32), lds32(A + ks * 32 + 16),
                             lds32(A + 8 * kLd + ks * 32 + 16)};
#pragma unroll
      for (int j = 0; j < NT; ++j) {
        const uint8_t* B = Bs[s] + (j * 8 + g) * kLd + t4 * 4 + ks * 32;
        mma_e4m3(part[j], a, lds32(B), lds32(B + 16));
      }
      if constexpr (kFp4) {  // one FP4 scale group per 32 K: scale each step's sums
        const float w0 = sA[s][warp * 16 + g][ks], w1 = sA[s][warp * 16 + g + 8][ks];
#pragma unroll
        for (int j = 0; j < NT; ++j) {
          const float x0 = sB[s][j * 8 + t4 * 2], x1 = sB[s][j * 8 + t4 * 2 + 1];
          acc[j][0] = fmaf(part[j][0], w0 * x0, acc[j][0]), acc[j][1] = fmaf(part[j][1], w0 * x1, acc[j][1]);
          acc[j][2] = fmaf(part[j][2], w1 * x0, acc[j][2]), acc[j][3] = fmaf(part[j][3], w1 * x1, acc[j][3]);
          part[j][0] = part[j][1] = part[j][2] = part[j][3] = 0;
        }
      }
    }
    if constexpr (!kFp4) {  // one FP8 weight scale and one activation scale per 128 K
      const float w0 = sA[s][warp * 16 + g][0], w1 = sA[s][warp * 16 + g + 8][0];
#pragma unroll
      for (int j = 0; j < NT; ++j) {
        const float x0 = sB[s][j * 8 + t4 * 2], x1 = sB[s][j * 8 + t4 * 2 + 1];
        acc[j][0] = fmaf(part[j][0], w0 * x0, acc[j][0]), acc[j][1] = fmaf(part[j][1], w0 * x1, acc[j][1]);
        acc[j][2] = fmaf(part[j][2], w1 * x0, acc[j][2]), acc[j][3] = fmaf(part[j][3], w1 * x1, acc[j][3]);
      }
    }
    if (kb + 1 < kb1) store_tile(t, As[s ^ 1], Bs[s ^ 1], sA[s ^ 1], sB[s ^ 1]);
    __syncthreads();
  }
#pragma unroll
  for (int j = 0; j < NT; ++j) {
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int tok = j * 8 + t4 * 2 + (i & 1);
      const int64_t r = row0 + warp * 16 + g + (i >= 2 ? 8 : 0);
      if (tok >= count || r >= w.rows) continue;
      if (gridDim.z > 1) {
        p.split_ws[(int64_t(blockIdx.z) * p.n + xrow[tok]) * w.rows + r] = acc[j][i];
      } else {
        p.y[yrow[tok] * p.ldy + r] = p.bf16 ? round_bf16(acc[j][i]) : acc[j][i];
      }
    }
  }
}

// y[t, r] = Σ_z ws[z, t, r] in split order (deterministic).
__global__ void split_reduce_kernel(const float* ws, int splits, int64_t n, int64_t rows, float* y, int64_t ldy,
                                    bool bf16) {
  const int64_t total = n * rows;
  for (int64_t e = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; e < total; e += int64_t(gridDim.x) * blockDim.x) {
    float s = 0;
    for (int z = 0; z < splits; ++z) s += ws[z * total + e];
    y[(e / rows) * ldy + e % rows] = bf16 ? round_bf16(s) : s;
  }
}

}  // namespace

int fp8_token_tile(int64_t n) { return n <= 8 ? 8 : 64; }

void launch_fp8_quantize(const float* x, int64_t ldx, int64_t n, int64_t K, float* deq, uint8_t* codes, float* scales,
                         int64_t s_tok, int64_t s_kb, cudaStream_t s) {
  const int64_t warps = n * ((K + 127) / 128);
  if (warps <= 0) return;
  quantize_kernel<<<unsigned((warps + 7) / 8), 256, 0, s>>>(x, ldx, n, K, deq, codes, scales, s_tok, s_kb);
  AGENT_LAUNCH_CHECK();
}

void launch_gemm_fp8(const DevMatrix& w, const Grouped* g, const GroupWork* gw, const Fp8Act& x, int64_t n, float* y,
                     int64_t ldy, bool bf16, int splits, float* split_ws, cudaStream_t s) {
  if (n <= 0 || w.rows <= 0) return;
  const bool fp4 = WeightFormat(w.format) == WeightFormat::kFP4Group;
  const int tile = gw ? 64 : fp8_token_tile(n);
  if (gw || splits < 1) splits = 1;
  Params p{w, g ? *g : Grouped{}, gw ? *gw : GroupWork{}, gw != nullptr, x, n, y, ldy, bf16, split_ws};
  const dim3 grid(gw ? unsigned(gw->max_items) : unsigned((n + tile - 1) / tile), unsigned((w.rows + kBM - 1) / kBM),
                  unsigned(splits));
  if (tile == 8) {
    if (fp4) gemm_fp8_kernel<1, true><<<grid, kThreads, 0, s>>>(p);
    else gemm_fp8_kernel<1, false><<<grid, kThreads, 0, s>>>(p);
  } else {
    if (fp4) gemm_fp8_kernel<8, true><<<grid, kThreads, 0, s>>>(p);
    else gemm_fp8_kernel<8, false><<<grid, kThreads, 0, s>>>(p);
  }
  AGENT_LAUNCH_CHECK();
  if (splits > 1) {
    const int64_t total = n * w.rows;
    split_reduce_kernel<<<unsigned((total + 255) / 256 < 65535 * 8 ? (total + 255) / 256 : 65535 * 8), 256, 0, s>>>(
        split_ws, splits, n, w.rows, y, ldy, bf16);
    AGENT_LAUNCH_CHECK();
  }
}

}  // namespace agent::engine::cuda
