// Finding lines in a file when the model quotes them imperfectly.
//
// seek_sequence: where a run of lines (a patch hunk's context) occurs, tried in tiers from
// strict to lenient — exact; ignoring trailing whitespace; ignoring leading and trailing
// whitespace; and with Unicode dashes, quotes and odd spaces read as their ASCII twins
// (models often write "—" or "’" for what the file spells "-" or "'"). The first tier that
// finds the lines wins, so a lenient match never beats an exact one.
//
// closest_window: for error messages, the run of lines most similar to what the model
// expected (character-bigram similarity, whitespace-insensitive), so it can correct itself.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

enum class MatchTier { kExact, kTrailingWhitespace, kSurroundingWhitespace, kPunctuation };

// "exact", "ignoring trailing whitespace", ...
std::string_view match_tier_description(MatchTier tier);

// `s` with Unicode dashes, quotes and spaces replaced by ASCII '-', '\'', '"' and ' '.
std::string normalise_punctuation(std::string_view s);

struct SeekOptions {
  size_t start = 0;              // first line index a match may begin at
  bool eof = false;              // the lines end the file: try the very end first
  std::optional<size_t> hint;    // preferred index: among matches, the nearest wins
};

struct SeekMatch {
  size_t index = 0;
  MatchTier tier = MatchTier::kExact;
};

// Where `pattern` occurs in `lines` (at or after options.start). An empty pattern matches at
// options.start.
std::optional<SeekMatch> seek_sequence(const std::vector<std::string>& lines,
                                       const std::vector<std::string>& pattern,
                                       const SeekOptions& options);

struct LineWindow {
  size_t first = 0;         // 0-based index of the window's first line
  size_t count = 0;
  double similarity = 0.0;  // 0..1; 1 means equal up to whitespace
};

// The window of `needle.size()` lines of `hay` most similar to `needle`; nullopt when either
// is empty. Bounded work on big files (needle lines are sampled).
std::optional<LineWindow> closest_window(const std::vector<std::string_view>& hay,
                                         const std::vector<std::string_view>& needle);

}  // namespace agent
