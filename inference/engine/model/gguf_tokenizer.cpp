#include "inference/engine/model/gguf_tokenizer.h"

#include "common/json.h"

namespace agent::engine {
namespace {

// DeepSeek-V3's pre-tokenizer rules as its tokenizer.json spells them (the tokenizer library
// accepts exactly these; deepseek-v4-model.md 5.1).
const char* const kRules[3] = {
    R"(\p{N}{1,3})",
    "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+|"
    " ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
};

Json pre_tokenizer() {
  Json seq = Json::array();
  for (const char* r : kRules) {
    seq.push_back({{"type", "Split"}, {"pattern", {{"Regex", r}}}, {"behavior", "Isolated"}, {"invert", false}});
  }
  seq.push_back({{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}});
  return {{"type", "Sequence"}, {"pretokenizers", seq}};
}

}  // namespace

Result<std::string> tokenizer_json_from_gguf(const GgufFile& g) {
  const GgufValue* model = g.value("tokenizer.ggml.model");
  if (!model || model->kind != GgufValue::Kind::kString || model->s == "none" || model->s == "no_vocab") {
    return not_found(g.describe() + " has no tokenizer");
  }
  if (model->s != "gpt2") return invalid_argument(g.describe() + ": tokenizer kind '" + model->s + "' is not supported");
  if (const GgufValue* pre = g.value("tokenizer.ggml.pre");
      pre && pre->s != "deepseek-v3" && pre->s != "joyai-llm" && pre->s != "deepseek4") {
    return invalid_argument(g.describe() + ": pre-tokenizer '" + pre->s + "' is not DeepSeek's");
  }
  const GgufValue* tokens = g.value("tokenizer.ggml.tokens");
  const GgufValue* types = g.value("tokenizer.ggml.token_type");
  const GgufValue* merges = g.value("tokenizer.ggml.merges");
  if (!tokens || tokens->kind != GgufValue::Kind::kStringArray || !merges ||
      merges->kind != GgufValue::Kind::kStringArray) {
    return invalid_argument(g.describe() + ": tokenizer.ggml.tokens or .merges missing");
  }
  if (types && types->ints.size() != tokens->strings.size()) {
    return invalid_argument(g.describe() + ": tokenizer.ggml.token_type does not match the tokens");
  }
  Json vocab = Json::object(), added = Json::array();
  for (size_t i = 0; i < tokens->strings.size(); ++i) {
    const int64_t type = types ? types->ints[i] : 1;
    if (type == 3 || type == 4) {  // control, user-defined
      added.push_back({{"id", i}, {"content", tokens->strings[i]}, {"single_word", false}, {"lstrip", false},
                       {"rstrip", false}, {"normalized", false}, {"special", type == 3}});
    } else if (type == 1 || type == 6) {
      vocab[tokens->strings[i]] = i;
    }
  }
  Json j = {{"version", "1.0"},
            {"added_tokens", added},
            {"normalizer", {{"type", "Sequence"}, {"normalizers", Json::array()}}},
            {"pre_tokenizer", pre_tokenizer()},
            {"decoder", {{"type", "ByteLevel"}}},
            {"model", {{"type", "BPE"}, {"byte_fallback", false}, {"vocab", vocab}, {"merges", merges->strings}}}};
  return dump_json(j);
}

Result<std::optional<Tokenizer>> load_checkpoint_tokenizer(const std::filesystem::path& weights) {
  std::error_code ec;
  const bool folder = std::filesystem::is_directory(weights, ec);
  const auto file = folder ? weights / "tokenizer.json" : weights.parent_path() / "tokenizer.json";
  if (std::filesystem::exists(file, ec)) {
    AGENT_ASSIGN_OR_RETURN(Tokenizer t, Tokenizer::load(file));
    return std::optional<Tokenizer>(std::move(t));
  }
  if (folder) return std::optional<Tokenizer>();
  AGENT_ASSIGN_OR_RETURN(auto g, GgufFile::open(weights));
  auto text = tokenizer_json_from_gguf(*g);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return std::optional<Tokenizer>();
    return text.status();
  }
  AGENT_ASSIGN_OR_RETURN(Tokenizer t, Tokenizer::from_json_text(*text, weights.string() + " (tokenizer.ggml.*)"));
  return std::optional<Tokenizer>(std::move(t));
}

}  // namespace agent::engine
