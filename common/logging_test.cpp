#include "common/logging.h"

#include <gtest/gtest.h>

namespace agent {
namespace {

TEST(Logging, RedactsRegisteredSecretsAndKnownShapes) {
  register_secret("my-very-secret-value");
  EXPECT_EQ(redact("key=my-very-secret-value!"), "key=[REDACTED]!");
  EXPECT_EQ(redact("Authorization: Bearer abcdefghijklmnop123"), "Authorization: [REDACTED]");
  EXPECT_EQ(redact("k sk-0123456789abcdef0123"), "k [REDACTED]");
  EXPECT_EQ(redact("https://x-access-token:ghs_zzz@github.com/o/r"),
            "https[REDACTED]github.com/o/r");
  EXPECT_EQ(redact("nothing secret here"), "nothing secret here");
  EXPECT_EQ(redact_secrets("a my-very-secret-value b token abcdefghijklmnopq"),
            "a [REDACTED] b token abcdefghijklmnopq")
      << "tool output keeps token-shaped words of source code";
  register_secret("short");  // too short to register
  EXPECT_EQ(redact("short"), "short");
}

}  // namespace
}  // namespace agent
