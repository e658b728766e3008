// The batch's progress display on stderr: one line per finished task and a status line with
// done/total, resolved, running, tokens, cost and an ETA. On a terminal the status line is
// redrawn in place; otherwise it is printed after each finished task (CI logs stay readable).
// Infrastructure failures (infra_failure) count as done here; the batch redoes them on --resume.
// Thread-safety: every member may be called from any worker thread.
#pragma once

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include "tasks/bench/results.h"

namespace agent::bench {

class Progress {
 public:
  // Results of an earlier session (--resume) are added with add_earlier: they count as done
  // but not for the ETA, which uses this session's pace.
  Progress(std::FILE* out, bool tty, size_t total);

  void add_earlier(const TaskResult& r);
  void started();
  void finished(const TaskResult& r);
  void abandoned();  // a started task stopped unrecorded (the batch was interrupted)
  // Prints the final status line once: on a terminal it ends the redrawn line; otherwise it
  // is printed unless it is the line printed last.
  void close();

  std::string status_line() const;  // without locking; for tests and the final summary

 private:
  void draw(const std::string& event);

  std::FILE* out_;
  bool tty_;
  size_t total_;
  size_t done_ = 0, done_here_ = 0, resolved_ = 0, running_ = 0;
  int64_t tokens_ = 0;
  double cost_ = 0;
  std::string last_printed_;  // the status line printed last (not on a terminal)
  std::chrono::steady_clock::time_point started_;
  mutable std::mutex mu_;
};

}  // namespace agent::bench
