#include "tasks/live_view.h"

#include <unistd.h>

#include <cstdlib>

#include "common/text.h"

namespace agent::cli {

void JsonEventPrinter::on_event(const Event& e) {
  std::string line = e.to_line();
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

TerminalView::TerminalView(std::FILE* out) : out_(out) {
  const char* no_color = std::getenv("NO_COLOR");
  color_ = ::isatty(::fileno(out)) && (no_color == nullptr || *no_color == '\0');
}

std::string TerminalView::paint(std::string_view code, std::string_view text) const {
  if (!color_) return std::string(text);
  return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}

void TerminalView::end_line() {
  if (!at_line_start_) std::fputc('\n', out_);
  at_line_start_ = true;
}

void TerminalView::switch_mode(Mode m) {
  if (mode_ == m) return;
  end_line();
  if (m == Mode::kReasoning) std::fputs(paint("2", "thinking: ").c_str(), out_);
  at_line_start_ = m == Mode::kNone;
  mode_ = m;
}

void TerminalView::on_reasoning_delta(std::string_view d) {
  switch_mode(Mode::kReasoning);
  std::string s = paint("2", d);
  std::fwrite(s.data(), 1, s.size(), out_);
  if (!d.empty()) at_line_start_ = d.back() == '\n';
  std::fflush(out_);
}

void TerminalView::on_text_delta(std::string_view d) {
  switch_mode(Mode::kText);
  std::fwrite(d.data(), 1, d.size(), out_);
  if (!d.empty()) at_line_start_ = d.back() == '\n';
  std::fflush(out_);
}

void TerminalView::on_retry(int attempt, const Status& why, double delay_s) {
  switch_mode(Mode::kNone);
  std::fprintf(out_, "%s\n",
               paint("33", "retry " + std::to_string(attempt) + " in " +
                               std::to_string(static_cast<int>(delay_s + 0.5)) + " s: " + why.message())
                   .c_str());
}

namespace {

std::string one_line(std::string_view s, size_t max) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    out += c;
    if (out.size() >= max) break;
  }
  if (s.size() > max) out.resize(utf8_safe_prefix(out, max - 3)), out += "...";
  return sanitize_utf8(out);
}

std::string call_summary(const Json& d) {
  std::string args = d.value("arguments", "");
  auto parsed = parse_json(args, "arguments");
  if (parsed.ok() && parsed->is_object()) {
    for (const char* key : {"command", "path", "pattern"}) {
      if (parsed->contains(key) && (*parsed)[key].is_string()) return (*parsed)[key].get<std::string>();
    }
  }
  return args;
}

}  // namespace

void TerminalView::on_event(const Event& e) {
  const Json& d = e.data;
  if (e.type == event_type::kModelTurn) {
    if (auto u = d.find("usage"); u != d.end()) {
      tokens_ += u->value("prompt_tokens", 0) + u->value("completion_tokens", 0);
    }
    cost_ += d.value("cost_usd", 0.0);
    switch_mode(Mode::kNone);
    char status[160];
    std::snprintf(status, sizeof status, "[turn %lld · %lld tokens · $%.4f]",
                  static_cast<long long>(d.value("turn", 0)), static_cast<long long>(tokens_), cost_);
    std::fprintf(out_, "%s\n", paint("36", status).c_str());
  } else if (e.type == event_type::kToolStarted) {
    switch_mode(Mode::kNone);
    std::fprintf(out_, "%s %s\n", paint("1;34", "▸ " + d.value("name", "")).c_str(),
                 one_line(call_summary(d), 160).c_str());
  } else if (e.type == event_type::kToolFinished) {
    switch_mode(Mode::kNone);
    bool err = d.value("is_error", false);
    std::string content = d.value("content", "");
    size_t lines = count_lines(content);
    std::string head = one_line(content.substr(0, content.find('\n')), 120);
    std::string mark = err ? paint("31", "  ✗") : paint("32", "  ✓");
    std::fprintf(out_, "%s %zu line%s: %s\n", mark.c_str(), lines, lines == 1 ? "" : "s", head.c_str());
  } else if (e.type == event_type::kWarning || e.type == event_type::kBudget) {
    switch_mode(Mode::kNone);
    std::string msg = d.contains("reason") ? d.value("reason", "") : d.value("message", "");
    std::fprintf(out_, "%s\n", paint("33", "! " + msg).c_str());
  } else if (e.type == event_type::kRunFinished) {
    switch_mode(Mode::kNone);
    std::fprintf(out_, "%s\n", paint("1", "run " + d.value("status", "") + ": " +
                                              d.value("stop_reason", "")).c_str());
  }
  std::fflush(out_);
}

}  // namespace agent::cli
