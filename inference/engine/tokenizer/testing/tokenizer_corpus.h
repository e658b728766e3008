// A varied text corpus for checking the tokenizer against a reference implementation and for
// benchmarking it: source code in many languages, prose in many scripts, CJK, emoji, numbers,
// long whitespace runs, added-token strings inside text, and seeded random mixes of all these.
//
// For tests and bench/ only. Deterministic for a given seed. Every text is valid UTF-8 and avoids
// U+0085 and U+FEFF, the two characters whose whitespace class differs between JavaScript's \s
// (the npm reference) and Oniguruma's (Hugging Face), and characters assigned after Unicode 14.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace agent::engine::testing {

// The fixed samples (code, prose, numbers, whitespace, token strings, long runs).
std::vector<std::string> fixed_corpus();

// `count` random texts of up to `max_chars` characters drawn from mixed character pools and
// fragments of the fixed samples.
std::vector<std::string> random_corpus(uint64_t seed, size_t count, size_t max_chars);

// One long conversation-like text: samples joined by chat markers, repeated until it reaches
// at least `min_bytes` bytes.
std::string long_conversation(size_t min_bytes);

}  // namespace agent::engine::testing

namespace agent::engine::testing {

// `s` with control characters and non-ASCII escaped, cut to `max_bytes`, for test messages.
std::string escape_for_log(const std::string& s, size_t max_bytes = 400);

}  // namespace agent::engine::testing
