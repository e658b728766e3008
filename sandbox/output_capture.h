// OutputCapture: keeps the first and last `limit / 2` bytes of a stream of any length and
// counts the rest, so a command that prints gigabytes costs bounded memory while the model
// still sees how it started and how it ended.
// Thread-safety: not synchronised.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace agent {

class OutputCapture {
 public:
  explicit OutputCapture(size_t limit);

  void append(std::string_view data);

  uint64_t total_bytes() const { return total_; }
  bool truncated() const { return total_ > head_.size() + tail_size_; }
  // Head, then (when bytes were dropped) a marker line counting them, then the tail.
  std::string take();

 private:
  size_t head_limit_;
  size_t tail_limit_;
  std::string head_;
  std::string tail_;      // ring buffer of tail_limit_ bytes once full
  size_t tail_start_ = 0; // index of the oldest byte in tail_ when full
  size_t tail_size_ = 0;
  uint64_t total_ = 0;
};

}  // namespace agent
