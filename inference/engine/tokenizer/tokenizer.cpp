#include "inference/engine/tokenizer/tokenizer.h"

#include "common/fs.h"
#include "common/json.h"
#include "inference/engine/tokenizer/tokenizer_impl.h"

namespace agent::engine {

namespace {

// The DeepSeek-V3 pre-tokenizer, exactly as tokenizer.json spells it (pre_tokenizer.h).
constexpr std::string_view kRule1 = R"(\p{N}{1,3})";
constexpr std::string_view kRule2 = "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+";
constexpr std::string_view kRule3 =
    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+|"
    " ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+";
// Ids above this are refused: the id tables are dense.
constexpr TokenId kMaxId = 1 << 24;

Status unsupported(std::string_view what, std::string_view field, std::string_view why) {
  return invalid_argument(std::string(what) + ": unsupported " + std::string(field) + ": " +
                          std::string(why));
}

bool is_null_or(const Json& j, std::string_view key, const Json& allowed) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() || *it == allowed;
}

Status check_pre_tokenizer(const Json& root, std::string_view what) {
  auto it = root.find("pre_tokenizer");
  const char* want = "expected the DeepSeek-V3 sequence (three Isolated Split rules + ByteLevel)";
  if (it == root.end() || !it->is_object() || it->value("type", "") != "Sequence") {
    return unsupported(what, "pre_tokenizer", want);
  }
  const Json& seq = (*it)["pretokenizers"];
  if (!seq.is_array() || seq.size() != 4) return unsupported(what, "pre_tokenizer", want);
  const std::string_view rules[3] = {kRule1, kRule2, kRule3};
  for (int i = 0; i < 3; ++i) {
    const Json& s = seq[i];
    if (!s.is_object() || s.value("type", "") != "Split" || s.value("behavior", "") != "Isolated" ||
        s.value("invert", true) || !s.contains("pattern") || !s["pattern"].is_object() ||
        s["pattern"].value("Regex", "") != rules[i]) {
      return unsupported(what, "pre_tokenizer", std::string(want) + "; rule " +
                                                    std::to_string(i + 1) + " differs");
    }
  }
  const Json& bl = seq[3];
  if (!bl.is_object() || bl.value("type", "") != "ByteLevel" || bl.value("add_prefix_space", true) ||
      bl.value("use_regex", true)) {
    return unsupported(what, "pre_tokenizer", std::string(want) + "; the ByteLevel step differs");
  }
  return ok_status();
}

Status check_shape(const Json& root, std::string_view what) {
  if (!root.is_object()) return invalid_argument(std::string(what) + ": not a JSON object");
  auto norm = root.find("normalizer");
  if (norm != root.end() && !norm->is_null() &&
      !(norm->value("type", "") == "Sequence" && norm->contains("normalizers") &&
        (*norm)["normalizers"].is_array() && (*norm)["normalizers"].empty())) {
    return unsupported(what, "normalizer", "only an empty one is implemented");
  }
  AGENT_RETURN_IF_ERROR(check_pre_tokenizer(root, what));
  auto model = root.find("model");
  if (model == root.end() || !model->is_object() || model->value("type", "BPE") != "BPE") {
    return unsupported(what, "model", "expected a BPE model");
  }
  if (!is_null_or(*model, "byte_fallback", false) || !is_null_or(*model, "ignore_merges", false) ||
      !is_null_or(*model, "continuing_subword_prefix", "") ||
      !is_null_or(*model, "end_of_word_suffix", "") || !is_null_or(*model, "dropout", 0.0)) {
    return unsupported(what, "model option",
                       "byte_fallback, ignore_merges, dropout and subword affixes are not "
                       "implemented");
  }
  return ok_status();
}

Result<AddedTokenSpec> read_added_token(const Json& t, std::string_view where) {
  if (!t.is_object()) return invalid_argument(std::string(where) + " must be an object");
  AddedTokenSpec spec;
  AGENT_ASSIGN_OR_RETURN(spec.content, get_string(t, "content", where));
  auto id = t.find("id");
  if (id != t.end() && !id->is_null()) {
    if (!id->is_number_integer() || id->get<int64_t>() < 0 || id->get<int64_t>() > kMaxId) {
      return invalid_argument(std::string(where) + ": \"id\" must be an integer in 0.." +
                              std::to_string(kMaxId));
    }
    spec.id = static_cast<TokenId>(id->get<int64_t>());
  }
  AGENT_ASSIGN_OR_RETURN(spec.special, get_bool_or(t, "special", true, where));
  AGENT_ASSIGN_OR_RETURN(spec.normalized, get_bool_or(t, "normalized", !spec.special, where));
  for (const char* opt : {"lstrip", "rstrip", "single_word"}) {
    AGENT_ASSIGN_OR_RETURN(bool on, get_bool_or(t, opt, false, where));
    if (on) {
      return invalid_argument(std::string(where) + " (\"" + spec.content + "\"): option \"" + opt +
                              "\" is not supported (DeepSeek's tokenizers do not use it)");
    }
  }
  return spec;
}

// model.vocab and model.merges are almost all of a tokenizer.json (128K entries each for
// DeepSeek). Parsing them into a DOM (a std::map node per token) costs more than all the rest,
// so a parser callback takes them out as they are read and the DOM keeps only the small parts.
// Merges written as [a, b] pairs (newer files) stay in the DOM: nlohmann's callback cannot
// drop an array without also hiding its elements.
struct DivertedModel {
  std::vector<std::pair<std::string, TokenId>> vocab;
  std::vector<std::pair<std::string, std::string>> merges;
  std::string error;
};

Result<Json> parse_diverting(std::string_view text, std::string_view what, DivertedModel* d) {
  std::vector<std::string> keys(8);  // the key at each depth on the current path
  auto in = [&](int depth, const char* section) {
    return depth >= 3 && keys[1] == "model" && keys[2] == section;
  };
  Json::parser_callback_t cb = [&](int depth, nlohmann::json::parse_event_t ev, Json& v) {
    using E = nlohmann::json::parse_event_t;
    if (ev == E::key) {
      if (depth < static_cast<int>(keys.size())) keys[depth] = v.get<std::string>();
      return !in(depth, "vocab");  // a vocabulary entry never enters the DOM
    }
    if (ev != E::value || depth != 3) return true;
    if (in(depth, "vocab")) {
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > kMaxId) {
        d->error = "vocab id of \"" + keys[3] + "\" must be an integer in 0.." + std::to_string(kMaxId);
      } else {
        d->vocab.emplace_back(std::move(keys[3]), static_cast<TokenId>(v.get<int64_t>()));
      }
      return false;
    }
    if (in(depth, "merges") && v.is_string()) {
      const std::string& m = v.get_ref<const std::string&>();
      size_t sp = m.find(' ');
      if (sp == std::string::npos || m.find(' ', sp + 1) != std::string::npos) {
        d->error = "merge " + std::to_string(d->merges.size()) +
                   " is not two tokens separated by one space: \"" + m + "\"";
      } else {
        d->merges.emplace_back(m.substr(0, sp), m.substr(sp + 1));
      }
      return false;
    }
    return true;
  };
  try {
    Json root = Json::parse(text.begin(), text.end(), cb);
    if (!d->error.empty()) return invalid_argument(std::string(what) + ": " + d->error);
    return root;
  } catch (const nlohmann::json::exception& e) {
    return invalid_argument(std::string(what) + ": invalid JSON (" + e.what() + ")");
  }
}

}  // namespace

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Result<Tokenizer> Tokenizer::load(const std::filesystem::path& tokenizer_json) {
  AGENT_ASSIGN_OR_RETURN(std::string text, read_file(tokenizer_json));
  return from_json_text(text, tokenizer_json.string());
}

Result<Tokenizer> Tokenizer::from_json_text(std::string_view json_text, std::string_view what) {
  DivertedModel model;
  AGENT_ASSIGN_OR_RETURN(Json root, parse_diverting(json_text, what, &model));
  AGENT_RETURN_IF_ERROR(check_shape(root, what));
  const Json& m = root["model"];
  if (!m.contains("vocab") || !m["vocab"].is_object() || !m.contains("merges") ||
      !m["merges"].is_array()) {
    return invalid_argument(std::string(what) +
                            ": model.vocab must be an object and model.merges a list");
  }
  const Json& pairs = m["merges"];  // merges written as [a, b]
  if (!pairs.empty() && !model.merges.empty()) {
    return invalid_argument(std::string(what) + ": merges mix \"a b\" strings and [a, b] pairs");
  }
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (!pairs[i].is_array() || pairs[i].size() != 2 || !pairs[i][0].is_string() ||
        !pairs[i][1].is_string()) {
      return invalid_argument(std::string(what) + ": merge " + std::to_string(i) +
                              " must be a string or a pair of strings");
    }
    model.merges.emplace_back(pairs[i][0].get<std::string>(), pairs[i][1].get<std::string>());
  }
  auto impl = std::make_unique<Impl>();
  AGENT_ASSIGN_OR_RETURN(impl->bpe, BpeModel::build(model.vocab, model.merges, what));
  impl->vocab.reserve(model.vocab.size());
  std::string raw;
  for (auto& [token, id] : model.vocab) {
    raw.clear();
    if (!byte_level_to_bytes(token, &raw)) raw = token;  // as Hugging Face's ByteLevel decoder
    impl->set_token_bytes(id, raw, Impl::kKnown);
    impl->vocab.emplace(std::move(token), id);
  }
  Tokenizer tok(std::move(impl));
  std::vector<AddedTokenSpec> added;
  if (auto it = root.find("added_tokens"); it != root.end() && !it->is_null()) {
    if (!it->is_array()) return invalid_argument(std::string(what) + ": added_tokens must be a list");
    for (size_t i = 0; i < it->size(); ++i) {
      AGENT_ASSIGN_OR_RETURN(AddedTokenSpec spec,
                             read_added_token((*it)[i], std::string(what) + ": added_tokens[" +
                                                            std::to_string(i) + "]"));
      added.push_back(std::move(spec));
    }
  }
  // The file's own added tokens may take over a vocabulary id (Hugging Face trusts the file).
  AGENT_RETURN_IF_ERROR(tok.add_tokens_impl(added, what, /*may_replace_vocab=*/true));
  return tok;
}

Result<std::vector<AddedTokenSpec>> Tokenizer::parse_overlay(std::string_view json_text,
                                                             std::string_view what) {
  AGENT_ASSIGN_OR_RETURN(Json root, parse_json(json_text, what));
  if (!root.is_object() || !root.contains("added_tokens") || !root["added_tokens"].is_array()) {
    return invalid_argument(std::string(what) +
                            ": an overlay must be an object with an \"added_tokens\" list");
  }
  std::vector<AddedTokenSpec> specs;
  const Json& list = root["added_tokens"];
  for (size_t i = 0; i < list.size(); ++i) {
    AGENT_ASSIGN_OR_RETURN(AddedTokenSpec spec,
                           read_added_token(list[i], std::string(what) + ": added_tokens[" +
                                                         std::to_string(i) + "]"));
    specs.push_back(std::move(spec));
  }
  return specs;
}

Status Tokenizer::apply_overlay_file(const std::filesystem::path& overlay_json) {
  AGENT_ASSIGN_OR_RETURN(std::string text, read_file(overlay_json));
  AGENT_ASSIGN_OR_RETURN(auto specs, parse_overlay(text, overlay_json.string()));
  return add_tokens(specs, overlay_json.string());
}

Status Tokenizer::add_tokens(const std::vector<AddedTokenSpec>& tokens, std::string_view what) {
  return add_tokens_impl(tokens, what, /*may_replace_vocab=*/false);
}

Status Tokenizer::add_tokens_impl(const std::vector<AddedTokenSpec>& tokens, std::string_view what,
                                  bool may_replace_vocab) {
  for (const AddedTokenSpec& spec : tokens) {
    std::string where = std::string(what) + ": added token \"" + spec.content + "\"";
    if (spec.content.empty()) return invalid_argument(std::string(what) + ": empty added token");
    if (const AddedToken* old = impl_->added.find(spec.content)) {
      if (spec.id && *spec.id != old->id) {
        return invalid_argument(where + " already has id " + std::to_string(old->id) +
                                ", not " + std::to_string(*spec.id));
      }
      continue;
    }
    auto in_vocab = impl_->vocab.find(spec.content);
    TokenId id;
    if (spec.id) {
      id = *spec.id;
      bool same_vocab_token = in_vocab != impl_->vocab.end() && in_vocab->second == id;
      if (has_token(id) && (is_added_token(id) || !(same_vocab_token || may_replace_vocab))) {
        return invalid_argument(where + ": id " + std::to_string(id) +
                                " already belongs to another token");
      }
    } else {
      id = in_vocab != impl_->vocab.end() ? in_vocab->second : id_limit();
    }
    if (id > kMaxId) return invalid_argument(where + ": id over " + std::to_string(kMaxId));
    impl_->set_token_bytes(id, spec.content, Impl::kKnown | Impl::kAdded);
    impl_->added.add(AddedToken{spec.content, id, spec.special, spec.normalized});
  }
  return ok_status();
}

std::vector<TokenId> Tokenizer::encode(std::string_view text) const {
  std::vector<TokenId> ids;
  Encoder enc(*this);
  enc.encode(text, &ids);
  return ids;
}

Result<std::string> Tokenizer::decode(std::span<const TokenId> ids) const {
  std::string out;
  for (TokenId id : ids) {
    if (!has_token(id)) {
      return invalid_argument("decode: no token has id " + std::to_string(id));
    }
    out.append(token_bytes(id));
  }
  return out;
}

std::optional<TokenId> Tokenizer::added_token_id(std::string_view content) const {
  const AddedToken* t = impl_->added.find(content);
  if (t == nullptr) return std::nullopt;
  return t->id;
}

const std::vector<AddedToken>& Tokenizer::added_tokens() const { return impl_->added.tokens(); }

std::string_view Tokenizer::token_bytes(TokenId id) const {
  if (!has_token(id)) return {};
  auto [off, len] = impl_->spans[id];
  return std::string_view(impl_->bytes).substr(off, len);
}

bool Tokenizer::has_token(TokenId id) const {
  return id >= 0 && static_cast<size_t>(id) < impl_->flags.size() &&
         (impl_->flags[id] & Impl::kKnown);
}

bool Tokenizer::is_added_token(TokenId id) const {
  return has_token(id) && (impl_->flags[id] & Impl::kAdded);
}

TokenId Tokenizer::id_limit() const { return static_cast<TokenId>(impl_->flags.size()); }

size_t Tokenizer::max_added_token_bytes() const { return impl_->added.max_bytes(); }

bool Tokenizer::is_added_token_proper_prefix(std::string_view s) const {
  return impl_->added.is_proper_prefix(s);
}

}  // namespace agent::engine
