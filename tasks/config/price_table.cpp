#include "tasks/config/price_table.h"

#include <toml++/toml.h>

#include <cmath>
#include <sstream>

namespace agent::cli {

namespace {

std::string at(std::string_view source, const toml::node& n) {
  return std::string(source) + ":" + std::to_string(n.source().begin.line);
}

Result<double> price(const toml::table& t, std::string_view key, std::string_view source, std::string_view model) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return invalid_argument(std::string(source) + ": models." + std::string(model) + " has no " + std::string(key));
  auto v = n->value<double>();
  if (!v || *v < 0 || !std::isfinite(*v)) {
    return invalid_argument(at(source, *n) + ": models." + std::string(model) + "." + std::string(key) +
                            " must be a number of USD per million tokens, not negative");
  }
  return *v;
}

Result<int> clock_minutes(std::string_view hhmm, std::string_view where) {
  int h = 0, m = 0;
  char colon = 0;
  std::istringstream in{std::string(hhmm)};
  if (!(in >> h >> colon >> m) || colon != ':' || !in.eof() || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) {
    return invalid_argument(std::string(where) + ": \"" + std::string(hhmm) + "\" is not a time HH:MM");
  }
  return h * 60 + m;
}

Result<PeakHours> parse_peak(const toml::table& t, std::string_view source) {
  static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  PeakHours p;
  for (auto&& [k, v] : t) {
    std::string where = at(source, v) + ": peak." + std::string(k.str());
    if (k == "utc_offset_hours") {
      auto h = v.value<double>();
      if (!h || std::fabs(*h) > 14) return invalid_argument(where + " must be a number of hours from -14 to 14");
      p.utc_offset_minutes = static_cast<int>(std::lround(*h * 60));
    } else if (k == "multiplier") {
      auto m = v.value<double>();
      if (!m || *m < 0) return invalid_argument(where + " must be a non-negative number");
      p.multiplier = *m;
    } else if (k == "days" || k == "windows") {
      const toml::array* arr = v.as_array();
      if (arr == nullptr) return invalid_argument(where + " must be a list of strings");
      for (const auto& item : *arr) {
        auto s = item.value<std::string>();
        if (!s) return invalid_argument(where + " must be a list of strings");
        if (k == "days") {
          int d = 0;
          while (d < 7 && *s != kDays[d]) ++d;
          if (d == 7) return invalid_argument(where + ": \"" + *s + "\" is not a day (mon, tue, ... sun)");
          p.days |= 1u << d;
        } else {
          size_t dash = s->find('-');
          if (dash == std::string::npos) return invalid_argument(where + ": \"" + *s + "\" is not HH:MM-HH:MM");
          AGENT_ASSIGN_OR_RETURN(int from, clock_minutes(s->substr(0, dash), where));
          AGENT_ASSIGN_OR_RETURN(int to, clock_minutes(s->substr(dash + 1), where));
          if (to <= from) return invalid_argument(where + ": \"" + *s + "\" ends before it starts");
          p.windows.emplace_back(from, to);
        }
      }
    } else {
      return invalid_argument(where + ": unknown key (expected utc_offset_hours, days, windows, multiplier)");
    }
  }
  return p;
}

Result<ModelPrice> parse_model(const toml::table& t, std::string_view source, std::string_view model) {
  ModelPrice m;
  for (auto&& [k, v] : t) {
    if (k != "cache_hit" && k != "cache_miss" && k != "output" && k != "peak") {
      return invalid_argument(at(source, v) + ": models." + std::string(model) + "." + std::string(k.str()) +
                              ": unknown key (expected cache_hit, cache_miss, output, peak)");
    }
  }
  AGENT_ASSIGN_OR_RETURN(m.cache_hit, price(t, "cache_hit", source, model));
  AGENT_ASSIGN_OR_RETURN(m.cache_miss, price(t, "cache_miss", source, model));
  AGENT_ASSIGN_OR_RETURN(m.output, price(t, "output", source, model));
  if (const toml::node* p = t.get("peak")) {
    auto b = p->value<bool>();
    if (!b) return invalid_argument(at(source, *p) + ": models." + std::string(model) + ".peak must be true or false");
    m.peak = *b;
  }
  return m;
}

}  // namespace

Result<PriceTable> PriceTable::parse(std::string_view text, std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return invalid_argument(std::string(source) + ":" + std::to_string(e.source().begin.line) + ": " +
                            std::string(e.description()));
  }
  PriceTable t;
  for (auto&& [k, v] : root) {
    if (k == "checked") {
      if (auto d = v.value<toml::date>()) {
        std::ostringstream s;
        s << *d;
        t.checked_ = s.str();
      } else if (auto str = v.value<std::string>()) {
        t.checked_ = *str;
      } else {
        return invalid_argument(at(source, v) + ": checked must be a date (2026-09-28)");
      }
    } else if (k == "peak") {
      if (!v.is_table()) return invalid_argument(at(source, v) + ": peak must be a table");
      AGENT_ASSIGN_OR_RETURN(t.peak_, parse_peak(*v.as_table(), source));
      t.has_peak_ = true;
    } else if (k == "models") {
      if (!v.is_table()) return invalid_argument(at(source, v) + ": models must be a table of model tables");
      for (auto&& [name, m] : *v.as_table()) {
        if (!m.is_table()) return invalid_argument(at(source, m) + ": models." + std::string(name.str()) + " must be a table");
        AGENT_ASSIGN_OR_RETURN(ModelPrice p, parse_model(*m.as_table(), source, name.str()));
        t.models_[std::string(name.str())] = p;
      }
    } else {
      return invalid_argument(at(source, v) + ": " + std::string(k.str()) + ": unknown key (expected checked, peak, models)");
    }
  }
  return t;
}

void PriceTable::merge(const PriceTable& over) {
  for (const auto& [name, p] : over.models_) models_[name] = p;
  if (over.has_peak_) {
    peak_ = over.peak_;
    has_peak_ = true;
  }
  if (!over.checked_.empty()) checked_ = over.checked_;
}

const ModelPrice* PriceTable::find(std::string_view model) const {
  auto it = models_.find(model);
  return it == models_.end() ? nullptr : &it->second;
}

bool PriceTable::is_peak(std::chrono::system_clock::time_point t) const {
  if (!has_peak_ || peak_.windows.empty()) return false;
  int64_t local = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count() +
                  int64_t{peak_.utc_offset_minutes} * 60;
  int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  int weekday = static_cast<int>(((day + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday; 0 = Monday
  if ((peak_.days & (1u << weekday)) == 0) return false;
  int minute = static_cast<int>((local - day * 86400) / 60);
  for (const auto& [from, to] : peak_.windows) {
    if (minute >= from && minute < to) return true;
  }
  return false;
}

std::optional<double> PriceTable::cost(const Usage& u, std::string_view model,
                                       std::chrono::system_clock::time_point t) const {
  const ModelPrice* p = find(model);
  if (p == nullptr) return std::nullopt;
  double hit = static_cast<double>(std::max<int64_t>(0, u.cached_tokens));
  double miss = static_cast<double>(std::max<int64_t>(0, u.prompt_tokens - u.cached_tokens));
  double out = static_cast<double>(std::max<int64_t>(0, u.completion_tokens));
  double usd = (hit * p->cache_hit + miss * p->cache_miss + out * p->output) / 1e6;
  if (p->peak && is_peak(t)) usd *= peak_.multiplier;
  return usd;
}

const PriceTable& PriceTable::shipped() {
  static const PriceTable table = [] {
    auto t = parse(shipped_text(), "config/prices.toml (shipped)");
    // The shipped table is checked by a test; a broken one must not take the agent down.
    PriceTable out = t.ok() ? std::move(*t) : PriceTable();
    for (auto& [name, p] : out.models_) p.shipped = true;
    return out;
  }();
  return table;
}

}  // namespace agent::cli
