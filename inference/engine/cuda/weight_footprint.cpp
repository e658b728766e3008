// The dry run behind the CUDA backend's memory plan (cuda_engine.h): binds the weights to a
// backend that only counts. Host-only, so its result is tested without a GPU.
#include "inference/engine/cuda/weight_footprint.h"

#include <cstdio>
#include <cstdlib>

#include "inference/engine/cuda/memory_plan.h"
#include "inference/engine/weights/gguf.h"

namespace agent::engine::cuda {
namespace {

// A backend that computes nothing and counts what binding would put in device memory.
// Allocations get distinct fake addresses (binding only uploads into them, never reads).
class MeasuringOps final : public Ops {
 public:
  size_t bytes() const { return bytes_; }
  std::string_view name() const override { return "measure"; }
  bool supports(WeightFormat) const override { return true; }
  Status place(WeightMatrix& w) override {
    bytes_ += placed_bytes(w);
    return ok_status();
  }
  void* alloc(size_t b) override {
    bytes_ += align_up(b);
    next_ += align_up(b);
    return reinterpret_cast<void*>(next_);
  }
  void release(void*) override {}
  void upload(void*, const void*, size_t) override {}
  void download(void*, const void*, size_t) override { never(); }
  void copy(void*, const void*, size_t) override { never(); }
  void fill(float*, int64_t, float) override { never(); }
  void matmul(const WeightMatrix&, const float*, int64_t, int64_t, float*, int64_t, const MatmulOptions&) override {
    never();
  }
  void embed(const WeightMatrix&, const int32_t*, int64_t, float*) override { never(); }
  void add(float*, const float*, int64_t, bool) override { never(); }
  void round_bf16(float*, int64_t) override { never(); }
  void scale(float*, int64_t, float, bool) override { never(); }
  void rms_norm(const float*, int64_t, const float*, int64_t, int64_t, float, float*, int64_t, bool, bool) override {
    never();
  }
  void rope(float*, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, const RopeSpec&, bool,
            bool) override {
    never();
  }
  void hadamard(float*, int64_t, int64_t, bool) override { never(); }
  void fp4_simulate(float*, int64_t, int64_t, int64_t) override { never(); }
  void hc_pre(const float*, int64_t, int64_t, int64_t, const float*, const float*, const float*, int64_t, float, float,
              float*, float*, float*, bool) override {
    never();
  }
  void hc_post(const float*, const float*, const float*, const float*, int64_t, int64_t, int64_t, float*,
               bool) override {
    never();
  }
  void hc_head(const float*, int64_t, int64_t, int64_t, const float*, const float*, const float*, float, float, float*,
               bool) override {
    never();
  }
  int64_t compress(const float*, const float*, int64_t, int64_t, int64_t, bool, int64_t, const float*, float*, float*,
                   float*) override {
    never();
  }
  void indexer_topk(const float*, const float*, int64_t, int64_t, int64_t, const float*, int64_t, int64_t, int64_t,
                    int32_t*, bool) override {
    never();
  }
  void attention(const float*, int64_t, int64_t, int64_t, int64_t, const float*, int64_t, int64_t, const float*,
                 const int32_t*, int64_t, int64_t, const float*, float, float*, bool) override {
    never();
  }
  void moe_route(const WeightMatrix&, const float*, int64_t, const float*, const int32_t*, const int32_t*, int64_t, bool,
                 float, int32_t*, float*) override {
    never();
  }
  void moe_experts(const ExpertWeights*, int64_t, const float*, int64_t, int64_t, const int32_t*, const float*, int64_t,
                   float, const MatmulOptions&, bool, float*) override {
    never();
  }
  void swiglu(const float*, const float*, int64_t, int64_t, float, float*, bool) override { never(); }
  void log_softmax(const float*, int64_t, int64_t, float*) override { never(); }

 private:
  [[noreturn]] static void never() {
    std::fprintf(stderr, "MeasuringOps: binding called a compute op\n");
    std::abort();
  }
  size_t bytes_ = 0;
  uintptr_t next_ = 0x10000;
};

}  // namespace

Result<size_t> device_weight_bytes(const ModelConfig& cfg, const TensorSource& src) {
  MeasuringOps m;
  const WeightLayout layout = dynamic_cast<const GgufFile*>(&src) ? WeightLayout::kGguf : WeightLayout::kOfficial;
  AGENT_ASSIGN_OR_RETURN(ModelWeights w, bind_weights(src, layout, cfg, m));
  const size_t bytes = m.bytes();
  w = ModelWeights();  // releases into m (a no-op) while m is alive
  return bytes;
}

}  // namespace agent::engine::cuda
