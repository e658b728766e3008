#include "common/fs.h"

#include <gtest/gtest.h>

namespace agent {
namespace {

TEST(Fs, AtomicWriteReadAndLimits) {
  auto dir = TempDir::create("agent-fs-test-");
  ASSERT_TRUE(dir.ok());
  fs::path p = dir->path() / "a" / "b.txt";
  ASSERT_TRUE(write_file_atomic(p, "hello").ok());
  EXPECT_EQ(*read_file(p), "hello");
  auto big = read_file(p, 3);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), StatusCode::kResourceExhausted);
  auto missing = read_file(dir->path() / "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
  EXPECT_FALSE(read_file(dir->path()).ok());
}

TEST(Fs, AppendFileAndEmptiness) {
  auto dir = TempDir::create("agent-fs-test-");
  ASSERT_TRUE(dir.ok());
  EXPECT_TRUE(*dir_is_empty_or_missing(dir->path() / "x"));
  EXPECT_TRUE(*dir_is_empty_or_missing(dir->path()));
  AppendFile f;
  ASSERT_TRUE(f.open(dir->path() / "j.jsonl").ok());
  ASSERT_TRUE(f.append_line("one").ok());
  ASSERT_TRUE(f.append_line("two").ok());
  ASSERT_TRUE(f.sync().ok());
  EXPECT_EQ(*read_file(dir->path() / "j.jsonl"), "one\ntwo\n");
  EXPECT_FALSE(*dir_is_empty_or_missing(dir->path()));
}

}  // namespace
}  // namespace agent
