#include "tools/file_transaction.h"

#include <sys/stat.h>

#include "tools/tool_test_util.h"

namespace agent {
namespace {

// Fails the n-th rename (1-based), as a full disk or a vanished folder would.
class FailingTransaction : public FileTransaction {
 public:
  explicit FailingTransaction(int fail_at) : fail_at_(fail_at) {}
  int renames = 0;

 protected:
  Status rename_at(int dir, const std::string& from, const std::string& to) override {
    if (++renames == fail_at_) return unavailable("injected failure renaming " + from);
    return FileTransaction::rename_at(dir, from, to);
  }

 private:
  int fail_at_;
};

class FileTransactionTest : public ToolTest {
 protected:
  // Every entry under the workspace, to prove no temporary or backup is left behind.
  std::vector<std::string> tree() {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(ctx_.workspace)) {
      out.push_back(e.path().lexically_relative(ctx_.workspace).string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  fs::path p(const std::string& rel) { return ctx_.workspace / rel; }
};

using V = std::vector<std::string>;

TEST_F(FileTransactionTest, WritesDeletesAndCreatesFolders) {
  write("a.txt", "old a");
  write("gone.txt", "bye");
  FileTransaction tx;
  tx.write(p("a.txt"), "new a", 0644);
  tx.write(p("new/deep/b.txt"), "b", 0755);
  tx.remove(p("gone.txt"));
  ASSERT_TRUE(tx.commit().ok());
  EXPECT_EQ(read("a.txt"), "new a");
  EXPECT_EQ(read("new/deep/b.txt"), "b");
  struct stat st {};
  ASSERT_EQ(::stat(p("new/deep/b.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  EXPECT_EQ(tree(), (V{"a.txt", "new", "new/deep", "new/deep/b.txt"}));
}

TEST_F(FileTransactionTest, FailureHalfWayRestoresEverything) {
  write("a.txt", "old a");
  write("b.txt", "old b");
  write("c.txt", "old c");
  // Renames: a->backup, tmp->a, b->backup, tmp->b, c->backup (fails) ...
  for (int fail_at = 1; fail_at <= 6; ++fail_at) {
    FailingTransaction tx(fail_at);
    tx.write(p("a.txt"), "new a", 0644);
    tx.remove(p("b.txt"));
    tx.write(p("c.txt"), "new c", 0644);
    tx.write(p("d/e.txt"), "new e", 0644);
    Status st = tx.commit();
    ASSERT_FALSE(st.ok()) << fail_at;
    EXPECT_NE(st.message().find("injected failure"), std::string::npos);
    EXPECT_EQ(read("a.txt"), "old a") << fail_at;
    EXPECT_EQ(read("b.txt"), "old b") << fail_at;
    EXPECT_EQ(read("c.txt"), "old c") << fail_at;
    EXPECT_EQ(tree(), (V{"a.txt", "b.txt", "c.txt"})) << fail_at;
  }
}

TEST_F(FileTransactionTest, StagingFailureChangesNothing) {
  write("a.txt", "old a");
  write("file", "i am a file");
  FileTransaction tx;
  tx.write(p("a.txt"), "new a", 0644);
  tx.write(p("new/x.txt"), "x", 0644);
  tx.write(p("file/inside.txt"), "cannot be", 0644);  // its "folder" is a file
  Status st = tx.commit();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("file/inside.txt"), std::string::npos) << st.message();
  EXPECT_EQ(read("a.txt"), "old a");
  EXPECT_EQ(tree(), (V{"a.txt", "file"}));
}

TEST_F(FileTransactionTest, DeletingAMissingFileFails) {
  write("a.txt", "old a");
  FileTransaction tx;
  tx.write(p("a.txt"), "new a", 0644);
  tx.remove(p("missing.txt"));
  EXPECT_FALSE(tx.commit().ok());
  EXPECT_EQ(read("a.txt"), "old a");
  EXPECT_EQ(tree(), (V{"a.txt"}));
}

}  // namespace
}  // namespace agent
