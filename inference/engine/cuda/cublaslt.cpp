#include "inference/engine/cuda/cublaslt.h"

#include <cublasLt.h>
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

namespace agent::engine::cuda {

struct CublasLt::Api {
  decltype(&cublasLtCreate) create;
  decltype(&cublasLtDestroy) destroy;
  decltype(&cublasLtGetVersion) get_version;
  decltype(&cublasLtMatmulDescCreate) desc_create;
  decltype(&cublasLtMatmulDescDestroy) desc_destroy;
  decltype(&cublasLtMatmulDescSetAttribute) desc_set;
  decltype(&cublasLtMatrixLayoutCreate) layout_create;
  decltype(&cublasLtMatrixLayoutDestroy) layout_destroy;
  decltype(&cublasLtMatmulPreferenceCreate) pref_create;
  decltype(&cublasLtMatmulPreferenceDestroy) pref_destroy;
  decltype(&cublasLtMatmulPreferenceSetAttribute) pref_set;
  decltype(&cublasLtMatmulAlgoGetHeuristic) heuristic;
  decltype(&cublasLtMatmul) matmul;
};

// One GEMM shape: descriptors and the algorithm cuBLASLt's heuristic picked for it.
struct CublasLt::Plan {
  const Api* api = nullptr;
  cublasLtMatmulDesc_t desc = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, d = nullptr;
  cublasLtMatmulAlgo_t algo{};
  bool ok = false;
  ~Plan() {
    if (a) api->layout_destroy(a);
    if (b) api->layout_destroy(b);
    if (d) api->layout_destroy(d);
    if (desc) api->desc_destroy(desc);
  }
};

namespace {

template <typename F>
bool sym(void* lib, const char* name, F& f, std::string* why) {
  f = reinterpret_cast<F>(dlsym(lib, name));
  if (!f && why) *why = std::string("libcublasLt has no ") + name;
  return f != nullptr;
}

void check(cublasStatus_t st, const char* what) {
  if (st == CUBLAS_STATUS_SUCCESS) return;
  std::fprintf(stderr, "cuBLASLt %s failed with status %d\n", what, int(st));
  std::abort();
}

}  // namespace

std::unique_ptr<CublasLt> CublasLt::load(std::string* why) {
  void* lib = dlopen("libcublasLt.so.13", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    if (why) *why = std::string("cannot load libcublasLt.so.13: ") + dlerror();
    return nullptr;
  }
  std::unique_ptr<CublasLt> c(new CublasLt());
  c->lib_ = lib;
  c->api_ = std::make_unique<Api>();
  Api& a = *c->api_;
  if (!(sym(lib, "cublasLtCreate", a.create, why) && sym(lib, "cublasLtDestroy", a.destroy, why) &&
        sym(lib, "cublasLtGetVersion", a.get_version, why) &&
        sym(lib, "cublasLtMatmulDescCreate", a.desc_create, why) &&
        sym(lib, "cublasLtMatmulDescDestroy", a.desc_destroy, why) &&
        sym(lib, "cublasLtMatmulDescSetAttribute", a.desc_set, why) &&
        sym(lib, "cublasLtMatrixLayoutCreate", a.layout_create, why) &&
        sym(lib, "cublasLtMatrixLayoutDestroy", a.layout_destroy, why) &&
        sym(lib, "cublasLtMatmulPreferenceCreate", a.pref_create, why) &&
        sym(lib, "cublasLtMatmulPreferenceDestroy", a.pref_destroy, why) &&
        sym(lib, "cublasLtMatmulPreferenceSetAttribute", a.pref_set, why) &&
        sym(lib, "cublasLtMatmulAlgoGetHeuristic", a.heuristic, why) && sym(lib, "cublasLtMatmul", a.matmul, why))) {
    return nullptr;
  }
  cublasLtHandle_t h = nullptr;
  if (a.create(&h) != CUBLAS_STATUS_SUCCESS) {
    if (why) *why = "cublasLtCreate failed (no usable device?)";
    return nullptr;
  }
  c->handle_ = h;
  return c;
}

CublasLt::~CublasLt() {
  plans_.clear();
  if (handle_) api_->destroy(static_cast<cublasLtHandle_t>(handle_));
  if (lib_) dlclose(lib_);
}

std::string CublasLt::version() const { return std::to_string(api_->get_version()); }

// Column-major view: D[N, n] = op(A)[N, K] · B[K, n] with A = W (row-major [N, K] is the
// column-major [K, N], transposed: "TN", which FP8 requires), B = X ([K, n], ld K).
CublasLt::Plan* CublasLt::plan(bool block, int64_t N, int64_t K, int64_t n, int64_t ldd, size_t ws_bytes) {
  auto key = std::make_tuple(block, N, K, n, ldd);
  if (auto it = plans_.find(key); it != plans_.end()) return it->second.get();
  auto p = std::make_unique<Plan>();
  const Api& a = *api_;
  p->api = &a;
  check(a.desc_create(&p->desc, CUBLAS_COMPUTE_32F, CUDA_R_32F), "MatmulDescCreate");
  const cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
  check(a.desc_set(p->desc, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta), "set TRANSA");
  check(a.desc_set(p->desc, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof tb), "set TRANSB");
  if (block) {
    const int32_t am = CUBLASLT_MATMUL_MATRIX_SCALE_BLK128x128_32F, bm = CUBLASLT_MATMUL_MATRIX_SCALE_VEC128_32F;
    check(a.desc_set(p->desc, CUBLASLT_MATMUL_DESC_A_SCALE_MODE, &am, sizeof am), "set A_SCALE_MODE");
    check(a.desc_set(p->desc, CUBLASLT_MATMUL_DESC_B_SCALE_MODE, &bm, sizeof bm), "set B_SCALE_MODE");
  }
  const cudaDataType_t dt = block ? CUDA_R_32F : CUDA_R_16BF;
  check(a.layout_create(&p->a, CUDA_R_8F_E4M3, uint64_t(K), uint64_t(N), K), "layout A");
  check(a.layout_create(&p->b, CUDA_R_8F_E4M3, uint64_t(K), uint64_t(n), K), "layout B");
  check(a.layout_create(&p->d, dt, uint64_t(N), uint64_t(n), ldd), "layout D");
  cublasLtMatmulPreference_t pref = nullptr;
  check(a.pref_create(&pref), "PreferenceCreate");
  check(a.pref_set(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws_bytes, sizeof ws_bytes), "set workspace");
  cublasLtMatmulHeuristicResult_t r{};
  int found = 0;
  const cublasStatus_t st = a.heuristic(static_cast<cublasLtHandle_t>(handle_), p->desc, p->a, p->b, p->d, p->d, pref,
                                        1, &r, &found);
  a.pref_destroy(pref);
  p->ok = st == CUBLAS_STATUS_SUCCESS && found > 0;
  if (p->ok) p->algo = r.algo;
  return plans_.emplace(key, std::move(p)).first->second.get();
}

bool CublasLt::fp8_block_gemm(const uint8_t* w, const float* w_scales, int64_t N, int64_t K, const uint8_t* x,
                              const float* x_scales, int64_t n, float* d, int64_t ldd, void* ws, size_t ws_bytes,
                              cudaStream_t s) {
  Plan* p = plan(true, N, K, n, ldd, ws_bytes);
  if (!p->ok) return false;
  const Api& a = *api_;
  check(a.desc_set(p->desc, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &w_scales, sizeof w_scales), "set A scale");
  check(a.desc_set(p->desc, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &x_scales, sizeof x_scales), "set B scale");
  const float one = 1.0f, zero = 0.0f;
  check(a.matmul(static_cast<cublasLtHandle_t>(handle_), p->desc, &one, w, p->a, x, p->b, &zero, d, p->d, d, p->d,
                 &p->algo, ws, ws_bytes, s),
        "Matmul (block-scaled FP8)");
  return true;
}

bool CublasLt::fp8_gemm_tensor_scaled(const uint8_t* w, const float* w_scale, int64_t N, int64_t K, const uint8_t* x,
                                      const float* x_scale, int64_t n, void* d_bf16, void* ws, size_t ws_bytes,
                                      cudaStream_t s) {
  Plan* p = plan(false, N, K, n, N, ws_bytes);
  if (!p->ok) return false;
  const Api& a = *api_;
  check(a.desc_set(p->desc, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &w_scale, sizeof w_scale), "set A scale");
  check(a.desc_set(p->desc, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &x_scale, sizeof x_scale), "set B scale");
  const float one = 1.0f, zero = 0.0f;
  check(a.matmul(static_cast<cublasLtHandle_t>(handle_), p->desc, &one, w, p->a, x, p->b, &zero, d_bf16, p->d, d_bf16,
                 p->d, &p->algo, ws, ws_bytes, s),
        "Matmul (FP8)");
  return true;
}

}  // namespace agent::engine::cuda
