// The DeepSeek V3/V4 tokenizer: a Hugging Face tokenizer.json (byte-level BPE, the DeepSeek-V3
// pre-tokenizer, added tokens), plus an overlay that adds tokens by their strings.
//
// Owns: vocabulary, merges, added tokens, and the id <-> bytes maps. It accepts only the
// tokenizer.json shape DeepSeek ships (model BPE without byte fallback, the three DeepSeek-V3
// Split rules + ByteLevel, an empty normalizer) and rejects anything else by name rather than
// tokenize it differently from Hugging Face.
// Knows nothing of chat formats: special tokens are whatever the file (and overlay) define.
// Thread-safety: a loaded Tokenizer is immutable and may be shared; add_tokens() only before
// sharing. Encoder holds per-thread caches: one per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "inference/engine/tokenizer/added_tokens.h"
#include "inference/engine/tokenizer/bpe.h"

namespace agent::engine {

// One token of an overlay. Without `id` the token takes the id Hugging Face's add_tokens gives:
// the vocabulary's own id when the string is a vocabulary token, else one past the largest id
// in use. A string that is already an added token keeps its id (a different explicit id is an
// error).
struct AddedTokenSpec {
  std::string content;
  std::optional<TokenId> id;
  bool special = true;
  bool normalized = false;
};

class Tokenizer {
 public:
  static Result<Tokenizer> load(const std::filesystem::path& tokenizer_json);
  // `what` names the source in error messages.
  static Result<Tokenizer> from_json_text(std::string_view json_text, std::string_view what);

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  // The overlay: {"added_tokens": [{"content": "<think>", "id"?: N, "special"?: bool,
  // "normalized"?: bool}, ...]} (see docs/engine-tokenizer.md).
  static Result<std::vector<AddedTokenSpec>> parse_overlay(std::string_view json_text,
                                                           std::string_view what);
  Status add_tokens(const std::vector<AddedTokenSpec>& tokens, std::string_view what);
  Status apply_overlay_file(const std::filesystem::path& overlay_json);

  // Hugging Face's encode(text, add_special_tokens=False): added tokens in the text are matched.
  std::vector<TokenId> encode(std::string_view text) const;
  // The bytes of `ids`, concatenated; InvalidArgument names an id that no token has.
  Result<std::string> decode(std::span<const TokenId> ids) const;

  std::optional<TokenId> added_token_id(std::string_view content) const;
  const std::vector<AddedToken>& added_tokens() const;
  // The raw bytes a token stands for (empty for an id no token has).
  std::string_view token_bytes(TokenId id) const;
  bool has_token(TokenId id) const;
  bool is_added_token(TokenId id) const;
  // One past the largest id in use.
  TokenId id_limit() const;

  // For incremental encoding (TokenizedText): the longest added token, and whether `s` could
  // still grow into an added token.
  size_t max_added_token_bytes() const;
  bool is_added_token_proper_prefix(std::string_view s) const;

 private:
  friend class Encoder;
  struct Impl;
  Status add_tokens_impl(const std::vector<AddedTokenSpec>& tokens, std::string_view what,
                         bool may_replace_vocab);
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Encodes with a cache of pre-token -> ids and reusable buffers. Not thread-safe; cheap to make.
class Encoder {
 public:
  explicit Encoder(const Tokenizer& tokenizer);
  ~Encoder();
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  // Where an added token was matched: text[begin, end) became ids[id_index].
  struct AddedMatch {
    size_t begin;
    size_t end;
    size_t id_index;
  };
  // Appends the ids of `text` to `out` (added tokens matched); appends matches to `added`.
  void encode(std::string_view text, std::vector<TokenId>* out,
              std::vector<AddedMatch>* added = nullptr);
  // Appends the ids of `text` with no added-token matching (a literal "<think>" is BPE'd).
  void encode_plain(std::string_view text, std::vector<TokenId>* out);

 private:
  class PieceCache;
  void encode_piece(std::string_view piece, std::vector<TokenId>* out);

  const Tokenizer::Impl* tok_;
  std::unique_ptr<PieceCache> cache_;
  BpeScratch scratch_;
  std::vector<size_t> piece_ends_;
  std::vector<AddedVocabulary::Span> spans_;
};

}  // namespace agent::engine
