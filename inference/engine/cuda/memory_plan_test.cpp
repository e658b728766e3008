// The CUDA backend's memory plan, on the host: the census of the real checkpoints (the shape
// bookkeeping the benchmark's random model is built from) against the published numbers of
// deepseek-v4-model.md 3.3, the sequence state against what Engine::new_sequence allocates,
// and the out-of-memory message.
#include "inference/engine/cuda/memory_plan.h"

#include <gtest/gtest.h>

#include "inference/engine/cpu/cpu_ops.h"
#include "inference/engine/cuda/weight_footprint.h"
#include "inference/engine/model/engine.h"
#include "inference/engine/testing/tiny_checkpoint.h"
#include "inference/engine/weights/gguf.h"
#include "inference/engine/weights/safetensors.h"

namespace agent::engine::cuda {
namespace {

TEST(MemoryPlan, CensusOfTheReleasedCheckpoints) {
  // Section 3.3: Flash 69,187 tensors / 159,609,485,896 bytes; Pro 145,116 / 864,704,792,696.
  const CheckpointCensus f = official_census(flash_config(), true);
  EXPECT_EQ(f.tensors, 69187);
  EXPECT_EQ(f.bytes, 159609485896);
  const CheckpointCensus p = official_census(pro_config(), true);
  EXPECT_EQ(p.tensors, 145116);
  EXPECT_EQ(p.bytes, 864704792696);
  // Section 8: one routed expert of one Flash layer (w1, w3, w2 at FP4 + scales) is 13.37 MB,
  // and 6 of them in each of the 43 layers are 3.45 GB per decoded token.
  EXPECT_EQ(f.expert_bytes, 3 * (2048 * 4096 / 2 + 2048 * 4096 / 32));
  EXPECT_NEAR(double(f.expert_bytes) / 1e6, 13.37, 0.01);
  EXPECT_NEAR(double(6 * 43 * f.expert_bytes) / 1e9, 3.45, 0.01);
  EXPECT_EQ(f.head_bytes, 129280LL * 4096 * 2);
  // Without the MTP layer the census is smaller by exactly one block and its extras.
  EXPECT_LT(official_census(flash_config(), false).bytes, f.bytes);
}

TEST(MemoryPlan, SequenceStateFollowsTheKvFormula) {
  // f32 state grows by deepseek-v4-model.md 4.2 (c): 13,760 bytes per token for Flash.
  const ModelConfig c = flash_config();
  const int64_t n = int64_t(1) << 20;
  const double per_token = double(sequence_bytes(c, n) - sequence_bytes(c, 0)) / double(n);
  EXPECT_NEAR(per_token, 13760.0, 1.0);
  EXPECT_NEAR(per_token, c.kv_bytes_per_token(4.0), 1.0);
}

TEST(MemoryPlan, SequenceBytesCoverWhatTheEngineAllocates) {
  auto ck = testing::shared_tiny_checkpoint("flash");
  ASSERT_TRUE(ck.ok()) << ck.status().to_string();
  auto e = Engine::open(ck->folder, EngineOptions{1, Numerics::kExact});
  ASSERT_TRUE(e.ok()) << e.status().to_string();
  for (int64_t ctx : {1, 100, 1000, 4096}) {
    auto s = (*e)->new_sequence(ctx);
    ASSERT_TRUE(s.ok());
    const size_t planned = sequence_bytes((*e)->config(), ctx), used = (*s)->state_bytes();
    // Each array rounded up to the 256-byte allocation unit, never below the real size.
    EXPECT_GE(planned, used);
    EXPECT_LT(planned, used + 256 * 8 * size_t((*e)->config().n_layers));
  }
}

// What the CPU backend binds, priced as the CUDA backend stores it: every matrix at
// placed_bytes, every vector rounded to the allocation unit.
size_t priced(const ModelWeights& w) {
  size_t b = 0;
  auto m = [&](const WeightMatrix& x) { b += x.empty() ? 0 : placed_bytes(x); };
  auto v = [&](size_t bytes) { b += bytes ? align_up(bytes) : 0; };
  m(w.embed), m(w.head);
  v(w.norm.bytes()), v(w.hc_head_fn.bytes()), v(w.hc_head_base.bytes()), v(w.hc_head_scale.bytes());
  for (const LayerWeights& L : w.layers) {
    for (const WeightMatrix* x : {&L.wq_a, &L.wq_b, &L.wkv, &L.wo_a, &L.wo_b, &L.comp_wkv, &L.comp_wgate, &L.idx_wq_b,
                                  &L.idx_proj, &L.idx_comp_wkv, &L.idx_comp_wgate, &L.gate, &L.shared.w1,
                                  &L.shared.w2, &L.shared.w3}) {
      m(*x);
    }
    for (const ExpertWeights& e : L.experts) m(e.w1), m(e.w2), m(e.w3);
    for (size_t bytes : {L.attn_norm.bytes(), L.ffn_norm.bytes(), L.hc_attn_fn.bytes(), L.hc_ffn_fn.bytes(),
                         L.hc_attn_base.bytes(), L.hc_ffn_base.bytes(), L.hc_attn_scale.bytes(),
                         L.hc_ffn_scale.bytes(), L.attn_sink.bytes(), L.q_norm.bytes(), L.kv_norm.bytes(),
                         L.comp_ape.bytes(), L.comp_norm.bytes(), L.idx_comp_ape.bytes(), L.idx_comp_norm.bytes(),
                         L.gate_bias.bytes(), L.tid2eid.bytes()}) {
      v(bytes);
    }
  }
  return b;
}

// The dry run that sizes the weights region agrees with an independent pricing of what the
// binder really binds, in both layouts (official FP8/FP4 safetensors, F32 GGUF, MXFP4 GGUF).
TEST(MemoryPlan, WeightFootprintIsWhatTheBinderBinds) {
  auto ck = testing::shared_tiny_checkpoint("flash");
  ASSERT_TRUE(ck.ok()) << ck.status().to_string();
  CpuOps cpu(1);
  {
    auto cfg = load_model_config(ck->folder);
    auto src = SafetensorsCheckpoint::open(ck->folder);
    ASSERT_TRUE(cfg.ok() && src.ok());
    auto measured = device_weight_bytes(*cfg, **src);
    auto bound = bind_weights(**src, WeightLayout::kOfficial, *cfg, cpu);
    ASSERT_TRUE(measured.ok() && bound.ok()) << measured.status().to_string();
    EXPECT_EQ(*measured, priced(*bound));
  }
  for (const auto& path : {ck->gguf, ck->gguf_mxfp4}) {
    auto g = GgufFile::open(path);
    ASSERT_TRUE(g.ok());
    auto cfg = model_config_from_gguf(**g);
    ASSERT_TRUE(cfg.ok());
    auto measured = device_weight_bytes(*cfg, **g);
    auto bound = bind_weights(**g, WeightLayout::kGguf, *cfg, cpu);
    ASSERT_TRUE(measured.ok() && bound.ok()) << measured.status().to_string();
    EXPECT_EQ(*measured, priced(*bound)) << path;
  }
}

TEST(MemoryPlan, PlacedBytesAndOutOfMemoryMessage) {
  WeightMatrix w;
  w.format = WeightFormat::kFP8Block, w.rows = 300, w.cols = 1000, w.row_bytes = 1000;
  // 300000 bytes of codes and 3 x 8 f32 block scales, each rounded to 256.
  EXPECT_EQ(placed_bytes(w), align_up(300000) + align_up(3 * 8 * 4));
  w.format = WeightFormat::kFP4Group, w.cols = 1024, w.row_bytes = 512, w.scale_dtype = DType::kF8E8M0;
  EXPECT_EQ(placed_bytes(w), align_up(300 * 512) + align_up(300 * 32));

  CudaOptions o;
  o.kv_tokens = 4096;
  const MemoryPlan p = plan_memory(flash_config(), size_t(150) * kGiB, o);
  EXPECT_GT(p.workspace, 0u);
  const Status st = check_fits(p, size_t(130) * kGiB, size_t(139) * kGiB, "device 0 (NVIDIA H200)");
  ASSERT_EQ(st.code(), StatusCode::kResourceExhausted);
  for (const char* part : {"CUDA out of memory", "NVIDIA H200", "130.00 GiB free of 139.00 GiB", "weights 150.00 GiB",
                           "KV/state", "(4096 tokens)", "workspace", "512-token forwards", "headroom"}) {
    EXPECT_NE(st.message().find(part), std::string::npos) << part << " in " << st.message();
  }
  EXPECT_TRUE(check_fits(p, p.total(), p.total(), "x").ok());
}

}  // namespace
}  // namespace agent::engine::cuda
