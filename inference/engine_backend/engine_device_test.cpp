// --device: parsing, and the engine refusing a CUDA device it cannot use with a reason the
// user can act on (this build has no CUDA backend, or this machine has no GPU).
#include "inference/engine_backend/engine_device.h"

#include <gtest/gtest.h>

#include "inference/engine/testing/tiny_checkpoint.h"

namespace agent {
namespace {

TEST(EngineDevice, ParsesCpuAndCudaOrdinals) {
  auto cpu = parse_engine_device("cpu");
  ASSERT_TRUE(cpu.ok());
  EXPECT_FALSE(cpu->cuda);
  EXPECT_EQ(cpu->to_string(), "cpu");
  auto cuda = parse_engine_device("cuda");
  ASSERT_TRUE(cuda.ok());
  EXPECT_TRUE(cuda->cuda);
  EXPECT_EQ(cuda->index, 0);
  auto third = parse_engine_device("cuda:2");
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->index, 2);
  EXPECT_EQ(third->to_string(), "cuda:2");
}

TEST(EngineDevice, RejectsOtherNamesNamingTheValue) {
  for (const char* bad : {"", "gpu", "CUDA", "cuda:", "cuda:-1", "cuda:1x", "cuda:x", "cpu:0"}) {
    auto d = parse_engine_device(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(d.status().message().find(std::string("\"") + bad + "\""), std::string::npos) << d.status().message();
  }
}

TEST(EngineDevice, CudaWithoutABackendOrAGpuIsUnavailableAndSaysWhy) {
  auto ck = engine::testing::shared_tiny_checkpoint("flash");
  ASSERT_TRUE(ck.ok()) << ck.status().to_string();
  auto e = open_engine_on(ck->folder, EngineDevice{true, 0}, engine::EngineOptions{1, engine::Numerics::kExact}, 4096);
  if (e.ok()) GTEST_SKIP() << "a usable CUDA device is present";
  EXPECT_EQ(e.status().code(), StatusCode::kUnavailable) << e.status().to_string();
  if (engine_cuda_built()) {
    EXPECT_NE(e.status().message().find(ck->folder.string()), std::string::npos) << e.status().message();
  } else {
    EXPECT_NE(e.status().message().find("no CUDA backend"), std::string::npos) << e.status().message();
  }
  // The CPU is always there.
  auto cpu = open_engine_on(ck->folder, EngineDevice{}, engine::EngineOptions{1, engine::Numerics::kExact}, 4096);
  EXPECT_TRUE(cpu.ok()) << cpu.status().to_string();
}

}  // namespace
}  // namespace agent
