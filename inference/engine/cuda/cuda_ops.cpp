// CudaOps: device setup, the planned memory regions, placement of weights, uploads and
// downloads, CUDA graph recording, expert tables. The numeric ops are in cuda_ops_math.cpp.
#include "inference/engine/cuda/cuda_ops.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "inference/engine/cuda/cublaslt.h"
#include "inference/engine/cuda/kernels.h"

namespace agent::engine::cuda {
namespace {

// A failing CUDA call in an op is a bug or a lost device: abort with the call and the error.
void ok(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return;
  std::fprintf(stderr, "CUDA error in %s: %s (%s)\n", what, cudaGetErrorString(e), cudaGetErrorName(e));
  std::abort();
}

size_t expert_table_bytes(const ModelConfig& c) {
  return size_t(c.n_layers) * align_up(size_t(c.n_routed_experts) * 3 * sizeof(DevMatrix));
}

constexpr size_t kStagingBytes = 1 << 20;  // uploads inside one recorded forward (token ids)
constexpr size_t kMaxExecs = 8;            // instantiated graphs kept (decode shapes differ by position)

}  // namespace

bool cuda_device_available(std::string* why) {
  // The runtime is linked statically and loads the driver itself; without one it only says
  // "driver version is insufficient", so look for the driver library first.
  if (void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL)) {
    dlclose(lib);
  } else {
    if (why) *why = "no NVIDIA driver on this machine (libcuda.so.1 cannot be loaded)";
    return false;
  }
  int n = 0;
  const cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    if (why) *why = std::string("no usable CUDA device: ") + cudaGetErrorString(e);
    cudaGetLastError();  // clear the sticky error of the failed query
    return false;
  }
  if (n == 0) {
    if (why) *why = "the CUDA driver reports no device";
    return false;
  }
  return true;
}

Result<std::unique_ptr<CudaOps>> CudaOps::create(const ModelConfig& cfg, size_t weights_bytes, const CudaOptions& o) {
  std::string why;
  if (!cuda_device_available(&why)) return unavailable(why);
  std::unique_ptr<CudaOps> ops(new CudaOps());
  ops->opt_ = o;
  ops->device_ = o.device;
  ops->n_layers_ = cfg.n_layers;
  if (cudaSetDevice(o.device) != cudaSuccess) return unavailable("cannot use CUDA device " + std::to_string(o.device));
  cudaDeviceProp prop{};
  ok(cudaGetDeviceProperties(&prop, o.device), "cudaGetDeviceProperties");
  if (prop.major < 9) {
    return failed_precondition("CUDA device " + std::to_string(o.device) + " (" + prop.name + ") has compute capability " +
                               std::to_string(prop.major) + "." + std::to_string(prop.minor) +
                               "; the kernels are built for sm_90a (Hopper)");
  }
  ops->device_name_ = "device " + std::to_string(o.device) + " (" + prop.name + ")";
  ops->sm_count_ = prop.multiProcessorCount;
  const size_t tables = expert_table_bytes(cfg);
  ops->plan_ = plan_memory(cfg, weights_bytes + tables, o);
  size_t free_b = 0, total_b = 0;
  ok(cudaMemGetInfo(&free_b, &total_b), "cudaMemGetInfo");
  AGENT_RETURN_IF_ERROR(check_fits(ops->plan_, free_b, total_b, ops->device_name_));
  const size_t sizes[3] = {ops->plan_.weights, ops->plan_.sequences, ops->plan_.workspace};
  for (int r = 0; r < 3; ++r) {
    if (cudaMalloc(&ops->regions_[r], std::max<size_t>(sizes[r], kAlign)) != cudaSuccess) {
      cudaGetLastError();
      return resource_exhausted("CUDA out of memory while reserving the planned regions on " + ops->device_name_ +
                                ": " + ops->plan_.describe());
    }
  }
  ops->weights_ = ArenaAllocator("weights", uintptr_t(ops->regions_[0]), sizes[0]);
  ops->state_ = ArenaAllocator("KV/state", uintptr_t(ops->regions_[1]), sizes[1]);
  ops->scratch_ = ArenaAllocator("workspace", uintptr_t(ops->regions_[2]), sizes[2]);
  ok(cudaStreamCreateWithFlags(&ops->stream_, cudaStreamNonBlocking), "cudaStreamCreate");
  ops->staging_size_ = kStagingBytes;
  ok(cudaMallocHost(reinterpret_cast<void**>(&ops->staging_), kStagingBytes), "cudaMallocHost (staging)");
  ops->table_host_size_ = std::max<size_t>(tables, 64 * 1024);  // tests build a few tables of their own
  ok(cudaMallocHost(reinterpret_cast<void**>(&ops->table_host_), ops->table_host_size_), "cudaMallocHost (tables)");
  if (o.use_cublaslt) {
    ops->lt_ = CublasLt::load(&ops->lt_status_);
    if (ops->lt_) ops->lt_status_ = "cuBLASLt " + ops->lt_->version();
  } else {
    ops->lt_status_ = "cuBLASLt disabled by the options";
  }
  return ops;
}

CudaOps::~CudaOps() {
  if (capturing_) {
    cudaGraph_t g = nullptr;
    cudaStreamEndCapture(stream_, &g);
    if (g) cudaGraphDestroy(g);
  }
  for (auto& e : execs_) cudaGraphExecDestroy(e.exec);
  lt_.reset();
  if (stream_) {
    cudaStreamSynchronize(stream_);
    cudaStreamDestroy(stream_);
  }
  for (void* r : regions_) {
    if (r) cudaFree(r);
  }
  if (staging_) cudaFreeHost(staging_);
  if (table_host_) cudaFreeHost(table_host_);
}

void CudaOps::out_of_memory(const ArenaAllocator& a, size_t bytes) const {
  std::string m = "CUDA " + a.name() + " region exhausted on " + device_name_ + ": " + std::to_string(bytes) +
                  " bytes requested, " + gib(a.capacity() - a.used()) + " free of " + gib(a.capacity()) +
                  " (largest free range " + std::to_string(a.largest_free()) + " bytes); plan: " + plan_.describe();
  std::fprintf(stderr, "%s\n", m.c_str());
  throw CudaOutOfMemory(m);
}

void* CudaOps::scratch_alloc(size_t bytes) {
  const uintptr_t p = scratch_.allocate(bytes);
  if (!p) out_of_memory(scratch_, bytes);
  return reinterpret_cast<void*>(p);
}

void* CudaOps::alloc(size_t bytes) {
  ArenaAllocator& a = phase_ == Phase::kForward ? scratch_ : phase_ == Phase::kLoading ? weights_ : state_;
  const uintptr_t p = a.allocate(bytes);
  if (!p) out_of_memory(a, bytes);
  ok(cudaMemsetAsync(reinterpret_cast<void*>(p), 0, a.rounded(bytes), stream_), "cudaMemsetAsync");
  note(1);
  return reinterpret_cast<void*>(p);
}

void* CudaOps::alloc_weights(size_t bytes) {
  const uintptr_t p = weights_.allocate(bytes);
  if (!p) out_of_memory(weights_, bytes);
  return reinterpret_cast<void*>(p);
}

void CudaOps::release(void* p) {
  const uintptr_t u = reinterpret_cast<uintptr_t>(p);
  for (ArenaAllocator* a : {&scratch_, &state_, &weights_}) {
    if (a->owns(u)) {
      if (!a->release(u)) break;
      return;
    }
  }
  std::fprintf(stderr, "CudaOps::release of %p, which it did not allocate\n", p);
  std::abort();
}

Status CudaOps::can_allocate(size_t bytes) const {
  if (phase_ == Phase::kLoading) phase_ = Phase::kIdle;  // the engine asks before its first sequence
  // The arrays of a sequence are rounded up one by one; 8 units per layer cover it.
  const size_t need = bytes + kAlign * 8 * size_t(n_layers_);
  const size_t free_b = state_.capacity() - state_.used();
  if (need <= free_b) return ok_status();
  return resource_exhausted("CUDA KV/state region on " + device_name_ + ": a new sequence needs " + gib(bytes) +
                            ", " + gib(free_b) + " is free of " + gib(state_.capacity()) + " (planned for " +
                            std::to_string(plan_.kv_tokens) + " tokens of context in all; raise kv_tokens)");
}

Status CudaOps::place(WeightMatrix& w) {
  if (w.empty()) return ok_status();
  const size_t bytes = size_t(w.rows * w.row_bytes);
  const uintptr_t d = weights_.allocate(bytes);
  if (!d) {
    return resource_exhausted("CUDA weights region on " + device_name_ + " is full placing a " +
                              std::to_string(w.rows) + "x" + std::to_string(w.cols) + " matrix; plan: " +
                              plan_.describe());
  }
  ok(cudaMemcpyAsync(reinterpret_cast<void*>(d), w.data, bytes, cudaMemcpyHostToDevice, stream_), "upload matrix");
  const void* scales = nullptr;
  DType sdt = w.scale_dtype;
  if (w.format == WeightFormat::kFP8Block) {  // always f32 on the device: what cuBLASLt reads
    const int64_t n = (w.rows + 127) / 128 * ((w.cols + 127) / 128);
    std::vector<float> f(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      if (w.scale_dtype == DType::kF32) std::memcpy(&f[size_t(i)], w.scales + 4 * i, 4);
      else f[size_t(i)] = e8m0_to_f32(w.scales[i]);
    }
    void* s = alloc_weights(f.size() * 4);
    ok(cudaMemcpyAsync(s, f.data(), f.size() * 4, cudaMemcpyHostToDevice, stream_), "upload scales");
    ok(cudaStreamSynchronize(stream_), "place");
    scales = s, sdt = DType::kF32;
  } else if (w.format == WeightFormat::kFP4Group) {
    const size_t sb = size_t(w.rows * (w.cols / 32)) * (w.scale_dtype == DType::kF32 ? 4 : 1);
    void* s = alloc_weights(sb);
    ok(cudaMemcpyAsync(s, w.scales, sb, cudaMemcpyHostToDevice, stream_), "upload scales");
    scales = s;
  }
  ok(cudaStreamSynchronize(stream_), "place");
  w.data = reinterpret_cast<const uint8_t*>(d);
  w.scales = static_cast<const uint8_t*>(scales);
  w.scale_dtype = sdt;
  return ok_status();
}

DevMatrix CudaOps::dev(const WeightMatrix& w) const {
  const uintptr_t p = reinterpret_cast<uintptr_t>(w.data);
  if (!weights_.owns(p) && !state_.owns(p) && !scratch_.owns(p)) {
    std::fprintf(stderr, "CudaOps: a %s matrix %lldx%lld is not in device memory (place() it first)\n",
                 weight_format_name(w.format), (long long)w.rows, (long long)w.cols);
    std::abort();
  }
  if (w.format == WeightFormat::kFP8Block && w.scale_dtype != DType::kF32) {
    std::fprintf(stderr, "CudaOps: FP8 block scales must be f32 on the device (place() converts them)\n");
    std::abort();
  }
  DevMatrix m;
  m.data = w.data, m.scales = w.scales, m.rows = w.rows, m.cols = w.cols, m.row_bytes = w.row_bytes;
  m.row_offset = w.row_offset, m.format = int32_t(w.format), m.scale_f32 = w.scale_dtype == DType::kF32;
  return m;
}

void CudaOps::upload(void* dst, const void* src, size_t bytes) {
  if (capturing_) {  // the recorded copy reads pinned memory that stays as it is until launch
    if (staging_used_ + bytes > staging_size_) {
      std::fprintf(stderr, "CudaOps: %zu bytes uploaded inside one recorded forward exceed the staging area\n",
                   staging_used_ + bytes);
      std::abort();
    }
    std::memcpy(staging_ + staging_used_, src, bytes);
    ok(cudaMemcpyAsync(dst, staging_ + staging_used_, bytes, cudaMemcpyHostToDevice, stream_), "upload");
    staging_used_ = (staging_used_ + bytes + 15) / 16 * 16;
    note(2);
    return;
  }
  ok(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, stream_), "upload");
  ok(cudaStreamSynchronize(stream_), "upload");  // the caller may reuse src at once
}

void CudaOps::download(void* dst, const void* src, size_t bytes) {
  flush();
  if (phase_ == Phase::kForward) phase_ = Phase::kIdle;
  ok(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream_), "download");
  ok(cudaStreamSynchronize(stream_), "download");
}

void CudaOps::copy(void* dst, const void* src, size_t bytes) {
  if (bytes == 0) return;
  ok(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, stream_), "copy");
  note(3);
}

void CudaOps::fill(float* x, int64_t n, float v) {
  launch_fill(x, n, v, stream_);
  note(4);
}

void CudaOps::synchronize() {
  flush();
  ok(cudaStreamSynchronize(stream_), "synchronize");
}

// ---- graphs ----

void CudaOps::note(uint64_t tag) {
  if (capturing_) signature_ = (signature_ ^ tag) * 0x100000001b3ull;
}

void CudaOps::begin_forward(int64_t n_tokens) {
  if (capturing_) {  // a forward that never downloaded (an exception): drop its recording
    cudaGraph_t g = nullptr;
    cudaStreamEndCapture(stream_, &g);
    if (g) cudaGraphDestroy(g);
    capturing_ = false;
  }
  phase_ = Phase::kForward;
  if (!opt_.graphs || n_tokens > opt_.graph_max_tokens) {
    ++stats_.eager_forwards;
    return;
  }
  staging_used_ = 0;
  ok(cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture");
  capturing_ = true;
  signature_ = 0xcbf29ce484222325ull ^ uint64_t(n_tokens);
}

void CudaOps::flush() {
  if (!capturing_) return;
  capturing_ = false;
  cudaGraph_t g = nullptr;
  ok(cudaStreamEndCapture(stream_, &g), "cudaStreamEndCapture (an op called a synchronous CUDA API?)");
  size_t nodes = 0;
  ok(cudaGraphGetNodes(g, nullptr, &nodes), "cudaGraphGetNodes");
  const uint64_t sig = (signature_ ^ nodes) * 0x100000001b3ull;
  Exec* hit = nullptr;
  for (auto& e : execs_) {
    if (e.signature == sig) hit = &e;
  }
  if (hit) {
    cudaGraphExecUpdateResultInfo info{};
    if (cudaGraphExecUpdate(hit->exec, g, &info) == cudaSuccess) {
      ++stats_.graph_updates;
    } else {  // same signature, different topology after all: start over for this shape
      cudaGetLastError();
      cudaGraphExecDestroy(hit->exec);
      ok(cudaGraphInstantiate(&hit->exec, g, 0), "cudaGraphInstantiate");
      ++stats_.graph_instantiations;
    }
  } else {
    if (execs_.size() >= kMaxExecs) {  // evict the least recently used shape
      size_t lru = 0;
      for (size_t i = 1; i < execs_.size(); ++i) lru = execs_[i].last_used < execs_[lru].last_used ? i : lru;
      cudaGraphExecDestroy(execs_[lru].exec);
      execs_.erase(execs_.begin() + long(lru));
    }
    execs_.push_back({sig, nullptr, 0});
    hit = &execs_.back();
    ok(cudaGraphInstantiate(&hit->exec, g, 0), "cudaGraphInstantiate");
    ++stats_.graph_instantiations;
  }
  hit->last_used = ++clock_;
  ok(cudaGraphLaunch(hit->exec, stream_), "cudaGraphLaunch");
  ++stats_.graph_launches;
  ok(cudaGraphDestroy(g), "cudaGraphDestroy");
}

// ---- routed experts ----

const DevMatrix* CudaOps::expert_table(const ExpertWeights* experts, int64_t n_experts) {
  // Keyed by the array, checked against its first and last matrices: an array freed and
  // another allocated at the same address (tests do that) gets a table of its own.
  const ExpertTable key{nullptr, experts[0].w1.data, experts[n_experts - 1].w2.data, n_experts};
  if (auto it = tables_.find(experts); it != tables_.end() && it->second.first == key.first &&
                                       it->second.last == key.last && it->second.n == key.n) {
    return it->second.table;
  }
  const size_t bytes = size_t(n_experts) * 3 * sizeof(DevMatrix);
  if (table_host_used_ + bytes > table_host_size_) {
    std::fprintf(stderr, "CudaOps: more expert tables than the plan's %zu bytes\n", table_host_size_);
    std::abort();
  }
  auto* host = reinterpret_cast<DevMatrix*>(table_host_ + table_host_used_);
  table_host_used_ += align_up(bytes);
  const DevMatrix first = dev(experts[0].w1);
  for (int64_t e = 0; e < n_experts; ++e) {
    const WeightMatrix* m[3] = {&experts[e].w1, &experts[e].w3, &experts[e].w2};
    for (int j = 0; j < 3; ++j) {
      host[e * 3 + j] = dev(*m[j]);
      const DevMatrix& ref = j == kW2 ? dev(experts[0].w2) : first;
      if (host[e * 3 + j].format != ref.format || host[e * 3 + j].row_bytes != ref.row_bytes ||
          host[e * 3 + j].rows != ref.rows || host[e * 3 + j].scale_f32 != ref.scale_f32) {
        std::fprintf(stderr, "CudaOps: routed experts of one layer must share shape and format\n");
        std::abort();
      }
    }
  }
  auto* table = static_cast<DevMatrix*>(alloc_weights(bytes));
  // From pinned memory that is never rewritten: also valid as a node of a recorded graph.
  ok(cudaMemcpyAsync(table, host, bytes, cudaMemcpyHostToDevice, stream_), "expert table");
  note(5);
  tables_[experts] = ExpertTable{table, key.first, key.last, n_experts};
  return table;
}

}  // namespace agent::engine::cuda
