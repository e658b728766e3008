#include "common/conversation.h"

namespace agent {

void Conversation::replace_all(std::vector<Message> messages) {
  messages_ = std::move(messages);
  bytes_ = 0;
  for (const auto& m : messages_) bytes_ += approx_bytes(m);
  ++epoch_;
}

uint64_t Conversation::approx_bytes(const Message& m) {
  uint64_t n = m.content.size() + m.reasoning.size() + 16;
  for (const auto& c : m.tool_calls) n += c.name.size() + c.arguments.size() + c.id.size() + 16;
  return n;
}

}  // namespace agent
