// A growing text and its token ids, kept in step without re-encoding the history.
//
// Tokenization restarts after an added token: Hugging Face splits the text at added tokens
// first and encodes each piece between them on its own. So when text is appended (or the text
// is replaced by one sharing a prefix), only the part after the last such restart point is
// encoded again. A restart point is used only when no added token could span it: no suffix of
// the kept text that begins at or before the token is a proper prefix of an added token.
// Chat prompts put an added token at every turn boundary, so appending a turn re-encodes only
// that turn. sync() tells how many leading ids stayed the same (a KV cache can keep those).
// Thread-safety: one object per conversation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "inference/engine/tokenizer/tokenizer.h"

namespace agent::engine {

class TokenizedText {
 public:
  explicit TokenizedText(const Tokenizer& tokenizer) : tok_(&tokenizer), enc_(tokenizer) {}

  // Appends text; returns how many ids were kept.
  size_t append(std::string_view more);
  // Makes the text equal `text`; returns how many leading ids were kept.
  size_t sync(std::string_view text);

  const std::string& text() const { return text_; }
  const std::vector<TokenId>& ids() const { return ids_; }
  // Bytes encoded again by the last append() or sync() (for tests and stats).
  size_t last_encoded_bytes() const { return last_encoded_bytes_; }

 private:
  struct Restart {
    size_t token_begin;  // the added token lies at text[token_begin, end)
    size_t end;
    size_t ids;          // ids up to and including that token
  };
  bool safe_restart(const Restart& r, size_t kept_bytes) const;
  size_t reencode_from(size_t kept_bytes);

  const Tokenizer* tok_;
  Encoder enc_;
  std::string text_;
  std::vector<TokenId> ids_;
  std::vector<Restart> restarts_;
  std::vector<Encoder::AddedMatch> matches_;
  size_t last_encoded_bytes_ = 0;
};

}  // namespace agent::engine
