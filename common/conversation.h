// Conversation: the ordered history a model sees. Append-only in normal operation, so that
// the serialised prompt of request N+1 starts with the bytes of request N (prefix caching);
// a rewrite (compaction) bumps epoch() so serialisation caches know to start over.
// Thread-safety: not synchronised; owned by the planner loop.
#pragma once

#include <cstdint>
#include <vector>

#include "common/protocol.h"

namespace agent {

class Conversation {
 public:
  const std::vector<Message>& messages() const { return messages_; }
  size_t size() const { return messages_.size(); }
  bool empty() const { return messages_.empty(); }
  const Message& back() const { return messages_.back(); }

  void append(Message m) {
    bytes_ += approx_bytes(m);
    messages_.push_back(std::move(m));
  }

  // Replaces the whole history (compaction, tests). Invalidates serialisation caches.
  void replace_all(std::vector<Message> messages);

  // Changes whenever the history was rewritten rather than appended to.
  uint64_t epoch() const { return epoch_; }

  // Bytes of text in the history (content, reasoning, call arguments), kept incrementally.
  uint64_t text_bytes() const { return bytes_; }

  static uint64_t approx_bytes(const Message& m);

 private:
  std::vector<Message> messages_;
  uint64_t epoch_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace agent
