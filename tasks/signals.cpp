#include "tasks/signals.h"

#include <signal.h>

#include <atomic>

namespace agent::cli {

namespace {
std::atomic<CancelToken*> g_token{nullptr};

void on_signal(int) {
  CancelToken* t = g_token.load();
  if (t != nullptr) t->cancel();  // async-signal-safe: an atomic store and a write(2)
}
}  // namespace

void install_signal_handlers(CancelToken& token) {
  g_token.store(&token);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

void restore_signal_handlers() {
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  g_token.store(nullptr);
}

}  // namespace agent::cli
