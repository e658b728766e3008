#include "common/logging.h"

#include <re2/re2.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>
#include <shared_mutex>
#include <vector>

namespace agent {

namespace {

std::shared_mutex g_secret_mu;
std::vector<std::string>& secrets() {
  static std::vector<std::string> s;
  return s;
}

const RE2& token_pattern() {
  // OpenAI/DeepSeek-style keys, GitHub tokens, bearer/token auth headers, credentials in URLs.
  static const RE2 re(
      R"((sk-[A-Za-z0-9_\-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_\-]{16,}|(?i:bearer|token) [A-Za-z0-9._\-~+/=]{12,}|://[^/\s:@]+:[^/\s@]+@))");
  return re;
}

// Forwards to child sinks with secrets removed from the payload.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void set_stderr(spdlog::sink_ptr s) { stderr_ = std::move(s); }
  void set_file(spdlog::sink_ptr s) { file_ = std::move(s); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string clean = redact(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy(msg.time, msg.source, msg.logger_name, msg.level,
                                  spdlog::string_view_t(clean.data(), clean.size()));
    if (stderr_ && stderr_->should_log(msg.level)) stderr_->log(copy);
    if (file_ && file_->should_log(msg.level)) file_->log(copy);
  }
  void flush_() override {
    if (stderr_) stderr_->flush();
    if (file_) file_->flush();
  }

 private:
  spdlog::sink_ptr stderr_;
  spdlog::sink_ptr file_;
};

std::mutex g_init_mu;
std::shared_ptr<RedactingSink>& root_sink() {
  static std::shared_ptr<RedactingSink> s;
  return s;
}

std::shared_ptr<RedactingSink> ensure_sink() {
  std::lock_guard lock(g_init_mu);
  auto& s = root_sink();
  if (!s) {
    s = std::make_shared<RedactingSink>();
    auto err = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    err->set_level(spdlog::level::warn);
    err->set_pattern("%^%l%$ [%n] %v");
    s->set_stderr(err);
    s->set_level(spdlog::level::trace);
  }
  return s;
}

}  // namespace

void init_logging(std::string_view level) {
  auto sink = ensure_sink();
  auto err = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  err->set_level(spdlog::level::from_str(std::string(level)));
  err->set_pattern("%^%l%$ [%n] %v");
  sink->set_stderr(err);
}

void add_log_file(const std::filesystem::path& path) {
  auto sink = ensure_sink();
  auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path.string(), false);
  file->set_level(spdlog::level::debug);
  file->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l [%n] %v");
  sink->set_file(file);
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->set_level(spdlog::level::debug); });
}

void remove_log_file() {
  auto sink = ensure_sink();
  sink->flush();
  sink->set_file(nullptr);
}

std::shared_ptr<spdlog::logger> get_logger(std::string_view module) {
  std::string name(module);
  if (auto l = spdlog::get(name)) return l;
  auto sink = ensure_sink();
  std::lock_guard lock(g_init_mu);
  if (auto l = spdlog::get(name)) return l;
  auto l = std::make_shared<spdlog::logger>(name, sink);
  l->set_level(spdlog::level::debug);
  l->flush_on(spdlog::level::warn);
  spdlog::register_logger(l);
  return l;
}

void register_secret(std::string_view secret) {
  if (secret.size() < 8) return;
  std::unique_lock lock(g_secret_mu);
  for (const auto& s : secrets()) {
    if (s == secret) return;
  }
  secrets().emplace_back(secret);
}

std::string redact_secrets(std::string_view text) {
  std::string out(text);
  std::shared_lock lock(g_secret_mu);
  for (const auto& s : secrets()) {
    size_t pos = 0;
    while ((pos = out.find(s, pos)) != std::string::npos) {
      out.replace(pos, s.size(), "[REDACTED]");
      pos += 10;
    }
  }
  return out;
}

std::string redact(std::string_view text) {
  std::string out = redact_secrets(text);
  if (RE2::PartialMatch(out, token_pattern())) {
    std::string replaced = out;
    // Keep the scheme separator of URL credentials readable.
    RE2::GlobalReplace(&replaced, token_pattern(), "[REDACTED]");
    out = std::move(replaced);
  }
  return out;
}

}  // namespace agent
