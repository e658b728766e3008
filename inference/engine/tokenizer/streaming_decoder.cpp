#include "inference/engine/tokenizer/streaming_decoder.h"

namespace agent::engine {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Bytes a valid character needs after lead byte `c`, and the allowed range of its second byte
// (which excludes overlong forms, surrogates and code points past U+10FFFF). 0 = not a lead.
struct Lead {
  int more;
  unsigned char lo;
  unsigned char hi;
};
Lead lead_of(unsigned char c) {
  if (c >= 0xC2 && c <= 0xDF) return {1, 0x80, 0xBF};
  if (c == 0xE0) return {2, 0xA0, 0xBF};
  if (c == 0xED) return {2, 0x80, 0x9F};
  if (c >= 0xE1 && c <= 0xEF) return {2, 0x80, 0xBF};
  if (c == 0xF0) return {3, 0x90, 0xBF};
  if (c >= 0xF1 && c <= 0xF3) return {3, 0x80, 0xBF};
  if (c == 0xF4) return {3, 0x80, 0x8F};
  return {0, 0, 0};
}

// At p (n bytes available): the length of a complete valid character, 0 for a byte that is
// invalid here, or -1 for a valid but unfinished prefix.
int classify(const unsigned char* p, size_t n) {
  if (p[0] < 0x80) return 1;
  Lead l = lead_of(p[0]);
  if (l.more == 0) return 0;
  for (int k = 1; k <= l.more; ++k) {
    if (static_cast<size_t>(k) >= n) return -1;
    unsigned char lo = k == 1 ? l.lo : 0x80;
    unsigned char hi = k == 1 ? l.hi : 0xBF;
    if (p[k] < lo || p[k] > hi) return 0;
  }
  return l.more + 1;
}

}  // namespace

std::string StreamingDecoder::feed_bytes(std::string_view bytes) {
  pending_.append(bytes);
  std::string out;
  const auto* p = reinterpret_cast<const unsigned char*>(pending_.data());
  size_t n = pending_.size();
  size_t i = 0;
  while (i < n) {
    int len = classify(p + i, n - i);
    if (len < 0) break;  // keep the unfinished character for the next token
    if (len == 0) {
      out.append(kReplacement);
      ++i;
    } else {
      out.append(pending_, i, static_cast<size_t>(len));
      i += static_cast<size_t>(len);
    }
  }
  pending_.erase(0, i);
  return out;
}

Result<std::string> StreamingDecoder::feed(TokenId id) {
  if (!tok_->has_token(id)) {
    return invalid_argument("decode: no token has id " + std::to_string(id));
  }
  return feed_bytes(tok_->token_bytes(id));
}

std::string StreamingDecoder::finish() {
  // What waits is always one valid but unfinished character: it becomes one U+FFFD.
  if (pending_.empty()) return {};
  pending_.clear();
  return std::string(kReplacement);
}

}  // namespace agent::engine
