// Byte-level BPE: the GPT-2 byte<->character mapping, the merge table, and the encoding of
// one pre-token piece into token ids.
//
// Owns: merge ranks and the ids of the 256 single-byte tokens. Knows nothing of added tokens
// or pre-tokenization. Encoding follows Hugging Face's BPE: repeatedly merge the adjacent pair
// with the lowest rank, the leftmost one first among equals.
// Thread-safety: BpeModel is immutable after build(); BpeScratch belongs to one thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace agent::engine {

using TokenId = int32_t;

// GPT-2's reversible map from bytes to printable characters (tokenizer.json stores tokens in
// this form): bytes 0x21-0x7E, 0xA1-0xAC and 0xAE-0xFF map to themselves, the other 68 to
// U+0100.. in byte order.
uint32_t byte_to_char(uint8_t b);
// The raw bytes of a token string in the byte-level form; false when a character is not in the
// map (such tokens decode to their own UTF-8 bytes, as Hugging Face's ByteLevel decoder does).
bool byte_level_to_bytes(std::string_view token, std::string* bytes);
// The byte-level form of raw bytes (for tests and tools).
std::string bytes_to_byte_level(std::string_view bytes);

// Reusable buffers of the merge loop, so that encoding a piece allocates nothing.
struct BpeScratch {
  struct Symbol {
    TokenId id;
    int32_t prev;
    int32_t next;
    bool alive;
  };
  struct Candidate {
    uint32_t rank;
    int32_t pos;
    TokenId merged;
  };
  std::vector<Symbol> symbols;
  std::vector<Candidate> heap;
};

class BpeModel {
 public:
  // `vocab`: byte-level token string -> id; `merges`: pairs of byte-level strings, rank = index.
  // Every single byte and every merge's parts and result must be in `vocab`.
  static Result<BpeModel> build(const std::vector<std::pair<std::string, TokenId>>& vocab,
                                const std::vector<std::pair<std::string, std::string>>& merges,
                                std::string_view what);

  TokenId byte_token(uint8_t b) const { return byte_ids_[b]; }

  // Appends the ids of one piece (raw bytes, not empty).
  void encode_piece(std::string_view piece, std::vector<TokenId>* out, BpeScratch* scratch) const;

 private:
  struct MergeSlot {
    uint64_t key;  // (left id << 32) | right id; kEmptyKey when free
    uint32_t rank;
    TokenId merged;
  };
  static constexpr uint64_t kEmptyKey = ~0ull;

  const MergeSlot* find_merge(TokenId left, TokenId right) const;
  void insert_merge(TokenId left, TokenId right, uint32_t rank, TokenId merged);
  void push_candidate(BpeScratch* s, int32_t pos) const;

  std::array<TokenId, 256> byte_ids_{};
  std::vector<MergeSlot> merge_slots_;  // open addressing, power-of-two size
  uint64_t merge_mask_ = 0;
};

}  // namespace agent::engine
