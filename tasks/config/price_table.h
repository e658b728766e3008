// PriceTable: what model tokens cost, as data (config/prices.toml, shipped inside the binary,
// with the date it was last checked; a user's own table overrides it entry by entry).
//
// Owns: parsing price tables, DeepSeek's peak / off-peak windows, and the cost of a Usage:
// cache-miss prompt tokens, cache-hit prompt tokens and output tokens (reasoning included),
// each at its price per million, times the peak multiplier inside a peak window.
// Must not know: runs, budgets, where the files live (run_config.h finds them).
// Thread-safety: immutable after parsing; const members may be called from any thread.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/protocol.h"
#include "common/status.h"

namespace agent::cli {

struct ModelPrice {
  double cache_hit = 0;   // USD per 1M prompt tokens served from the prefix cache
  double cache_miss = 0;  // USD per 1M other prompt tokens
  double output = 0;      // USD per 1M output tokens, reasoning included
  bool peak = true;       // subject to the peak multiplier
  bool shipped = false;   // from the table shipped with the agent (DeepSeek's own prices)
};

struct PeakHours {
  int utc_offset_minutes = 0;                  // the windows' time zone
  unsigned days = 0;                           // bit 0 = Monday ... bit 6 = Sunday
  std::vector<std::pair<int, int>> windows;    // [start, end) minutes after local midnight
  double multiplier = 1.0;
};

class PriceTable {
 public:
  // Parses a table; errors name `source`, the key and the line.
  static Result<PriceTable> parse(std::string_view toml_text, std::string_view source);
  // The table shipped with the agent (config/prices.toml at build time).
  static const PriceTable& shipped();
  static std::string_view shipped_text();

  // `over`'s models replace ours by name; its peak hours and date replace ours when given.
  void merge(const PriceTable& over);

  const ModelPrice* find(std::string_view model) const;
  bool is_peak(std::chrono::system_clock::time_point t) const;
  // USD for `u` on `model` at time `t`; nullopt when the model has no price.
  std::optional<double> cost(const Usage& u, std::string_view model, std::chrono::system_clock::time_point t) const;

  const std::string& checked() const { return checked_; }
  const PeakHours& peak() const { return peak_; }
  const std::map<std::string, ModelPrice, std::less<>>& models() const { return models_; }

 private:
  std::string checked_;
  bool has_peak_ = false;
  PeakHours peak_;
  std::map<std::string, ModelPrice, std::less<>> models_;
};

}  // namespace agent::cli
