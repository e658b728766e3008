// gpu_engine_bench: the CUDA backend on a random-weight model with V4-Flash's real layer shapes
// (as many of its 43 layers as fit on the GPU), against the floors the hardware sets, both
// ceilings measured in the same run:
//   * HBM bandwidth: a copy kernel over 4 GiB buffers (bytes read + written per second);
//   * FP8 matrix rate: a cuBLASLt FP8 GEMM of 8192^3 on random data.
// Decode tokens/s at batch 1 (one token per forward) and batch 8 (eight tokens per forward of
// one sequence: the engine's sequences decode one at a time, so batch 8 is the shape of a
// speculative-decoding verification step) against bytes per step / bandwidth; prefill
// tokens/s at several context lengths against FLOPs / FP8 rate. See docs/engine-cuda.md.
//
//   gpu_engine_bench [--layers N] [--decode STEPS] [--prefill 1024,8192,32768] [--budget-s S]
//                    [--no-graphs] [--json FILE]
// Exit status: 0, 1 if the engine fails, 2 for bad arguments, 3 without a usable GPU.
#include <algorithm>
#include <chrono>
#include <random>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench/gpu/gpu_random_model.h"
#include "inference/engine/cuda/cublaslt.h"
#include "inference/engine/cuda/cuda_ops.h"
#include "inference/engine/cuda/kernels.h"
#include "inference/engine/model/engine.h"

using namespace agent;
using namespace agent::engine;
using namespace agent::engine::cuda;

namespace {

struct Args {
  int64_t layers = 0, decode = 64;
  std::vector<int64_t> prefill = {1024, 8192, 32768};
  double budget_s = 150;
  bool graphs = true;
  std::string json;
};

bool parse(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--no-graphs") {
      a.graphs = false;
      continue;
    }
    if (i + 1 >= argc) return false;
    const char* v = argv[++i];
    if (k == "--layers") a.layers = std::atoll(v);
    else if (k == "--decode") a.decode = std::max<int64_t>(8, std::atoll(v));
    else if (k == "--budget-s") a.budget_s = std::atof(v);
    else if (k == "--json") a.json = v;
    else if (k == "--prefill") {
      a.prefill.clear();
      for (const char* p = v; *p; p = std::strchr(p, ',') ? std::strchr(p, ',') + 1 : p + std::strlen(p)) {
        a.prefill.push_back(std::atoll(p));
      }
    } else {
      return false;
    }
  }
  return true;
}

void check(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return;
  std::fprintf(stderr, "gpu_engine_bench: %s: %s\n", what, cudaGetErrorString(e));
  std::exit(1);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Median seconds of `reps` runs of f (after 3 warm-ups), timed with events on stream s.
template <typename F>
double time_events(cudaStream_t s, int reps, F f) {
  cudaEvent_t a, b;
  check(cudaEventCreate(&a), "event"), check(cudaEventCreate(&b), "event");
  for (int i = 0; i < 3; ++i) f();
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    check(cudaEventRecord(a, s), "record");
    f();
    check(cudaEventRecord(b, s), "record");
    check(cudaEventSynchronize(b), "sync");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, a, b), "elapsed");
    t.push_back(ms / 1e3);
  }
  cudaEventDestroy(a), cudaEventDestroy(b);
  return median(t);
}

// Bytes read + written per second by a copy kernel over 4 GiB buffers.
double copy_bandwidth() {
  const size_t bytes = size_t(4) << 30;
  void *src = nullptr, *dst = nullptr;
  check(cudaMalloc(&src, bytes), "cudaMalloc"), check(cudaMalloc(&dst, bytes), "cudaMalloc");
  launch_random_bytes(static_cast<uint8_t*>(src), int64_t(bytes), 7, kRandomF32, nullptr);
  const double t = time_events(nullptr, 10, [&] {
    launch_copy_f4(static_cast<const float4*>(src), static_cast<float4*>(dst), int64_t(bytes / 16), nullptr);
  });
  cudaFree(src), cudaFree(dst);
  return 2.0 * double(bytes) / t;
}

// FLOP/s of a per-tensor-scaled FP8 GEMM (8192^3, random e4m3 data) through cuBLASLt; 0 without it.
double fp8_rate(std::string* note) {
  auto lt = CublasLt::load(note);
  if (!lt) return 0;
  const int64_t n = 8192;
  void *a, *b, *d, *ws, *sc;
  check(cudaMalloc(&a, n * n), "cudaMalloc"), check(cudaMalloc(&b, n * n), "cudaMalloc");
  check(cudaMalloc(&d, n * n * 2), "cudaMalloc"), check(cudaMalloc(&ws, 32 << 20), "cudaMalloc");
  check(cudaMalloc(&sc, 4), "cudaMalloc");
  launch_random_bytes(static_cast<uint8_t*>(a), n * n, 1, kRandomE4M3, nullptr);
  launch_random_bytes(static_cast<uint8_t*>(b), n * n, 2, kRandomE4M3, nullptr);
  launch_fill(static_cast<float*>(sc), 1, 1.0f, nullptr);
  bool ok = true;
  const double t = time_events(nullptr, 10, [&] {
    ok = ok && lt->fp8_gemm_tensor_scaled(static_cast<uint8_t*>(a), static_cast<float*>(sc), n, n,
                                          static_cast<uint8_t*>(b), static_cast<float*>(sc), n, d, ws, 32 << 20, nullptr);
  });
  cudaFree(a), cudaFree(b), cudaFree(d), cudaFree(ws), cudaFree(sc);
  if (!ok) *note = "cuBLASLt has no FP8 algorithm for 8192^3";
  return ok ? 2.0 * double(n) * n * n / t : 0;
}

double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

struct Row {
  std::string name;
  double measured = 0, floor = 0;
  std::string note;
};

// One benchmark run on a ready engine: decode at batch 1 and 8 after a 1024-token prompt, then
// prefill from an empty sequence at each context length (512-token chunks).
class Runner {
 public:
  Runner(Engine& e, CudaOps& ops, double bw, double fp8) : e_(e), ops_(ops), bw_(bw), fp8_(fp8) {}
  Status decode(int64_t batch, int64_t steps);
  Status prefill(int64_t ctx);
  std::vector<Row> rows;

 private:
  std::vector<int32_t> tokens(int64_t n) {
    std::vector<int32_t> t(static_cast<size_t>(n));
    for (auto& x : t) x = int32_t(2 + rng_() % uint32_t(e_.config().vocab_size - 2));
    return t;
  }
  Status step(Sequence& s, int64_t n) { return e_.forward(s, tokens(n), false).status(); }
  Engine& e_;
  CudaOps& ops_;
  double bw_, fp8_;
  std::mt19937 rng_{5};
};

Status Runner::decode(int64_t batch, int64_t steps) {
  const int64_t prompt = 1024;
  AGENT_ASSIGN_OR_RETURN(auto seq, e_.new_sequence(prompt + batch * (steps + 4) + 1));
  for (int64_t at = 0; at < prompt; at += 512) AGENT_RETURN_IF_ERROR(step(*seq, 512));
  for (int i = 0; i < 4; ++i) AGENT_RETURN_IF_ERROR(step(*seq, batch));  // warm-up: graphs, plans
  const CudaOps::Stats before = ops_.stats();
  const double t0 = now_s();
  for (int64_t i = 0; i < steps; ++i) AGENT_RETURN_IF_ERROR(step(*seq, batch));
  const double dt = now_s() - t0;
  const CudaOps::Stats& st = ops_.stats();
  const ModelConfig& c = e_.config();
  const double bytes = bench::decode_step_bytes(c, bench::distinct_experts(c, batch), batch,
                                                prompt + batch * (4 + steps / 2));
  char note[160];
  std::snprintf(note, sizeof note, "%.2f GB/step; graphs: %lld launches, %lld updates, %lld instantiations", bytes / 1e9,
                (long long)(st.graph_launches - before.graph_launches),
                (long long)(st.graph_updates - before.graph_updates),
                (long long)(st.graph_instantiations - before.graph_instantiations));
  rows.push_back({"decode batch " + std::to_string(batch) + " @1K ctx", double(batch * steps) / dt,
                  double(batch) * bw_ / bytes, note});
  return ok_status();
}

Status Runner::prefill(int64_t ctx) {
  AGENT_ASSIGN_OR_RETURN(auto seq, e_.new_sequence(ctx));
  const double t0 = now_s();
  for (int64_t at = 0; at < ctx; at += 512) AGENT_RETURN_IF_ERROR(step(*seq, std::min<int64_t>(512, ctx - at)));
  const double dt = now_s() - t0;
  const double flops = bench::prefill_flops(e_.config(), ctx);
  char note[96];
  std::snprintf(note, sizeof note, "%.1f TFLOP in %.2f s", flops / 1e12, dt);
  rows.push_back({"prefill " + std::to_string(ctx), double(ctx) / dt, fp8_ > 0 ? double(ctx) * fp8_ / flops : 0, note});
  return ok_status();
}

void report(const CudaOps& ops, int64_t layers, bool graphs, double bw, double fp8, const std::string& lt_note,
            const std::vector<Row>& rows) {
  std::printf("\nGPU engine benchmark: %s, %d SMs, %s\n", ops.device_name().c_str(), ops.sm_count(),
              ops.cublaslt_status().c_str());
  std::printf("model: V4-Flash shapes, %lld of 43 layers, random weights, official numerics, graphs %s\n",
              (long long)layers, graphs ? "on" : "off");
  std::printf("memory plan: %s\n\n", ops.plan().describe().c_str());
  std::printf("%-28s %14s\n", "ceiling (measured now)", "value");
  std::printf("%-28s %11.2f TB/s\n", "HBM copy bandwidth", bw / 1e12);
  if (fp8 > 0) std::printf("%-28s %9.0f TFLOP/s\n", "FP8 GEMM 8192^3 (cuBLASLt)", fp8 / 1e12);
  else std::printf("%-28s %14s  (%s)\n", "FP8 GEMM 8192^3 (cuBLASLt)", "n/a", lt_note.c_str());
  std::printf("\n%-24s %12s %14s %11s  %s\n", "case", "tokens/s", "floor tok/s", "% of floor", "notes");
  for (const Row& r : rows) {
    std::printf("%-24s %12.1f %14.1f %10.1f%%  %s\n", r.name.c_str(), r.measured, r.floor,
                r.floor > 0 ? 100.0 * r.measured / r.floor : 0.0, r.note.c_str());
  }
  const double pct = !rows.empty() && rows[0].floor > 0 ? rows[0].measured / rows[0].floor : 0;
  std::printf("\ngoal: decode batch 1 at >= 70%% of the bandwidth floor: %s (%.1f%%)\n",
              pct >= 0.7 ? "met" : "NOT met", 100 * pct);
}

void write_json(const std::string& path, const CudaOps& ops, int64_t layers, double bw, double fp8,
                const std::vector<Row>& rows) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return;
  std::fprintf(f, "{\"device\":\"%s\",\"layers\":%lld,\"hbm_bytes_per_s\":%.6g,\"fp8_flops\":%.6g,\"rows\":[",
               ops.device_name().c_str(), (long long)layers, bw, fp8);
  for (size_t i = 0; i < rows.size(); ++i) {
    std::fprintf(f, "%s{\"case\":\"%s\",\"tokens_per_s\":%.6g,\"floor_tokens_per_s\":%.6g}", i ? "," : "",
                 rows[i].name.c_str(), rows[i].measured, rows[i].floor);
  }
  std::fprintf(f, "]}\n");
  std::fclose(f);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!parse(argc, argv, a)) {
    std::fprintf(stderr, "usage: gpu_engine_bench [--layers N] [--decode STEPS] [--prefill A,B,..] [--budget-s S] "
                         "[--no-graphs] [--json FILE]\n");
    return 2;
  }
  std::string why;
  if (!cuda_device_available(&why)) {
    std::fprintf(stderr, "gpu_engine_bench: %s\n", why.c_str());
    return 3;
  }
  const double t_start = now_s(), bw = copy_bandwidth();
  std::string lt_note;
  const double fp8 = fp8_rate(&lt_note);
  CudaOptions o;
  o.graphs = a.graphs;
  o.max_tokens_per_forward = 512;
  o.kv_tokens = std::max<int64_t>(1024 + 8 * a.decode + 64, *std::max_element(a.prefill.begin(), a.prefill.end())) + 512;
  size_t free_b = 0, total_b = 0;
  check(cudaMemGetInfo(&free_b, &total_b), "cudaMemGetInfo");
  const int64_t layers = a.layers > 0 ? a.layers : bench::layers_that_fit(free_b, o);
  if (layers <= 0) {
    std::fprintf(stderr, "gpu_engine_bench: not even one Flash layer fits in %.1f GiB\n", double(free_b) / kGiB);
    return 1;
  }
  const ModelConfig cfg = bench::flash_layers(layers);
  auto made = CudaOps::create(cfg, bench::random_model_bytes(cfg), o);
  if (!made.ok()) return std::fprintf(stderr, "gpu_engine_bench: %s\n", made.status().to_string().c_str()), 1;
  CudaOps& ops = **made;
  ModelWeights w = bench::random_weights(ops, cfg, 42);
  auto engine = Engine::create(cfg, std::move(made).value(), std::move(w), Numerics::kOfficial);
  if (!engine.ok()) return std::fprintf(stderr, "gpu_engine_bench: %s\n", engine.status().to_string().c_str()), 1;
  Runner run(**engine, ops, bw, fp8);
  Status st = run.decode(1, a.decode);
  if (st.ok()) st = run.decode(8, std::max<int64_t>(4, a.decode / 4));
  for (int64_t ctx : a.prefill) {
    if (!st.ok()) break;
    if (now_s() - t_start > a.budget_s) {
      run.rows.push_back({"prefill " + std::to_string(ctx), 0, 0, "skipped: time budget spent"});
    } else {
      st = run.prefill(ctx);
    }
  }
  report(ops, layers, a.graphs, bw, fp8, lt_note, run.rows);
  if (!a.json.empty()) write_json(a.json, ops, layers, bw, fp8, run.rows);
  if (!st.ok()) return std::fprintf(stderr, "gpu_engine_bench: %s\n", st.to_string().c_str()), 1;
  return 0;
}
