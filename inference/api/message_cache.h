// MessageCache: the serialised bytes of each message of an append-only Conversation, so a
// request serialises only what was appended since the previous one. Keyed by the
// conversation's identity and epoch() (a rewrite such as compaction starts over) and by a
// caller's `variant` (e.g. the reasoning mode, which changes what an assistant message holds).
// Thread-safety: not synchronised; one per wire format object.
#pragma once

#include <cstdint>
#include <vector>

#include "common/conversation.h"

namespace agent::api {

// T is what one message serialises to (its bytes, or bytes plus facts a format needs).
template <typename T>
class MessageCache {
 public:
  // Serialises the messages of `c` not yet cached with `serialise(const Message&) -> T` and
  // returns every message's form, in order.
  template <typename F>
  const std::vector<T>& update(const Conversation& c, uint64_t variant, F&& serialise) {
    if (&c != conversation_ || c.epoch() != epoch_ || variant != variant_ || c.size() < parts_.size()) {
      parts_.clear();
      conversation_ = &c;
      epoch_ = c.epoch();
      variant_ = variant;
    }
    const auto& msgs = c.messages();
    for (size_t i = parts_.size(); i < msgs.size(); ++i) parts_.push_back(serialise(msgs[i]));
    return parts_;
  }

  size_t size() const { return parts_.size(); }

 private:
  const Conversation* conversation_ = nullptr;
  uint64_t epoch_ = 0;
  uint64_t variant_ = 0;
  std::vector<T> parts_;
};

}  // namespace agent::api
