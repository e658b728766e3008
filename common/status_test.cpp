#include "common/status.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace agent {
namespace {

Result<int> half(int x) {
  if (x % 2 != 0) return invalid_argument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> quarter(int x) {
  AGENT_ASSIGN_OR_RETURN(int h, half(x));
  AGENT_ASSIGN_OR_RETURN(int q, half(h));
  return q;
}

TEST(Status, OkAndErrors) {
  EXPECT_TRUE(ok_status().ok());
  Status s = not_found("no such thing");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.to_string(), "NOT_FOUND: no such thing");
  EXPECT_EQ(s.with_context("loading x").message(), "loading x: no such thing");
}

TEST(Status, ResultPropagates) {
  EXPECT_EQ(*quarter(8), 2);
  auto r = quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd: 3");
  EXPECT_EQ(r.value_or(-1), -1);
}

TEST(Status, ErrnoMapping) {
  EXPECT_EQ(errno_status(ENOENT, "open /x").code(), StatusCode::kNotFound);
  EXPECT_EQ(errno_status(EACCES, "open /x").code(), StatusCode::kPermissionDenied);
  EXPECT_NE(errno_status(ENOENT, "open /x").message().find("open /x: "), std::string::npos);
}

}  // namespace
}  // namespace agent
