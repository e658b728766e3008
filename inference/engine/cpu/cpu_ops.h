// The CPU reference backend of the kernel interface (ops/ops.h): multi-threaded over a
// ThreadPool, vectorised through simd.h. It is the numerical reference every other backend
// is tested against.
// Thread-safety: one caller at a time (see Ops).
#pragma once

#include <memory>

#include "inference/engine/cpu/thread_pool.h"
#include "inference/engine/ops/ops.h"

namespace agent::engine {

class CpuOps : public Ops {
 public:
  explicit CpuOps(int threads);  // threads <= 0: all hardware threads

  std::string_view name() const override { return "cpu"; }
  bool supports(WeightFormat) const override { return true; }
  int threads() const { return pool_.size(); }
  ThreadPool& pool() { return pool_; }

  void* alloc(size_t bytes) override;
  void release(void* p) override;
  void upload(void* dst, const void* src, size_t bytes) override;
  void download(void* dst, const void* src, size_t bytes) override;
  void copy(void* dst, const void* src, size_t bytes) override;
  void fill(float* x, int64_t n, float v) override;

  void matmul(const WeightMatrix& w, const float* x, int64_t ldx, int64_t n, float* y,
              int64_t ldy, const MatmulOptions& opt) override;
  void embed(const WeightMatrix& table, const int32_t* ids, int64_t n, float* out) override;
  void add(float* x, const float* y, int64_t n, bool bf16) override;
  void round_bf16(float* x, int64_t n) override;
  void scale(float* x, int64_t n, float s, bool bf16) override;
  void rms_norm(const float* x, int64_t ldx, const float* w, int64_t n, int64_t d, float eps,
                float* y, int64_t ldy, bool bf16, bool bf16_chain) override;
  void rope(float* x, int64_t n, int64_t heads, int64_t ld_row, int64_t ld_head, int64_t offset,
            int64_t pos0, int64_t pos_step, const RopeSpec& spec, bool inverse,
            bool bf16) override;
  void hadamard(float* x, int64_t rows, int64_t dim, bool bf16) override;
  void fp4_simulate(float* x, int64_t rows, int64_t dim, int64_t block) override;
  void hc_pre(const float* X, int64_t n, int64_t hc, int64_t d, const float* fn,
              const float* scale, const float* base, int64_t iters, float hc_eps, float norm_eps,
              float* y, float* post, float* comb, bool bf16) override;
  void hc_post(const float* f, const float* X, const float* post, const float* comb, int64_t n,
               int64_t hc, int64_t d, float* Xout, bool bf16) override;
  void hc_head(const float* X, int64_t n, int64_t hc, int64_t d, const float* fn,
               const float* scale, const float* base, float hc_eps, float norm_eps, float* y,
               bool bf16) override;
  int64_t compress(const float* kv, const float* score, int64_t n, int64_t pos0, int64_t ratio,
                   bool overlap, int64_t hd, const float* ape, float* kv_state,
                   float* score_state, float* out) override;
  void indexer_topk(const float* q, const float* w, int64_t n, int64_t heads, int64_t hd,
                    const float* keys, int64_t pos0, int64_t ratio, int64_t k, int32_t* idx,
                    bool bf16) override;
  void attention(const float* q, int64_t n, int64_t heads, int64_t hd, int64_t pos0,
                 const float* win, int64_t win_pos0, int64_t window, const float* comp,
                 const int32_t* comp_idx, int64_t k_comp, int64_t ratio, const float* sink,
                 float scale, float* out, bool bf16) override;
  void moe_route(const WeightMatrix& gate, const float* x, int64_t n, const float* bias,
                 const int32_t* hash, const int32_t* tokens, int64_t k, bool norm,
                 float route_scale, int32_t* idx, float* wts) override;
  void moe_experts(const ExpertWeights* experts, int64_t n_experts, const float* x, int64_t n,
                   int64_t d, const int32_t* idx, const float* wts, int64_t k, float limit,
                   const MatmulOptions& opt, bool bf16_hidden, float* y) override;
  void swiglu(const float* g, const float* u, int64_t n, int64_t inter, float limit, float* h,
              bool bf16) override;
  void log_softmax(const float* logits, int64_t n, int64_t v, float* out) override;

 private:
  ThreadPool pool_;
};

// FP8 activation simulation of one row (see MatmulOptions): x -> e4m3(x/s)·s per 128 block.
void fp8_quantize_row(const float* x, int64_t k, float* out);

}  // namespace agent::engine
