// The compressor's parallel algorithm (compress_logic.h, what compress.cu's kernels run one
// element per thread) executed step by step on the host against the CPU reference's
// token-by-token state machine: over random chunkings of a long sequence, for CSA (ratio 4,
// overlapping) and HCA (ratio 128), every emitted entry must be bit-identical (same
// operations, same expf) and the state must lead to identical entries later. No GPU needed.
#include "inference/engine/cuda/compress_logic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "inference/engine/cpu/cpu_ops.h"

namespace agent::engine::cuda {
namespace {

int64_t emulate(const CompressArgs& a) {
  const int64_t made = compress_made(a);
  for (int64_t i = 0; i < made; ++i) {
    for (int64_t ch = 0; ch < a.hd; ++ch) compress_pool(a, i, ch);
  }
  if (made > 0 && a.overlap) {
    for (int64_t e = 0; e < a.m * a.width; ++e) compress_shift(a, e);
  }
  const int64_t keep = (a.pos0 + a.n - compress_keep_first(a)) * a.width;
  for (int64_t e = 0; e < keep; ++e) compress_keep(a, e);
  return made;
}

TEST(CompressLogic, MatchesTheCpuStateMachineOverRandomChunkings) {
  CpuOps cpu(1);
  std::mt19937_64 rng(std::random_device{}());
  std::normal_distribution<float> nd(0.0f, 1.5f);
  for (auto [m, overlap] : {std::pair<int64_t, bool>{4, true}, std::pair<int64_t, bool>{128, false},
                            std::pair<int64_t, bool>{4, false}, std::pair<int64_t, bool>{8, true}}) {
    for (int trial = 0; trial < 4; ++trial) {
      const int64_t hd = 16, width = overlap ? 2 * hd : hd, co = overlap ? 2 : 1, total = 600;
      std::vector<float> kv(size_t(total * width)), sc(kv.size()), ape(size_t(m * width));
      for (auto* v : {&kv, &sc, &ape}) {
        for (auto& x : *v) x = nd(rng);
      }
      std::vector<float> ckv(size_t(co * m * width), 0.0f), csc(ckv.size(), -INFINITY), gkv = ckv, gsc = csc;
      std::vector<float> cout(size_t(total / m * hd) + 1, 0.0f), gout(cout.size(), NAN);
      int64_t pos = 0;
      while (pos < total) {
        const int64_t n = std::min<int64_t>(total - pos, trial == 0 ? 1 : int64_t(rng() % (3 * m) + 1));
        const int64_t made_c = cpu.compress(kv.data() + pos * width, sc.data() + pos * width, n, pos, m, overlap, hd,
                                            ape.data(), ckv.data(), csc.data(), cout.data() + (pos / m) * hd);
        const CompressArgs a{kv.data() + pos * width, sc.data() + pos * width, n, pos, m, hd, width, overlap,
                             ape.data(), gkv.data(), gsc.data(), gout.data() + (pos / m) * hd};
        ASSERT_EQ(emulate(a), made_c) << "pos " << pos << " n " << n;
        pos += n;
      }
      for (size_t i = 0; i < size_t(total / m * hd); ++i) {
        ASSERT_EQ(bits_of(gout[i]), bits_of(cout[i])) << "m " << m << " overlap " << overlap << " value " << i;
      }
    }
  }
}

}  // namespace
}  // namespace agent::engine::cuda
