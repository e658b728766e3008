// The DeepSeek-V3 pre-tokenizer: splits a text segment (no added tokens inside) into the
// pieces that BPE then encodes one by one.
//
// tokenizer.json gives it as a Sequence of three "Isolated" Split rules and a ByteLevel step
// without its own regex:
//   1. \p{N}{1,3}
//   2. [一-龥぀-ゟ゠-ヿ]+
//   3. [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+|
//      ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// Each rule splits every piece of the previous one: matches become pieces, and so do the gaps
// between them. Rule 3 needs look-ahead (RE2 has none), so all three are written by hand as
// the leftmost-first backtracking matcher (Oniguruma, as Hugging Face runs them) would match.
// A piece's end is its text's end for the look-ahead, as in the original.
//
// Knows nothing of vocabularies. Thread-safety: stateless, reentrant.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace agent::engine {

// Appends to `ends` the end offset (relative to `text`) of each piece of `text`, in order;
// the first piece starts at 0. Bytes that are not valid UTF-8 count as characters of no class.
void pre_tokenize_deepseek_v3(std::string_view text, std::vector<size_t>* ends);

}  // namespace agent::engine
