#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include "tools/tool_test_util.h"

namespace agent {
namespace {

class ReadFileToolTest : public ToolTest {
 protected:
  std::string lines(int from, int to) {
    std::string s;
    for (int i = from; i <= to; ++i) s += "line " + std::to_string(i) + "\n";
    return s;
  }
};

TEST_F(ReadFileToolTest, NumbersLinesLikeCatN) {
  write("src/a.py", "def f():\n\treturn 1\n");
  auto out = call("read_file", R"({"path":"src/a.py"})");
  ASSERT_FALSE(out.is_error) << out.content;
  EXPECT_EQ(out.content, "     1\tdef f():\n     2\t\treturn 1\n");
  EXPECT_EQ(out.details["total_lines"], 2);
  // Absolute paths inside the workspace and a last line without '\n' work too.
  write("b.txt", "x\ny");
  auto abs = call("read_file", Json{{"path", (ctx_.workspace / "b.txt").string()}}.dump());
  EXPECT_EQ(abs.content, "     1\tx\n     2\ty\n");
}

TEST_F(ReadFileToolTest, OffsetLimitAndTheContinuationTrailer) {
  write("f.txt", lines(1, 10));
  ctx_.limits.read_default_lines = 4;
  auto first = call("read_file", R"({"path":"f.txt"})");
  EXPECT_EQ(first.content, "     1\tline 1\n     2\tline 2\n     3\tline 3\n     4\tline 4\n"
                           "[lines 1-4 of 10; call again with offset=5]\n");
  auto mid = call("read_file", R"({"path":"f.txt","offset":5,"limit":2})");
  EXPECT_EQ(mid.content, "     5\tline 5\n     6\tline 6\n[lines 5-6 of 10; call again with offset=7]\n");
  // A limit over the per-call maximum is capped, not refused.
  auto capped = call("read_file", R"({"path":"f.txt","offset":9,"limit":100})");
  EXPECT_EQ(capped.content, "     9\tline 9\n    10\tline 10\n");
  auto past = call("read_file", R"({"path":"f.txt","offset":11})");
  EXPECT_TRUE(past.is_error);
  EXPECT_EQ(past.content, "offset 11 is past the end of f.txt, which has 10 lines");
  EXPECT_TRUE(call("read_file", R"({"path":"f.txt","offset":0})").is_error);
  EXPECT_TRUE(call("read_file", R"({"path":"f.txt","limit":-1})").is_error);
  EXPECT_TRUE(call("read_file", R"({"path":"f.txt","offset":"2"})").is_error);
}

TEST_F(ReadFileToolTest, ByteLimitStopsEarlyAndSaysSo) {
  write("f.txt", lines(1, 100));
  ctx_.limits.read_max_bytes = 40;  // each numbered line is 14-15 bytes
  auto out = call("read_file", R"({"path":"f.txt"})");
  EXPECT_EQ(out.content, "     1\tline 1\n     2\tline 2\n"
                         "[lines 1-2 of 100 (output limit of 40 bytes reached); call again with offset=3]\n");
  EXPECT_EQ(out.details["truncated"], true);
}

TEST_F(ReadFileToolTest, EmptyFileBinaryFileAndFolder) {
  write("empty.txt", "");
  auto empty = call("read_file", R"({"path":"empty.txt"})");
  EXPECT_FALSE(empty.is_error);
  EXPECT_EQ(empty.content, "empty.txt is empty (0 bytes)\n");
  write("img.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + std::string(1000, 'x'));
  auto bin = call("read_file", R"({"path":"img.png"})");
  EXPECT_TRUE(bin.is_error);
  EXPECT_NE(bin.content.find("img.png is a binary file (1016 bytes)"), std::string::npos) << bin.content;
  write("dir/x", "");
  auto dir = call("read_file", R"({"path":"dir"})");
  EXPECT_TRUE(dir.is_error);
  EXPECT_NE(dir.content.find("use list_files"), std::string::npos);
  ASSERT_EQ(::mkfifo((ctx_.workspace / "fifo").c_str(), 0600), 0);
  auto fifo = call("read_file", R"({"path":"fifo"})");  // must not hang
  EXPECT_TRUE(fifo.is_error);
  EXPECT_NE(fifo.content.find("not a regular file"), std::string::npos);
}

TEST_F(ReadFileToolTest, MissingFileSuggestsSimilarNames) {
  write("src/main.py", "");
  write("tests/test_main.py", "");
  auto out = call("read_file", R"({"path":"src/mian.py"})");
  EXPECT_TRUE(out.is_error);
  EXPECT_NE(out.content.find("src/mian.py does not exist. Similar files: src/main.py"), std::string::npos)
      << out.content;
  auto none = call("read_file", R"({"path":"zzzzzzzz.rs"})");
  EXPECT_TRUE(none.is_error);
  EXPECT_EQ(none.content.find("Similar"), std::string::npos);
}

TEST_F(ReadFileToolTest, OutsideTheWorkspaceIsRefusedButRunFolderIsReadable) {
  auto out = call("read_file", R"({"path":"/etc/passwd"})");
  EXPECT_TRUE(out.is_error);
  EXPECT_NE(out.content.find("outside the repository"), std::string::npos);
  ASSERT_TRUE(write_file_atomic(ctx_.workspace.parent_path() / "outside.txt", "secret\n").ok());
  auto up = call("read_file", R"({"path":"../outside.txt"})");
  EXPECT_TRUE(up.is_error);
  EXPECT_EQ(up.content.find("secret"), std::string::npos);
  EXPECT_NE(up.content.find("outside the repository"), std::string::npos);
  ASSERT_EQ(::symlink("/etc/passwd", (ctx_.workspace / "pw").c_str()), 0);
  auto link = call("read_file", R"({"path":"pw"})");
  EXPECT_TRUE(link.is_error);
  EXPECT_NE(link.content.find("symbolic link"), std::string::npos);
  ASSERT_TRUE(write_file_atomic(ctx_.run_dir / "tool-outputs/call_1.txt", "saved output\n").ok());
  auto saved = call("read_file", Json{{"path", (ctx_.run_dir / "tool-outputs/call_1.txt").string()}}.dump());
  EXPECT_FALSE(saved.is_error) << saved.content;
  EXPECT_EQ(saved.content, "     1\tsaved output\n");
}

TEST_F(ReadFileToolTest, UnicodeInvalidUtf8LongLinesAndCrlf) {
  write("u.txt", "héllo 世界 🙂\nbad \xC3\x28 byte\n" + std::string(10000, 'a') + "\n");
  auto out = call("read_file", R"({"path":"u.txt"})");
  ASSERT_FALSE(out.is_error);
  EXPECT_NE(out.content.find("     1\théllo 世界 🙂\n"), std::string::npos);
  EXPECT_NE(out.content.find("     2\tbad \xEF\xBF\xBD( byte\n"), std::string::npos);
  EXPECT_NE(out.content.find("     3\t" + std::string(4096, 'a') + " [... 5904 more bytes on this line]\n"),
            std::string::npos);
  write("w.txt", "a\r\nb\r\n");
  auto crlf = call("read_file", R"({"path":"w.txt"})");
  EXPECT_EQ(crlf.content, "     1\ta\n     2\tb\n[this file uses CRLF (\\r\\n) line endings; they are not shown]\n");
}

// A 100 MB file (a text head, a sparse hole, a text tail) is read by range without loading it:
// lines after the range are not even counted, and a 100 MB line is cut, not kept.
TEST_F(ReadFileToolTest, HugeFileIsStreamedByRange) {
  const uint64_t size = 100ull << 20;
  std::string head = lines(1, 1000);
  int fd = ::open((ctx_.workspace / "huge.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, head.data(), head.size()), static_cast<ssize_t>(head.size()));
  ASSERT_EQ(::pwrite(fd, "tail\n", 5, static_cast<off_t>(size - 5)), 5);
  ::close(fd);
  auto start = std::chrono::steady_clock::now();
  auto out = call("read_file", R"({"path":"huge.log","offset":500,"limit":2})");
  ASSERT_FALSE(out.is_error) << out.content;
  EXPECT_EQ(out.content, "   500\tline 500\n   501\tline 501\n[lines 500-501 of a 104857600-byte file "
                         "(too big to count its lines); call again with offset=502]\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  auto hole = call("read_file", R"({"path":"huge.log","offset":1001})");
  ASSERT_FALSE(hole.is_error);
  EXPECT_NE(hole.content.find(" [... " + std::to_string(size - head.size() - 1 - 4096) +
                              " more bytes on this line]\n"), std::string::npos);
  auto past = call("read_file", R"({"path":"huge.log","offset":5000})");
  EXPECT_EQ(past.content, "offset 5000 is past the end of huge.log, which has 1001 lines");
}

// Under read_max_file_bytes the whole file is counted, however far the range is.
TEST_F(ReadFileToolTest, DeepRangeOfACountedFile) {
  write("big.txt", lines(1, 200000));
  auto out = call("read_file", R"({"path":"big.txt","offset":199999,"limit":5})");
  EXPECT_EQ(out.content, "199999\tline 199999\n200000\tline 200000\n");
  auto mid = call("read_file", R"({"path":"big.txt","offset":100000,"limit":1})");
  EXPECT_EQ(mid.content, "100000\tline 100000\n[lines 100000-100000 of 200000; call again with offset=100001]\n");
}

}  // namespace
}  // namespace agent
