// SIGINT and SIGTERM become a cancel request: the run stops cleanly (child processes killed,
// journal closed) and exits 130. SIGPIPE is ignored so a closed stdout is an error, not death.
// Thread-safety: install once from main's thread.
#pragma once

#include "common/cancel.h"

namespace agent::cli {

void install_signal_handlers(CancelToken& token);
void restore_signal_handlers();

}  // namespace agent::cli
