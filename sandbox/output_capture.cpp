#include "sandbox/output_capture.h"

#include <algorithm>

namespace agent {

OutputCapture::OutputCapture(size_t limit)
    : head_limit_(limit / 2), tail_limit_(limit - limit / 2) {}

void OutputCapture::append(std::string_view data) {
  total_ += data.size();
  if (head_.size() < head_limit_) {
    size_t n = std::min(data.size(), head_limit_ - head_.size());
    head_.append(data.substr(0, n));
    data.remove_prefix(n);
  }
  if (data.empty() || tail_limit_ == 0) return;
  if (data.size() >= tail_limit_) {
    tail_.assign(data.substr(data.size() - tail_limit_));
    tail_start_ = 0;
    tail_size_ = tail_limit_;
    return;
  }
  if (tail_size_ < tail_limit_) {
    // Still filling: tail_ is linear until it reaches the limit.
    size_t room = tail_limit_ - tail_size_;
    size_t n = std::min(room, data.size());
    tail_.append(data.substr(0, n));
    tail_size_ += n;
    data.remove_prefix(n);
    if (data.empty()) return;
  }
  // Full ring: overwrite the oldest bytes.
  for (char c : data) {
    tail_[tail_start_] = c;
    tail_start_ = (tail_start_ + 1) % tail_limit_;
  }
}

std::string OutputCapture::take() {
  std::string tail;
  if (tail_size_ == tail_limit_ && tail_start_ != 0) {
    tail = tail_.substr(tail_start_) + tail_.substr(0, tail_start_);
  } else {
    tail = tail_;
  }
  std::string out = std::move(head_);
  uint64_t dropped = total_ - out.size() - tail.size();
  if (dropped > 0) {
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += "[... " + std::to_string(dropped) + " bytes of output not kept ...]\n";
  }
  out += tail;
  head_.clear();
  tail_.clear();
  tail_start_ = tail_size_ = 0;
  return out;
}

}  // namespace agent
