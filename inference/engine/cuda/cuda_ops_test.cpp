// CUDA kernels against the CPU reference, op by op (ctest label gpu; skipped without a GPU):
// element-wise ops, normalisation, RoPE, Hadamard, FP4 simulation, hyper-connections,
// embedding and the matmul paths over every weight format. Fresh random inputs every run,
// outputs poisoned with NaN first. The tolerance of each comparison says why it is what it is.
#include <gtest/gtest.h>

#include "inference/engine/cpu/cpu_util.h"
#include "inference/engine/cuda/cuda_test_util.h"
#include "inference/engine/cuda/kernels.h"

namespace agent::engine::cuda::testing {
namespace {

// Same IEEE operations in the same order (explicit _rn intrinsics on the GPU, -ffp-contract=off
// on the CPU): bit-identical.
constexpr double kExact = 0;
// Same operations except expf/sinf/cosf, which CUDA and glibc round differently by an ulp or
// two: a few 1e-7 relative.
constexpr double kUlps = 2e-6;
// f32 sums in a different order (and with FMA) over up to a few thousand terms: the rounding
// error is ~sqrt(K) * 2^-24 relative to the magnitude of the terms.
constexpr double kF32Sum = 2e-5;
// An output rounded to bf16: where the f32 values differ in the last bits, an element can
// round to the neighbouring bf16 value (2^-8 relative); such flips are rare, so the normwise
// error stays well under 2^-8.
constexpr double kBf16 = 3e-3;
// FP8 tensor cores (our mma.sync kernel, cuBLASLt): the products of e4m3 codes are exact, but
// Hopper adds them inside the tensor core with a reduced alignment precision (about 14 bits,
// DeepSeek-V3 report 3.3.2) before the f32 promotion after each scale group (32 or 128 terms).
constexpr double kFp8TensorCore = 1e-3;

using CudaOps_ = CudaVsCpu;

TEST_F(CudaOps_, ElementwiseOpsAreBitIdentical) {
  const int64_t n = 100003;  // odd: the tails of the grid-stride loops
  auto x = randn(size_t(n), 3.0f), y = randn(size_t(n));
  for (bool bf16 : {false, true}) {
    auto cx = x;
    cpu_.add(cx.data(), y.data(), n, bf16);
    float* gx = up(x);
    gpu_->add(gx, up(y), n, bf16);
    EXPECT_CLOSE(down(gx, size_t(n)), cx, kExact, "add bf16=" << bf16);
    cx = x;
    cpu_.scale(cx.data(), n, 0.37f, bf16);
    gx = up(x);
    gpu_->scale(gx, n, 0.37f, bf16);
    EXPECT_CLOSE(down(gx, size_t(n)), cx, kExact, "scale bf16=" << bf16);
    std::vector<float> ch(static_cast<size_t>(n));
    float* gh = poisoned(size_t(n));
    for (float limit : {0.0f, 1.5f}) {
      cpu_.swiglu(x.data(), y.data(), 1, n, limit, ch.data(), bf16);
      gpu_->swiglu(up(x), up(y), 1, n, limit, gh, bf16);
      EXPECT_CLOSE(down(gh, size_t(n)), ch, bf16 ? kBf16 : kUlps, "swiglu (expf) limit=" << limit);
    }
  }
  auto cx = x;
  cpu_.round_bf16(cx.data(), n);
  float* gx = up(x);
  gpu_->round_bf16(gx, n);
  EXPECT_CLOSE(down(gx, size_t(n)), cx, kExact, "round_bf16");
}

TEST_F(CudaOps_, RmsNormVariants) {
  const int64_t n = 37, d = 1024, ld = 1100;
  auto x = randn(size_t(n * ld), 2.0f), w = randn(size_t(d), 0.3f);
  for (int variant = 0; variant < 4; ++variant) {
    const bool weighted = variant & 1, bf16 = variant >= 2, chain = variant == 3;
    std::vector<float> cy(static_cast<size_t>(n * d));
    cpu_.rms_norm(x.data(), ld, weighted ? w.data() : nullptr, n, d, 1e-6f, cy.data(), d, bf16, chain);
    float* gy = poisoned(size_t(n * d));
    gpu_->rms_norm(up(x), ld, weighted ? up(w) : nullptr, n, d, 1e-6f, gy, d, bf16, chain);
    // The sum of squares is a reduction in another order (f32), then rounded when bf16.
    EXPECT_CLOSE(down(gy, size_t(n * d)), cy, bf16 ? kBf16 : kF32Sum, "rms_norm variant " << variant);
  }
  // In place, as the per-head q normalisation runs.
  auto cx = x;
  cpu_.rms_norm(cx.data(), ld, nullptr, n, d, 1e-6f, cx.data(), ld, false, false);
  float* gx = up(x);
  gpu_->rms_norm(gx, ld, nullptr, n, d, 1e-6f, gx, ld, false, false);
  EXPECT_CLOSE(down(gx, size_t(n * ld)), cx, kF32Sum, "rms_norm in place");
}

TEST_F(CudaOps_, RopeYarnInverseAndPositions) {
  const int64_t n = 9, heads = 5, hd = 96, ld = heads * hd + 16, off = 32;
  for (RopeSpec s : {RopeSpec{64, 10000.0, false, 1, 0, 32, 1}, RopeSpec{64, 160000.0, true, 16, 65536, 32, 1}}) {
    for (bool inverse : {false, true}) {
      for (int64_t pos0 : {int64_t(0), int64_t(1000), int64_t(700000)}) {
        auto x = randn(size_t(n * ld));
        auto cx = x;
        cpu_.rope(cx.data(), n, heads, ld, hd, off, pos0, 4, s, inverse, false);
        float* gx = up(x);
        gpu_->rope(gx, n, heads, ld, hd, off, pos0, 4, s, inverse, false);
        // cosf/sinf of the same f32 angle: an ulp or two, scaled by |x|.
        EXPECT_CLOSE(down(gx, size_t(n * ld)), cx, kUlps, "rope yarn=" << s.yarn << " pos0=" << pos0);
      }
    }
  }
}

TEST_F(CudaOps_, HadamardAndFp4SimulationAreBitIdentical) {
  for (int64_t dim : {64, 128}) {
    auto x = randn(size_t(33 * dim), 2.0f);
    for (bool bf16 : {false, true}) {
      auto cx = x;
      cpu_.hadamard(cx.data(), 33, dim, bf16);
      float* gx = up(x);
      gpu_->hadamard(gx, 33, dim, bf16);
      EXPECT_CLOSE(down(gx, size_t(33 * dim)), cx, kExact, "hadamard dim=" << dim);
    }
    auto cx = x;
    cpu_.fp4_simulate(cx.data(), 33, dim, 32);
    float* gx = up(x);
    gpu_->fp4_simulate(gx, 33, dim, 32);
    EXPECT_CLOSE(down(gx, size_t(33 * dim)), cx, kExact, "fp4_simulate");
  }
}

TEST_F(CudaOps_, HyperConnections) {
  const int64_t hc = 4, d = 512, mix = (2 + hc) * hc;
  auto fn = randn(size_t(mix * hc * d), 1.0f / std::sqrt(float(hc * d))), base = randn(size_t(mix), 0.5f);
  std::vector<float> scale = {0.9f, 1.1f, 0.7f};
  for (int64_t n : {1, 5, 70}) {
    auto X = randn(size_t(n * hc * d));
    for (bool bf16 : {false, true}) {
      std::vector<float> cy(static_cast<size_t>(n * d)), cpost(size_t(n * hc)), ccomb(size_t(n * hc * hc));
      cpu_.hc_pre(X.data(), n, hc, d, fn.data(), scale.data(), base.data(), 20, 1e-6f, 1e-6f, cy.data(), cpost.data(),
                  ccomb.data(), bf16);
      float *gy = poisoned(size_t(n * d)), *gpost = poisoned(size_t(n * hc)), *gcomb = poisoned(size_t(n * hc * hc));
      float* gX = up(X);
      gpu_->hc_pre(gX, n, hc, d, up(fn), up(scale), up(base), 20, 1e-6f, 1e-6f, gy, gpost, gcomb, bf16);
      // The 24 mixing dots are f32 sums over 4d = 2048 terms in another order; Sinkhorn and
      // the sigmoids then run the CPU's operations (expf aside).
      EXPECT_CLOSE(down(gpost, size_t(n * hc)), cpost, kF32Sum, "hc_pre post n=" << n);
      EXPECT_CLOSE(down(gcomb, size_t(n * hc * hc)), ccomb, kF32Sum, "hc_pre comb n=" << n);
      EXPECT_CLOSE(down(gy, size_t(n * d)), cy, bf16 ? kBf16 : kF32Sum, "hc_pre y n=" << n);
      // hc_post from the CPU's own post/comb: element-wise, bit-identical.
      auto f = randn(size_t(n * d));
      std::vector<float> cX(size_t(n * hc * d));
      cpu_.hc_post(f.data(), X.data(), cpost.data(), ccomb.data(), n, hc, d, cX.data(), bf16);
      float* gXo = poisoned(size_t(n * hc * d));
      gpu_->hc_post(up(f), gX, up(cpost), up(ccomb), n, hc, d, gXo, bf16);
      EXPECT_CLOSE(down(gXo, size_t(n * hc * d)), cX, kExact, "hc_post");
      auto hfn = randn(size_t(hc * hc * d), 0.02f), hbase = randn(size_t(hc), 0.5f);
      std::vector<float> hs = {1.2f}, ch(size_t(n * d));
      cpu_.hc_head(X.data(), n, hc, d, hfn.data(), hs.data(), hbase.data(), 1e-6f, 1e-6f, ch.data(), bf16);
      float* gh = poisoned(size_t(n * d));
      gpu_->hc_head(gX, n, hc, d, up(hfn), up(hs), up(hbase), 1e-6f, 1e-6f, gh, bf16);
      EXPECT_CLOSE(down(gh, size_t(n * d)), ch, bf16 ? kBf16 : kF32Sum, "hc_head");
    }
  }
}

const WeightFormat kFormats[] = {WeightFormat::kF32,      WeightFormat::kF16,  WeightFormat::kBF16,
                                 WeightFormat::kFP8Block, WeightFormat::kFP4Group, WeightFormat::kQ8_0,
                                 WeightFormat::kMXFP4};

TEST_F(CudaOps_, EmbeddingRowsAreExact) {
  for (WeightFormat f : kFormats) {
    auto m = matrix(f, 300, 256);
    std::vector<int32_t> ids = {0, 299, 17, 17, 128, 255};
    std::vector<float> c(ids.size() * 256);
    cpu_.embed(m->host, ids.data(), int64_t(ids.size()), c.data());
    float* g = poisoned(c.size());
    gpu_->embed(m->device, up(ids), int64_t(ids.size()), g);
    EXPECT_CLOSE(down(g, c.size()), c, kExact, "embed " << weight_format_name(f));
  }
}

// Every path that can take a matmul, on every format, for decode-sized and prefill-sized n.
TEST_F(CudaOps_, MatmulEveryPathAndFormat) {
  using P = CudaOps::MatmulPath;
  const int64_t rows = 384, cols = 512, ldx = cols + 8, ldy = rows + 4;
  for (WeightFormat f : kFormats) {
    auto m = matrix(f, rows, cols, 0.05f);
    for (int64_t n : {1, 3, 7, 40, 128}) {
      auto x = randn(size_t(n * ldx));
      for (MatmulOptions opt : {MatmulOptions{false, false}, MatmulOptions{true, true}}) {
        std::vector<float> c(size_t(n * ldy), 0.0f);
        cpu_.matmul(m->host, x.data(), ldx, n, c.data(), ldy, opt);
        for (P path : {P::kAuto, P::kGemv, P::kTiledF32, P::kFp8, P::kCublasLt}) {
          gpu_->force_matmul_path(path);
          float* g = poisoned(size_t(n * ldy));
          gpu_->matmul(m->device, up(x), ldx, n, g, ldy, opt);
          if (path != P::kAuto && gpu_->last_matmul_path() != path) continue;  // not applicable
          auto out = down(g, size_t(n * ldy));
          for (int64_t t = 0; t < n; ++t) {  // the padding columns were never written
            for (int64_t r = rows; r < ldy; ++r) out[size_t(t * ldy + r)] = c[size_t(t * ldy + r)];
          }
          const P used = gpu_->last_matmul_path();
          const bool tc = used == P::kFp8 || used == P::kCublasLt;
          EXPECT_CLOSE(out, c, opt.bf16_output ? kBf16 : tc ? kFp8TensorCore : kF32Sum,
                       weight_format_name(f) << " n=" << n << " fp8=" << opt.fp8_activations << " path="
                                             << int(gpu_->last_matmul_path()));
        }
        gpu_->force_matmul_path(P::kAuto);
      }
    }
  }
}

// A view of some rows of an FP8 matrix (the grouped output projection) keeps its block scales.
TEST_F(CudaOps_, MatmulOnRowViewsOfFp8) {
  auto m = matrix(WeightFormat::kFP8Block, 512, 256, 0.05f);
  for (int64_t r0 : {0, 64, 128, 192}) {
    const WeightMatrix hv = weight_rows(m->host, r0, 64), dv = weight_rows(m->device, r0, 64);
    for (int64_t n : {2, 20}) {
      auto x = randn(size_t(n * 256));
      std::vector<float> c(static_cast<size_t>(n * 64));
      cpu_.matmul(hv, x.data(), 256, n, c.data(), 64, MatmulOptions{true, false});
      float* g = poisoned(size_t(n * 64));
      gpu_->matmul(dv, up(x), 256, n, g, 64, MatmulOptions{true, false});
      const bool tc = gpu_->last_matmul_path() == CudaOps::MatmulPath::kFp8;
      EXPECT_CLOSE(down(g, size_t(n * 64)), c, tc ? kFp8TensorCore : kF32Sum, "view at row " << r0 << " n=" << n);
    }
  }
}

TEST_F(CudaOps_, LogSoftmax) {
  const int64_t n = 3, v = 50000;
  auto l = randn(size_t(n * v), 4.0f);
  std::vector<float> c(static_cast<size_t>(n * v));
  cpu_.log_softmax(l.data(), n, v, c.data());
  float* g = poisoned(size_t(n * v));
  gpu_->log_softmax(up(l), n, v, g);
  // max exact, sum of exponentials in double (order differs: far below f32), exp/log ulps.
  EXPECT_CLOSE(down(g, size_t(n * v)), c, kUlps, "log_softmax");
}

}  // namespace
}  // namespace agent::engine::cuda::testing
