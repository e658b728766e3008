#include "inference/engine/tokenizer/tokenized_text.h"

#include <algorithm>

namespace agent::engine {

bool TokenizedText::safe_restart(const Restart& r, size_t kept_bytes) const {
  // A token that could be completed by new text starts after kept_bytes - max_len and at or
  // before r.token_begin (later ones lie in the part encoded again anyway).
  size_t max_len = tok_->max_added_token_bytes();
  size_t first = kept_bytes >= max_len ? kept_bytes - max_len + 1 : 0;
  std::string_view kept(text_.data(), kept_bytes);
  for (size_t p = first; p <= r.token_begin; ++p) {
    if (tok_->is_added_token_proper_prefix(kept.substr(p))) return false;
  }
  return true;
}

size_t TokenizedText::reencode_from(size_t kept_bytes) {
  // The last usable restart point at or before kept_bytes (else the start).
  size_t restart_end = 0;
  size_t kept_ids = 0;
  while (!restarts_.empty()) {
    const Restart& r = restarts_.back();
    if (r.end <= kept_bytes && safe_restart(r, kept_bytes)) {
      restart_end = r.end;
      kept_ids = r.ids;
      break;
    }
    restarts_.pop_back();
  }
  ids_.resize(kept_ids);
  matches_.clear();
  std::string_view rest = std::string_view(text_).substr(restart_end);
  enc_.encode(rest, &ids_, &matches_);
  for (const Encoder::AddedMatch& m : matches_) {
    restarts_.push_back({restart_end + m.begin, restart_end + m.end, m.id_index + 1});
  }
  last_encoded_bytes_ = rest.size();
  return kept_ids;
}

size_t TokenizedText::append(std::string_view more) {
  size_t kept = text_.size();
  text_.append(more);
  return reencode_from(kept);
}

size_t TokenizedText::sync(std::string_view text) {
  size_t n = std::min(text.size(), text_.size());
  size_t common = static_cast<size_t>(
      std::mismatch(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(n), text.begin()).first -
      text_.begin());
  text_.assign(text);
  return reencode_from(common);
}

}  // namespace agent::engine
