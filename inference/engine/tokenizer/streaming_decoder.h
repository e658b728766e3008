// Turns generated token ids into text as they come, never emitting half a UTF-8 character:
// a token may end inside a character (byte-level BPE splits them freely), so its last bytes
// wait for the next token.
//
// Output is always valid UTF-8: a byte that cannot start or continue a valid sequence becomes
// U+FFFD, and so does an unfinished character left at finish().
// Thread-safety: one decoder per stream.
#pragma once

#include <string>

#include "common/status.h"
#include "inference/engine/tokenizer/tokenizer.h"

namespace agent::engine {

class StreamingDecoder {
 public:
  explicit StreamingDecoder(const Tokenizer& tokenizer) : tok_(&tokenizer) {}

  // The text this token completes (empty while a character is unfinished). InvalidArgument
  // names an id that no token has; the stream is unchanged then.
  Result<std::string> feed(TokenId id);
  // Feeds raw bytes (what feed() does with a token's bytes).
  std::string feed_bytes(std::string_view bytes);
  // Ends the stream: an unfinished character becomes U+FFFD.
  std::string finish();
  // Bytes held back, waiting for the rest of their character (at most 3).
  size_t pending_bytes() const { return pending_.size(); }

 private:
  const Tokenizer* tok_;
  std::string pending_;
};

}  // namespace agent::engine
