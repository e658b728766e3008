// `agent generate` on tiny random checkpoints: greedy JSON lines with raw log-probabilities,
// UTF-8-safe text, folder and GGUF weights, and usage errors.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/text.h"
#include "inference/engine/testing/tiny_checkpoint.h"
#include "tasks/commands.h"

namespace agent::cli {
namespace {

struct CliRun {
  int code = -1;
  std::string out, err;
};

// Runs `agent generate ARGS` in a child process (fresh CLI state, captured output).
CliRun generate(std::vector<std::string> args) {
  auto dir = TempDir::create("gen-cli-");
  CliRun r;
  pid_t pid = fork();
  if (pid == 0) {
    int o = open((dir->path() / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open((dir->path() / "err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    CLI::App app{"agent"};
    Command c = add_generate_command(app);
    args.insert(args.begin(), "generate");
    std::reverse(args.begin(), args.end());
    int code = kExitUsage;
    try {
      app.parse(args);
      code = c.run();
    } catch (const CLI::ParseError& ex) {
      app.exit(ex);
    }
    std::fflush(stdout);
    _exit(code);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = read_file(dir->path() / "out").value_or("");
  r.err = read_file(dir->path() / "err").value_or("");
  return r;
}

std::vector<Json> lines(const std::string& s) {
  std::vector<Json> v;
  size_t at = 0;
  while (at < s.size()) {
    size_t nl = s.find('\n', at);
    v.push_back(Json::parse(s.substr(at, nl - at)));
    at = nl + 1;
  }
  return v;
}

class GenerateCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir(std::move(TempDir::create("gen-cli-ck-").value()));
    ck_ = new engine::testing::TinyCheckpoint(*engine::testing::shared_tiny_checkpoint("flash"));
  }
  static void TearDownTestSuite() {
    delete ck_;
    delete dir_;
  }
  static TempDir* dir_;
  static engine::testing::TinyCheckpoint* ck_;
};
TempDir* GenerateCommand::dir_ = nullptr;
engine::testing::TinyCheckpoint* GenerateCommand::ck_ = nullptr;

TEST_F(GenerateCommand, GreedyJsonLines) {
  std::vector<std::string> a = {"--weights", ck_->folder.string(), "--prompt", "The quick brown fox", "--max-tokens",
                                "6", "--temperature", "0", "--json", "--top-logprobs", "3", "--threads", "2"};
  CliRun r = generate(a);
  ASSERT_EQ(r.code, 0) << r.err;
  auto ls = lines(r.out);
  ASSERT_FALSE(ls.empty());
  ASSERT_LE(ls.size(), 6u);
  for (const auto& j : ls) {
    ASSERT_TRUE(j.contains("token_id") && j.contains("text") && j.contains("logprob") && j.contains("top")) << j;
    EXPECT_LE(j["logprob"].get<double>(), 0.0);
    ASSERT_EQ(j["top"].size(), 3u);
    EXPECT_EQ(j["top"][0][0], j["token_id"]);  // greedy: the most likely token
    EXPECT_DOUBLE_EQ(j["top"][0][1].get<double>(), j["logprob"].get<double>());
    EXPECT_GE(j["top"][0][1].get<double>(), j["top"][2][1].get<double>());
  }
  EXPECT_EQ(generate(a).out, r.out);  // deterministic
}

// The same weights as a folder (FP8/FP4 safetensors, tokenizer.json) and as a GGUF (tokenizer in
// its metadata) give the same tokens, text and log-probabilities.
TEST_F(GenerateCommand, FolderAndGgufAgree) {
  auto ids = dir_->path() / "ids.json";
  ASSERT_TRUE(write_file_atomic(ids, "[0, 17, 300, 5, 42, 999]").ok());
  std::vector<std::string> common = {"--prompt", "The quick brown fox", "--max-tokens", "5", "--temperature", "0.7",
                                     "--seed", "4", "--json", "--top-logprobs", "2"};
  auto with = [&](const std::filesystem::path& w) {
    std::vector<std::string> a = {"--weights", w.string()};
    a.insert(a.end(), common.begin(), common.end());
    return generate(a);
  };
  CliRun f = with(ck_->folder), g = with(ck_->gguf);
  ASSERT_EQ(f.code, 0) << f.err;
  ASSERT_EQ(g.code, 0) << g.err;
  auto lf = lines(f.out), lg = lines(g.out);
  ASSERT_EQ(lf.size(), lg.size());
  for (size_t i = 0; i < lf.size(); ++i) {
    EXPECT_EQ(lf[i]["token_id"], lg[i]["token_id"]);
    EXPECT_EQ(lf[i]["logprob"], lg[i]["logprob"]);
    EXPECT_EQ(lf[i]["text"], lg[i]["text"]);
  }
}

// Byte-level tokens split UTF-8 characters; text must stay valid, and be empty while a
// character is unfinished.
TEST_F(GenerateCommand, TextIsUtf8Safe) {
  CliRun r = generate({"--weights", ck_->folder.string(), "--prompt", "数据 和 模型", "--max-tokens", "300",
                    "--temperature", "3", "--seed", "9", "--json", "--numerics", "exact"});
  ASSERT_EQ(r.code, 0) << r.err;
  int held = 0;
  for (const auto& j : lines(r.out)) {
    std::string t = j["text"];
    EXPECT_TRUE(is_valid_utf8(t)) << j;
    int id = j["token_id"];
    // Byte tokens 2..257 are the 256 bytes in GPT-2's order; a lead byte of a multi-byte
    // character (0xC2..0xF4) alone completes nothing.
    held += t.empty() && id >= 2 && id < 258;
  }
  EXPECT_GT(held, 0) << "no token left a character unfinished; the test proves nothing";
}

TEST_F(GenerateCommand, UsageErrors) {
  auto ids = dir_->path() / "bad.json";
  ASSERT_TRUE(write_file_atomic(ids, "{\"not\": \"a list\"}").ok());
  auto big = dir_->path() / "big.json";
  ASSERT_TRUE(write_file_atomic(big, "[1, 2, 5000]").ok());
  const std::string w = ck_->folder.string();
  auto bare = dir_->path() / "bare.gguf";  // no tokenizer in the metadata
  ASSERT_TRUE(engine::testing::run_generator({"--preset", "flash", "--gguf", bare.string(), "--gguf-no-tokenizer"}).ok());
  struct Case {
    std::vector<std::string> args;
    const char* expect;
  } cases[] = {
      {{"--weights", w}, "exactly one of"},
      {{"--weights", w, "--prompt", "a", "--prompt-ids", ids.string()}, "exactly one of"},
      {{"--weights", w, "--prompt", "a", "--numerics", "fast"}, "--numerics"},
      {{"--weights", w, "--prompt", "a", "--top-p", "0"}, "--top-p"},
      {{"--weights", (dir_->path() / "nope").string(), "--prompt", "a"}, "nope"},
      {{"--weights", w, "--prompt-ids", ids.string()}, "JSON array"},
      {{"--weights", w, "--prompt-ids", big.string()}, "5000"},
      {{"--weights", bare.string(), "--prompt", "text needs a tokenizer"}, "tokenizer"},
  };
  for (const auto& c : cases) {
    CliRun r = generate(c.args);
    EXPECT_EQ(r.code, kExitUsage) << c.expect << ": " << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
  }
}

TEST_F(GenerateCommand, PromptIdsWithoutTokenizer) {
  auto bare = dir_->path() / "bare2.gguf";
  ASSERT_TRUE(engine::testing::run_generator({"--preset", "flash", "--gguf", bare.string(), "--gguf-no-tokenizer"}).ok());
  auto ids = dir_->path() / "ids2.json";
  ASSERT_TRUE(write_file_atomic(ids, "[0, 17, 300, 5]").ok());
  CliRun r = generate({"--weights", bare.string(), "--prompt-ids", ids.string(), "--max-tokens", "3", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const auto& j : lines(r.out)) EXPECT_EQ(j["text"], "");  // no tokenizer: no text
}

TEST_F(GenerateCommand, PlainTextOutput) {
  CliRun r = generate({"--weights", ck_->folder.string(), "--prompt", "hello", "--max-tokens", "20", "--temperature",
                    "0.9", "--seed", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(is_valid_utf8(r.out));
  EXPECT_FALSE(r.out.empty());
}

}  // namespace
}  // namespace agent::cli
