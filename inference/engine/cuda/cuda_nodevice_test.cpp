// The CUDA backend where there is no GPU (every CI machine): creating it fails with
// Unavailable and says why, and the engine reports that while loading, naming the checkpoint.
// Skipped on a machine that has a GPU (the gpu-labelled tests cover that case).
#include <gtest/gtest.h>

#include "inference/engine/cuda/cuda_engine.h"
#include "inference/engine/cuda/cuda_ops.h"
#include "inference/engine/testing/tiny_checkpoint.h"

namespace agent::engine::cuda {
namespace {

TEST(CudaWithoutDevice, CreatingTheBackendSaysWhy) {
  std::string why;
  if (cuda_device_available(&why)) GTEST_SKIP() << "a CUDA device is present: the no-device path is not testable here";
  EXPECT_TRUE(why.find("NVIDIA driver") != std::string::npos || why.find("CUDA") != std::string::npos) << why;
  auto o = CudaOps::create(flash_config(), size_t(1) << 20, CudaOptions{});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(o.status().message(), why);

  auto ck = engine::testing::shared_tiny_checkpoint("flash");
  ASSERT_TRUE(ck.ok()) << ck.status().to_string();
  auto e = open_cuda_engine(ck->folder, CudaOptions{}, Numerics::kExact);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(e.status().message().find(ck->folder.string()), std::string::npos) << e.status().message();
}

}  // namespace
}  // namespace agent::engine::cuda
