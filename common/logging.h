// Logging: spdlog, one named logger per module, every line redacted of secrets.
//
// Levels: error = needs a human, warn = degraded, info = lifecycle, debug = decisions,
// trace = tokens and tool output. Secrets (API keys, forge tokens) are registered once with
// register_secret() and replaced by "[REDACTED]" in every log line; well-known token shapes
// (sk-..., ghp_..., "Bearer ...") are redacted even when not registered.
// Thread-safety: all functions are thread-safe.
#pragma once

#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace agent {

// Sets up the stderr sink at `level` ("warn" by default). Safe to call more than once.
void init_logging(std::string_view level = "warn");
// Adds a file sink (debug level) for a run's log; replaces an earlier file sink.
void add_log_file(const std::filesystem::path& path);
void remove_log_file();

// The logger of a module ("agent", "sandbox", ...), created on first use.
std::shared_ptr<spdlog::logger> get_logger(std::string_view module);

// Registers a secret value to be redacted everywhere (logs, and redact()). Values shorter than
// 8 bytes are ignored (they would redact ordinary words).
void register_secret(std::string_view secret);
// Replaces registered secrets and well-known token shapes in `text` (logs, error messages).
std::string redact(std::string_view text);
// Replaces only the registered secrets' exact values: for content a model reads (tool
// output), where a token-shaped word in source code must stay as it is.
std::string redact_secrets(std::string_view text);

}  // namespace agent
