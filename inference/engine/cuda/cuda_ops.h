// CudaOps: the engine's kernel interface (ops/ops.h) on one NVIDIA GPU (Hopper, sm_90a),
// checked op by op against the CPU reference (cuda_ops_test.cpp, ctest label gpu).
//
// Memory is planned at load (memory_plan.h) and taken from the device once, as three
// regions: weights (matrices placed by place(), vectors), sequence state (window rings,
// compressed KV, compressor states), and the forward workspace. alloc() serves from the
// region of the current phase: loading (until the first new sequence or forward), forward
// (begin_forward .. the download of its logits) or idle; a request that does not fit throws
// CudaOutOfMemory (a std::bad_alloc, as the interface asks) whose message has the sizes.
//
// Every op enqueues on one stream and returns; download() waits. Forwards of at most
// CudaOptions::graph_max_tokens tokens (decode steps) are recorded as a CUDA graph between
// begin_forward() and the download of the logits, then launched in one go; the instantiated
// graph of an earlier step with the same shape is updated in place (cudaGraphExecUpdate)
// rather than instantiated again.
//
// Owns: the device context use, streams, memory regions, cuBLASLt. Knows nothing of the model.
// Thread-safety: one thread at a time (like every Ops).
#pragma once

#include <cuda_runtime.h>

#include <memory>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "inference/engine/cuda/dev_matrix.h"
#include "inference/engine/cuda/device_arena.h"
#include "inference/engine/cuda/memory_plan.h"
#include "inference/engine/ops/ops.h"

namespace agent::engine::cuda {

class CublasLt;

class CudaOutOfMemory : public std::bad_alloc {
 public:
  explicit CudaOutOfMemory(std::string m) : message_(std::move(m)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

// Whether a CUDA device can be used here; if not, why ("no CUDA driver", "no device", ...).
bool cuda_device_available(std::string* why);

class CudaOps final : public Ops {
 public:
  // Opens o.device and reserves weights_bytes + the plan's state and workspace (or returns
  // Unavailable without a device, ResourceExhausted naming the sizes when they do not fit).
  static Result<std::unique_ptr<CudaOps>> create(const ModelConfig& cfg, size_t weights_bytes, const CudaOptions& o);
  ~CudaOps() override;

  std::string_view name() const override { return "cuda"; }
  bool supports(WeightFormat) const override { return true; }
  Status place(WeightMatrix& w) override;
  Status can_allocate(size_t bytes) const override;
  void begin_forward(int64_t n_tokens) override;

  void* alloc(size_t bytes) override;
  void release(void* p) override;
  void upload(void* dst, const void* src, size_t bytes) override;
  void download(void* dst, const void* src, size_t bytes) override;
  void copy(void* dst, const void* src, size_t bytes) override;
  void fill(float* x, int64_t n, float v) override;

  void matmul(const WeightMatrix& w, const float* x, int64_t ldx, int64_t n, float* y, int64_t ldy,
              const MatmulOptions& opt) override;
  void embed(const WeightMatrix& table, const int32_t* ids, int64_t n, float* out) override;
  void add(float* x, const float* y, int64_t n, bool bf16) override;
  void round_bf16(float* x, int64_t n) override;
  void scale(float* x, int64_t n, float s, bool bf16) override;
  void rms_norm(const float* x, int64_t ldx, const float* w, int64_t n, int64_t d, float eps, float* y, int64_t ldy,
                bool bf16, bool bf16_chain) override;
  void rope(float* x, int64_t n, int64_t heads, int64_t ld_row, int64_t ld_head, int64_t offset, int64_t pos0,
            int64_t pos_step, const RopeSpec& spec, bool inverse, bool bf16) override;
  void hadamard(float* x, int64_t rows, int64_t dim, bool bf16) override;
  void fp4_simulate(float* x, int64_t rows, int64_t dim, int64_t block) override;
  void hc_pre(const float* X, int64_t n, int64_t hc, int64_t d, const float* fn, const float* scale, const float* base,
              int64_t iters, float hc_eps, float norm_eps, float* y, float* post, float* comb, bool bf16) override;
  void hc_post(const float* f, const float* X, const float* post, const float* comb, int64_t n, int64_t hc, int64_t d,
               float* Xout, bool bf16) override;
  void hc_head(const float* X, int64_t n, int64_t hc, int64_t d, const float* fn, const float* scale,
               const float* base, float hc_eps, float norm_eps, float* y, bool bf16) override;
  int64_t compress(const float* kv, const float* score, int64_t n, int64_t pos0, int64_t ratio, bool overlap,
                   int64_t hd, const float* ape, float* kv_state, float* score_state, float* out) override;
  void indexer_topk(const float* q, const float* w, int64_t n, int64_t heads, int64_t hd, const float* keys,
                    int64_t pos0, int64_t ratio, int64_t k, int32_t* idx, bool bf16) override;
  void attention(const float* q, int64_t n, int64_t heads, int64_t hd, int64_t pos0, const float* win,
                 int64_t win_pos0, int64_t window, const float* comp, const int32_t* comp_idx, int64_t k_comp,
                 int64_t ratio, const float* sink, float scale, float* out, bool bf16) override;
  void moe_route(const WeightMatrix& gate, const float* x, int64_t n, const float* bias, const int32_t* hash,
                 const int32_t* tokens, int64_t k, bool norm, float route_scale, int32_t* idx, float* wts) override;
  void moe_experts(const ExpertWeights* experts, int64_t n_experts, const float* x, int64_t n, int64_t d,
                   const int32_t* idx, const float* wts, int64_t k, float limit, const MatmulOptions& opt,
                   bool bf16_hidden, float* y) override;
  void swiglu(const float* g, const float* u, int64_t n, int64_t inter, float limit, float* h, bool bf16) override;
  void log_softmax(const float* logits, int64_t n, int64_t v, float* out) override;

  // ---- beyond the interface: sampling, introspection, test hooks ----
  // One token per row of logits[n, v] (device): model/generate.cpp's Sampler rule with the
  // uniform draws u[n] given (host). Returns the ids (host).
  std::vector<int32_t> sample(const float* logits, int64_t n, int64_t v, double temperature, double top_p,
                              const std::vector<double>& u);
  enum class MatmulPath { kAuto, kGemv, kTiledF32, kFp8, kCublasLt };
  // Tests pin a path (kAuto: the normal choice); a path that cannot take a matmul is skipped.
  void force_matmul_path(MatmulPath p) { forced_ = p; }
  MatmulPath last_matmul_path() const { return last_path_; }
  struct Stats {
    int64_t graph_launches = 0, graph_instantiations = 0, graph_updates = 0, eager_forwards = 0;
    int64_t cublaslt_calls = 0, cublaslt_fallbacks = 0;
  };
  const Stats& stats() const { return stats_; }
  const MemoryPlan& plan() const { return plan_; }
  const std::string& device_name() const { return device_name_; }
  int sm_count() const { return sm_count_; }
  bool has_cublaslt() const { return lt_ != nullptr; }
  const std::string& cublaslt_status() const { return lt_status_; }
  cudaStream_t stream() const { return stream_; }
  void synchronize();
  // A weight of `bytes` in the weights region (benchmarks build random weights in place).
  void* alloc_weights(size_t bytes);
  DevMatrix dev(const WeightMatrix& w) const;  // aborts when w is not in device memory

 private:
  enum class Phase { kLoading, kIdle, kForward };
  // Scratch memory of one op, released at the end of its scope (stream order keeps it safe).
  template <typename T>
  class Tmp {
   public:
    Tmp(CudaOps& o, size_t n) : o_(o), p_(static_cast<T*>(o.scratch_alloc(n * sizeof(T)))) {}
    ~Tmp() { o_.scratch_.release(reinterpret_cast<uintptr_t>(p_)); }
    Tmp(const Tmp&) = delete;
    Tmp& operator=(const Tmp&) = delete;
    T* get() const { return p_; }

   private:
    CudaOps& o_;
    T* p_;
  };

  CudaOps() = default;
  void* scratch_alloc(size_t bytes);
  [[noreturn]] void out_of_memory(const ArenaAllocator& a, size_t bytes) const;
  void note(uint64_t tag);  // folds an op into the recorded graph's shape signature
  void flush();             // ends a recording and launches it
  const DevMatrix* expert_table(const ExpertWeights* experts, int64_t n_experts);
  MatmulPath choose_path(const DevMatrix& w, int64_t n, const MatmulOptions& opt, const float* y, int64_t ldy) const;
  void matmul_dev(const DevMatrix& w, const float* x, int64_t ldx, int64_t n, float* y, int64_t ldy,
                  const MatmulOptions& opt);
  bool matmul_cublaslt(const DevMatrix& w, const float* x, int64_t ldx, int64_t n, float* y, int64_t ldy, bool bf16);
  void moe_matmuls(const DevMatrix& rep1, const DevMatrix& rep2, const DevMatrix* table, const float* x, int64_t n,
                   int64_t d, const int32_t* idx, const float* wts, int64_t k, int64_t E, float limit,
                   const MatmulOptions& opt, bool bf16_hidden, float* out);

  CudaOptions opt_;
  MemoryPlan plan_;
  std::string device_name_;
  int device_ = 0, sm_count_ = 0;
  cudaStream_t stream_ = nullptr;
  void* regions_[3] = {nullptr, nullptr, nullptr};
  ArenaAllocator weights_, state_, scratch_;
  mutable Phase phase_ = Phase::kLoading;  // can_allocate() (const) ends the loading phase
  int64_t n_layers_ = 0;
  uint8_t* staging_ = nullptr;  // pinned: uploads recorded into graphs read from here
  size_t staging_size_ = 0, staging_used_ = 0;
  uint8_t* table_host_ = nullptr;  // pinned: expert tables' contents
  size_t table_host_size_ = 0, table_host_used_ = 0;
  struct ExpertTable {
    const DevMatrix* table;
    const uint8_t *first, *last;  // experts[0].w1.data, experts[n - 1].w2.data when built
    int64_t n;
  };
  std::unordered_map<const ExpertWeights*, ExpertTable> tables_;
  bool capturing_ = false;
  uint64_t signature_ = 0;
  struct Exec {
    uint64_t signature;
    cudaGraphExec_t exec;
    uint64_t last_used;
  };
  std::vector<Exec> execs_;
  uint64_t clock_ = 0;
  std::unique_ptr<CublasLt> lt_;
  std::string lt_status_;
  MatmulPath forced_ = MatmulPath::kAuto, last_path_ = MatmulPath::kAuto;
  Stats stats_;
};

}  // namespace agent::engine::cuda
