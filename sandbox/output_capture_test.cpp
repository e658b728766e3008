#include "sandbox/output_capture.h"

#include <gtest/gtest.h>

namespace agent {
namespace {

TEST(OutputCapture, KeepsEverythingUnderTheLimit) {
  OutputCapture c(100);
  c.append("hello ");
  c.append("world");
  EXPECT_FALSE(c.truncated());
  EXPECT_EQ(c.take(), "hello world");
}

TEST(OutputCapture, KeepsHeadAndTailInAnyChunking) {
  std::string all;
  for (int i = 0; i < 1000; ++i) all += std::to_string(i) + ",";
  for (size_t chunk : {1u, 7u, 64u, 5000u}) {
    OutputCapture c(200);
    for (size_t p = 0; p < all.size(); p += chunk) c.append(std::string_view(all).substr(p, chunk));
    EXPECT_TRUE(c.truncated());
    EXPECT_EQ(c.total_bytes(), all.size());
    std::string out = c.take();
    EXPECT_EQ(out.substr(0, 100), all.substr(0, 100)) << chunk;
    EXPECT_EQ(out.substr(out.size() - 100), all.substr(all.size() - 100)) << chunk;
    EXPECT_NE(out.find(std::to_string(all.size() - 200) + " bytes of output not kept"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace agent
