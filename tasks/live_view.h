// What a person or a program watching a run sees.
//
// JsonEventPrinter (--json): every journal event as one JSON line on stdout, as it happens.
// TerminalView: streamed reasoning (dimmed) and text, each tool call with a one-line result,
// and a status line (turn, tokens, cost) — on stderr, so stdout carries only the final answer.
// Colours only when stderr is a terminal and NO_COLOR is unset.
// Thread-safety: called from the planner's thread only.
#pragma once

#include <cstdio>
#include <string>

#include "agent/planner.h"

namespace agent::cli {

class JsonEventPrinter final : public EventObserver {
 public:
  explicit JsonEventPrinter(std::FILE* out) : out_(out) {}
  void on_event(const Event& e) override;

 private:
  std::FILE* out_;
};

class TerminalView final : public EventObserver, public StreamObserver {
 public:
  explicit TerminalView(std::FILE* out);

  void on_event(const Event& e) override;
  void on_reasoning_delta(std::string_view d) override;
  void on_text_delta(std::string_view d) override;
  void on_retry(int attempt, const Status& why, double delay_s) override;

 private:
  enum class Mode { kNone, kReasoning, kText };
  void switch_mode(Mode m);
  void end_line();
  std::string paint(std::string_view code, std::string_view text) const;

  std::FILE* out_;
  bool color_;
  Mode mode_ = Mode::kNone;
  bool at_line_start_ = true;
  int64_t tokens_ = 0;
  double cost_ = 0;
};

}  // namespace agent::cli
