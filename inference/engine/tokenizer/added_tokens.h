// Added tokens (tokenizer.json "added_tokens", plus any overlay): whole strings that become one
// id each and are never split or merged.
//
// Matching follows Hugging Face's AddedVocabulary: first the tokens with normalized=false are
// found in the raw text, then those with normalized=true in the pieces between (the DeepSeek
// normalizer is empty, so both see the same bytes). Within a pass the leftmost match wins, and
// the longest token among those starting there.
// Thread-safety: immutable while shared; add() only before sharing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "inference/engine/tokenizer/bpe.h"

namespace agent::engine {

struct AddedToken {
  std::string content;
  TokenId id = 0;
  bool special = true;
  bool normalized = false;
};

// A byte trie over token strings.
class TokenTrie {
 public:
  TokenTrie();
  void insert(std::string_view s, TokenId id);
  // The longest token that `text` starts with: its length, or 0 when none; sets *id.
  size_t longest_at(std::string_view text, TokenId* id) const;
  // True when `s` is a proper prefix of some token (a continuation could complete it).
  bool is_proper_prefix(std::string_view s) const;
  bool may_start(unsigned char b) const { return (first_bytes_[b >> 6] >> (b & 63)) & 1; }
  bool empty() const { return nodes_.size() == 1; }

 private:
  int32_t child(int32_t node, unsigned char b) const;
  struct Node {
    TokenId token = -1;
    uint32_t children = 0;
  };
  std::vector<Node> nodes_;
  std::unordered_map<uint64_t, int32_t> edges_;  // (node << 8) | byte -> child node
  uint64_t first_bytes_[4] = {0, 0, 0, 0};
};

class AddedVocabulary {
 public:
  void add(AddedToken token);  // the caller checked the id and the content
  const AddedToken* find(std::string_view content) const;
  const std::vector<AddedToken>& tokens() const { return tokens_; }
  size_t max_bytes() const { return max_bytes_; }
  bool is_proper_prefix(std::string_view s) const;

  struct Span {
    size_t begin;
    size_t end;
    TokenId id;
  };
  // Appends the added-token matches of text[begin, end) to `out`, in order.
  void find_all(std::string_view text, std::vector<Span>* out) const;

 private:
  static void find_in(const TokenTrie& trie, std::string_view text, size_t begin, size_t end,
                      std::vector<Span>* out);
  std::vector<AddedToken> tokens_;
  std::unordered_map<std::string, size_t> by_content_;
  TokenTrie raw_;         // normalized == false
  TokenTrie normalized_;  // normalized == true
  size_t max_bytes_ = 0;
};

}  // namespace agent::engine
