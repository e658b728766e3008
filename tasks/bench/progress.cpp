#include "tasks/bench/progress.h"

#include <algorithm>

#include "tasks/bench/report.h"

namespace agent::bench {

Progress::Progress(std::FILE* out, bool tty, size_t total)
    : out_(out), tty_(tty), total_(total), started_(std::chrono::steady_clock::now()) {}

void Progress::add_earlier(const TaskResult& r) {
  std::lock_guard<std::mutex> lock(mu_);
  ++done_;
  resolved_ += r.resolved() ? 1 : 0;
  tokens_ += r.usage.prompt_tokens + r.usage.completion_tokens;
  cost_ += r.cost_usd;
}

void Progress::started() {
  std::lock_guard<std::mutex> lock(mu_);
  ++running_;
  if (tty_) draw("");
}

void Progress::finished(const TaskResult& r) {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_ > 0) --running_;
  ++done_;
  ++done_here_;
  resolved_ += r.resolved() ? 1 : 0;
  tokens_ += r.usage.prompt_tokens + r.usage.completion_tokens;
  cost_ += r.cost_usd;
  std::string what = r.outcome;
  if (!r.error.empty()) {
    what += ": " + r.error.substr(0, 120);
  } else if (!r.agent_error.empty()) {
    what += " (agent: " + r.agent_error.substr(0, 100) + ")";
  }
  std::string label = r.instance_id + (r.run > 1 ? " #" + std::to_string(r.run) : "");
  draw(label + " " + what + " (" + human_duration(r.wall_s) + ")");
}

void Progress::abandoned() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_ > 0) --running_;
  if (tty_) draw("");
}

std::string Progress::status_line() const {
  std::string eta = "-";
  if (done_here_ > 0 && done_ < total_) {
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    // This session's pace already reflects how many workers run at once.
    eta = human_duration(elapsed / static_cast<double>(done_here_) * static_cast<double>(total_ - done_));
  } else if (done_ >= total_) {
    eta = "0:00";
  }
  return "bench: " + std::to_string(done_) + "/" + std::to_string(total_) + " done, " + std::to_string(resolved_) +
         " resolved, " + std::to_string(running_) + " running, " + human_count(static_cast<double>(tokens_)) +
         " tokens, " + human_usd(cost_) + ", ETA " + eta;
}

void Progress::draw(const std::string& event) {
  std::string status = status_line();
  if (tty_) {
    if (!event.empty()) std::fprintf(out_, "\r\033[K  %s\n", event.c_str());
    std::fprintf(out_, "\r\033[K%s", status.c_str());
  } else if (!event.empty()) {
    std::fprintf(out_, "  %s\n%s\n", event.c_str(), status.c_str());
    last_printed_ = status;
  }
  std::fflush(out_);
}

void Progress::close() {
  std::lock_guard<std::mutex> lock(mu_);
  std::string status = status_line();
  if (tty_) {
    std::fprintf(out_, "\r\033[K%s\n", status.c_str());
  } else if (status != last_printed_) {
    std::fprintf(out_, "%s\n", status.c_str());
    last_printed_ = status;
  }
  std::fflush(out_);
}

}  // namespace agent::bench
