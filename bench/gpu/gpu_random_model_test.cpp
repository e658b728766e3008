// The GPU benchmark's accounting, checked on the host against deepseek-v4-model.md: the bytes
// a decoded token must read (section 8: ~11.2 GB for Flash), the prefill FLOPs (2 per active
// parameter plus attention, section 4.3), the device size of the random model, and how many
// layers fit on an H200.
#include "bench/gpu/gpu_random_model.h"

#include <gtest/gtest.h>

#include "inference/engine/cuda/memory_plan.h"

namespace agent::bench {
namespace {

using engine::cuda::CudaOptions;

TEST(GpuBenchModel, DecodeBytesPerTokenMatchTheModelNotes) {
  const engine::ModelConfig c = flash_layers(43);
  // Section 8: 6.71 GB non-expert + 3.45 GB of 6 FP4 experts per layer + 1.06 GB head.
  const double b = decode_step_bytes(c, 6, 1, 0);
  EXPECT_NEAR(b / 1e9, 11.2, 0.1);
  // Batch 8 reads the union of the experts: ~44 of 256 per layer for random routing.
  EXPECT_NEAR(distinct_experts(c, 8), 44.3, 0.1);
  EXPECT_NEAR(distinct_experts(c, 1), 6.0, 1e-9);
  // KV grows the bytes with the context: indexer keys and top-512 entries dominate.
  EXPECT_GT(decode_step_bytes(c, 6, 1, 65536), b + 21 * (512 * 512 * 4 + 16384 * 128 * 4) - 1);
}

TEST(GpuBenchModel, PrefillFlopsAreTwicePerActiveParameterPlusAttention) {
  const engine::ModelConfig c = flash_layers(43);
  // Section 1: ~13.27 B active parameters (without embedding and head): ~26.5 GFLOP/token.
  const double short_ctx = prefill_flops(c, 1) / 1.0;
  EXPECT_NEAR(short_ctx / 1e9, 2 * 13.27, 1.5);
  // Longer prompts cost more per token (the window fills, the indexer scans more keys).
  EXPECT_GT(prefill_flops(c, 8192) / 8192, short_ctx * 1.05);
}

TEST(GpuBenchModel, RandomModelSizeAndLayersThatFit) {
  const engine::ModelConfig c = flash_layers(43);
  const auto census = engine::cuda::official_census(c, false);
  const double dev = double(random_model_bytes(c));
  // The device copy is the checkpoint without MTP, FP8 block scales as f32 and vectors as f32,
  // the hash tables as i32: within a few hundred MB of the file.
  EXPECT_NEAR(dev / 1e9, double(census.bytes) / 1e9, 0.5);
  CudaOptions o;
  o.kv_tokens = 40000;
  // Flash (~155 GB without MTP) does not fit an H200's 139 GiB: most of its layers do.
  const int64_t h200 = layers_that_fit(size_t(139) << 30, o);
  EXPECT_GE(h200, 35);
  EXPECT_LT(h200, 43);
  EXPECT_EQ(layers_that_fit(size_t(1) << 30, o), 0);
}

}  // namespace
}  // namespace agent::bench
