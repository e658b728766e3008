// Encoder: added-token matching, pre-tokenization and cached BPE (tokenizer.h).
#include <functional>

#include "inference/engine/tokenizer/pre_tokenizer.h"
#include "inference/engine/tokenizer/tokenizer_impl.h"

namespace agent::engine {

// Pre-token bytes -> ids. Most pieces of real text repeat (words, indentation, punctuation),
// so this turns most BPE runs into one hash probe. Open addressing over two arenas; cleared
// whole when it grows past its budget, which keeps memory bounded on adversarial input.
class Encoder::PieceCache {
 public:
  static constexpr size_t kMaxPieceBytes = 128;

  PieceCache() { slots_.assign(kInitialSlots, Slot{}); }

  bool find(std::string_view key, uint64_t hash, std::vector<TokenId>* out) const {
    for (size_t i = hash & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot& s = slots_[i];
      if (s.key_len == 0) return false;
      if (s.hash == hash && s.key_len == key.size() &&
          std::string_view(keys_).substr(s.key_off, s.key_len) == key) {
        out->insert(out->end(), vals_.begin() + s.val_off, vals_.begin() + s.val_off + s.val_len);
        return true;
      }
    }
  }

  void insert(std::string_view key, uint64_t hash, const TokenId* ids, size_t n) {
    if (keys_.size() + key.size() > kMaxArenaBytes || (count_ + 1) * 2 > kMaxSlots) clear();
    if ((count_ + 1) * 2 > slots_.size()) grow();
    Slot s{hash, static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(key.size()),
           static_cast<uint32_t>(vals_.size()), static_cast<uint32_t>(n)};
    keys_.append(key);
    vals_.insert(vals_.end(), ids, ids + n);
    place(s);
    ++count_;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t key_off = 0;
    uint32_t key_len = 0;  // 0 = free (pieces are never empty)
    uint32_t val_off = 0;
    uint32_t val_len = 0;
  };
  static constexpr size_t kInitialSlots = 1 << 12;
  static constexpr size_t kMaxSlots = 1 << 21;
  static constexpr size_t kMaxArenaBytes = 32u << 20;

  void place(const Slot& s) {
    size_t i = s.hash & (slots_.size() - 1);
    while (slots_[i].key_len != 0) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = s;
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.key_len != 0) place(s);
    }
  }
  void clear() {
    slots_.assign(kInitialSlots, Slot{});
    keys_.clear();
    vals_.clear();
    count_ = 0;
  }

  std::vector<Slot> slots_;
  std::string keys_;
  std::vector<TokenId> vals_;
  size_t count_ = 0;
};

Encoder::Encoder(const Tokenizer& tokenizer)
    : tok_(tokenizer.impl_.get()), cache_(std::make_unique<PieceCache>()) {}
Encoder::~Encoder() = default;

void Encoder::encode_piece(std::string_view piece, std::vector<TokenId>* out) {
  if (piece.size() == 1) {
    out->push_back(tok_->bpe.byte_token(static_cast<uint8_t>(piece[0])));
    return;
  }
  if (piece.size() > PieceCache::kMaxPieceBytes) {
    tok_->bpe.encode_piece(piece, out, &scratch_);
    return;
  }
  uint64_t hash = std::hash<std::string_view>{}(piece);
  if (cache_->find(piece, hash, out)) return;
  size_t first = out->size();
  tok_->bpe.encode_piece(piece, out, &scratch_);
  cache_->insert(piece, hash, out->data() + first, out->size() - first);
}

void Encoder::encode_plain(std::string_view text, std::vector<TokenId>* out) {
  if (text.empty()) return;
  piece_ends_.clear();
  pre_tokenize_deepseek_v3(text, &piece_ends_);
  size_t start = 0;
  for (size_t end : piece_ends_) {
    encode_piece(text.substr(start, end - start), out);
    start = end;
  }
}

void Encoder::encode(std::string_view text, std::vector<TokenId>* out,
                     std::vector<AddedMatch>* added) {
  spans_.clear();
  tok_->added.find_all(text, &spans_);
  size_t pos = 0;
  for (const AddedVocabulary::Span& s : spans_) {
    encode_plain(text.substr(pos, s.begin - pos), out);
    if (added != nullptr) added->push_back({s.begin, s.end, out->size()});
    out->push_back(s.id);
    pos = s.end;
  }
  encode_plain(text.substr(pos), out);
}

}  // namespace agent::engine
