#include "inference/engine/tokenizer/bpe.h"

#include <algorithm>
#include <unordered_map>

namespace agent::engine {

namespace {

// The inverse of byte_to_char for U+0000..U+0143 (-1 where no byte maps there).
struct CharToByte {
  std::array<int16_t, 0x144> table;
  CharToByte() {
    table.fill(-1);
    for (int b = 0; b < 256; ++b) table[byte_to_char(static_cast<uint8_t>(b))] = static_cast<int16_t>(b);
  }
};
const CharToByte& char_to_byte() {
  static const CharToByte t;
  return t;
}

void append_utf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

uint64_t mix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  return k;
}

}  // namespace

uint32_t byte_to_char(uint8_t b) {
  if ((b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE) return b;
  // The 68 others, in byte order, from U+0100.
  uint32_t n = 0;
  for (uint32_t x = 0; x < b; ++x) {
    bool direct = (x >= 0x21 && x <= 0x7E) || (x >= 0xA1 && x <= 0xAC) || x >= 0xAE;
    if (!direct) ++n;
  }
  return 0x100 + n;
}

bool byte_level_to_bytes(std::string_view token, std::string* bytes) {
  const auto& t = char_to_byte().table;
  for (size_t i = 0; i < token.size();) {
    auto c = static_cast<unsigned char>(token[i]);
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < token.size()) {
      cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(token[i + 1]) & 0x3Fu);
      len = 2;
    } else {
      return false;  // 3- and 4-byte characters are never in the map
    }
    if (cp >= t.size() || t[cp] < 0) return false;
    bytes->push_back(static_cast<char>(t[cp]));
    i += len;
  }
  return true;
}

std::string bytes_to_byte_level(std::string_view bytes) {
  std::string out;
  for (char c : bytes) append_utf8(byte_to_char(static_cast<uint8_t>(c)), &out);
  return out;
}

Result<BpeModel> BpeModel::build(const std::vector<std::pair<std::string, TokenId>>& vocab,
                                 const std::vector<std::pair<std::string, std::string>>& merges,
                                 std::string_view what) {
  std::unordered_map<std::string_view, TokenId> ids;
  ids.reserve(vocab.size() * 2);
  for (const auto& [token, id] : vocab) ids.emplace(token, id);
  BpeModel m;
  for (int b = 0; b < 256; ++b) {
    std::string ch;
    append_utf8(byte_to_char(static_cast<uint8_t>(b)), &ch);
    auto it = ids.find(ch);
    if (it == ids.end()) {
      return invalid_argument(std::string(what) + ": the vocabulary lacks the byte-level token \"" +
                              ch + "\" (byte " + std::to_string(b) + ")");
    }
    m.byte_ids_[b] = it->second;
  }
  size_t cap = 16;
  while (cap < merges.size() * 2) cap <<= 1;
  m.merge_slots_.assign(cap, MergeSlot{kEmptyKey, 0, 0});
  m.merge_mask_ = cap - 1;
  std::string joined;
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [left, right] = merges[rank];
    auto l = ids.find(left);
    auto r = ids.find(right);
    joined.assign(left).append(right);
    auto merged = ids.find(joined);
    if (l == ids.end() || r == ids.end() || merged == ids.end()) {
      return invalid_argument(std::string(what) + ": merge " + std::to_string(rank) + " (\"" + left +
                              "\" \"" + right + "\") names a token that is not in the vocabulary");
    }
    // A later duplicate of a pair replaces the earlier one, as in Hugging Face's loader.
    m.insert_merge(l->second, r->second, static_cast<uint32_t>(rank), merged->second);
  }
  return m;
}

void BpeModel::insert_merge(TokenId left, TokenId right, uint32_t rank, TokenId merged) {
  uint64_t key = (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
                 static_cast<uint32_t>(right);
  for (uint64_t i = mix(key) & merge_mask_;; i = (i + 1) & merge_mask_) {
    MergeSlot& s = merge_slots_[i];
    if (s.key == kEmptyKey || s.key == key) {
      s = MergeSlot{key, rank, merged};
      return;
    }
  }
}

const BpeModel::MergeSlot* BpeModel::find_merge(TokenId left, TokenId right) const {
  uint64_t key = (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
                 static_cast<uint32_t>(right);
  for (uint64_t i = mix(key) & merge_mask_;; i = (i + 1) & merge_mask_) {
    const MergeSlot& s = merge_slots_[i];
    if (s.key == key) return &s;
    if (s.key == kEmptyKey) return nullptr;
  }
}

namespace {
// Min-heap order: lowest rank first, then leftmost position.
bool heap_after(const BpeScratch::Candidate& a, const BpeScratch::Candidate& b) {
  return a.rank != b.rank ? a.rank > b.rank : a.pos > b.pos;
}
}  // namespace

void BpeModel::push_candidate(BpeScratch* s, int32_t pos) const {
  int32_t next = s->symbols[pos].next;
  if (next < 0) return;
  const MergeSlot* m = find_merge(s->symbols[pos].id, s->symbols[next].id);
  if (m == nullptr) return;
  s->heap.push_back({m->rank, pos, m->merged});
  std::push_heap(s->heap.begin(), s->heap.end(), heap_after);
}

void BpeModel::encode_piece(std::string_view piece, std::vector<TokenId>* out,
                            BpeScratch* s) const {
  const size_t n = piece.size();
  if (n == 1) {
    out->push_back(byte_ids_[static_cast<uint8_t>(piece[0])]);
    return;
  }
  s->symbols.resize(n);
  for (size_t i = 0; i < n; ++i) {
    s->symbols[i] = {byte_ids_[static_cast<uint8_t>(piece[i])], static_cast<int32_t>(i) - 1,
                     i + 1 < n ? static_cast<int32_t>(i + 1) : -1, true};
  }
  s->heap.clear();
  for (size_t i = 0; i + 1 < n; ++i) push_candidate(s, static_cast<int32_t>(i));
  while (!s->heap.empty()) {
    std::pop_heap(s->heap.begin(), s->heap.end(), heap_after);
    BpeScratch::Candidate c = s->heap.back();
    s->heap.pop_back();
    BpeScratch::Symbol& left = s->symbols[c.pos];
    if (!left.alive || left.next < 0) continue;
    BpeScratch::Symbol& right = s->symbols[left.next];
    // Stale when either side changed since the candidate was pushed.
    const MergeSlot* m = find_merge(left.id, right.id);
    if (m == nullptr || m->rank != c.rank || m->merged != c.merged) continue;
    left.id = c.merged;
    right.alive = false;
    left.next = right.next;
    if (right.next >= 0) s->symbols[right.next].prev = c.pos;
    if (left.prev >= 0) push_candidate(s, left.prev);
    push_candidate(s, c.pos);
  }
  for (int32_t i = 0; i >= 0; i = s->symbols[i].next) out->push_back(s->symbols[i].id);
}

}  // namespace agent::engine
