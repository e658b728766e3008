// Internal: the state of a loaded Tokenizer, shared by tokenizer.cpp and encoder.cpp.
#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "inference/engine/tokenizer/tokenizer.h"

namespace agent::engine {

struct Tokenizer::Impl {
  BpeModel bpe;
  std::unordered_map<std::string, TokenId> vocab;  // byte-level token string -> id
  AddedVocabulary added;
  // Per id: where its bytes lie in `bytes` (offset, length) and flags.
  std::string bytes;
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  std::vector<uint8_t> flags;
  static constexpr uint8_t kKnown = 1;
  static constexpr uint8_t kAdded = 2;

  void set_token_bytes(TokenId id, std::string_view b, uint8_t flag) {
    if (static_cast<size_t>(id) >= spans.size()) {
      spans.resize(static_cast<size_t>(id) + 1, {0, 0});
      flags.resize(static_cast<size_t>(id) + 1, 0);
    }
    spans[id] = {static_cast<uint32_t>(bytes.size()), static_cast<uint32_t>(b.size())};
    bytes.append(b);
    flags[id] |= flag;
  }
};

}  // namespace agent::engine
