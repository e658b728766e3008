#include "inference/engine/tokenizer/added_tokens.h"

#include <algorithm>

namespace agent::engine {

TokenTrie::TokenTrie() : nodes_(1) {}

int32_t TokenTrie::child(int32_t node, unsigned char b) const {
  auto it = edges_.find((static_cast<uint64_t>(node) << 8) | b);
  return it == edges_.end() ? -1 : it->second;
}

void TokenTrie::insert(std::string_view s, TokenId id) {
  if (s.empty()) return;
  auto b0 = static_cast<unsigned char>(s[0]);
  first_bytes_[b0 >> 6] |= 1ull << (b0 & 63);
  int32_t node = 0;
  for (char ch : s) {
    auto b = static_cast<unsigned char>(ch);
    int32_t next = child(node, b);
    if (next < 0) {
      next = static_cast<int32_t>(nodes_.size());
      nodes_.emplace_back();
      edges_.emplace((static_cast<uint64_t>(node) << 8) | b, next);
      ++nodes_[node].children;
    }
    node = next;
  }
  nodes_[node].token = id;
}

size_t TokenTrie::longest_at(std::string_view text, TokenId* id) const {
  size_t best = 0;
  int32_t node = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (nodes_[node].children == 0) break;
    node = child(node, static_cast<unsigned char>(text[i]));
    if (node < 0) break;
    if (nodes_[node].token >= 0) {
      best = i + 1;
      *id = nodes_[node].token;
    }
  }
  return best;
}

bool TokenTrie::is_proper_prefix(std::string_view s) const {
  int32_t node = 0;
  for (char ch : s) {
    node = child(node, static_cast<unsigned char>(ch));
    if (node < 0) return false;
  }
  return nodes_[node].children > 0;
}

void AddedVocabulary::add(AddedToken token) {
  max_bytes_ = std::max(max_bytes_, token.content.size());
  (token.normalized ? normalized_ : raw_).insert(token.content, token.id);
  by_content_[token.content] = tokens_.size();
  tokens_.push_back(std::move(token));
}

const AddedToken* AddedVocabulary::find(std::string_view content) const {
  auto it = by_content_.find(std::string(content));
  return it == by_content_.end() ? nullptr : &tokens_[it->second];
}

bool AddedVocabulary::is_proper_prefix(std::string_view s) const {
  return raw_.is_proper_prefix(s) || normalized_.is_proper_prefix(s);
}

void AddedVocabulary::find_in(const TokenTrie& trie, std::string_view text, size_t begin,
                              size_t end, std::vector<Span>* out) {
  if (trie.empty()) return;
  std::string_view window = text.substr(0, end);
  for (size_t pos = begin; pos < end;) {
    if (!trie.may_start(static_cast<unsigned char>(text[pos]))) {
      ++pos;
      continue;
    }
    TokenId id = -1;
    size_t len = trie.longest_at(window.substr(pos), &id);
    if (len == 0) {
      ++pos;
      continue;
    }
    out->push_back({pos, pos + len, id});
    pos += len;
  }
}

void AddedVocabulary::find_all(std::string_view text, std::vector<Span>* out) const {
  if (normalized_.empty()) {
    find_in(raw_, text, 0, text.size(), out);
    return;
  }
  std::vector<Span> first;
  find_in(raw_, text, 0, text.size(), &first);
  size_t gap = 0;
  for (const Span& s : first) {
    find_in(normalized_, text, gap, s.begin, out);
    out->push_back(s);
    gap = s.end;
  }
  find_in(normalized_, text, gap, text.size(), out);
}

}  // namespace agent::engine
