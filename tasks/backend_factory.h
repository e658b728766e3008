// Builds the ModelBackend a run's settings name. Errors are usage/configuration errors that
// say what to configure.
#pragma once

#include <memory>

#include "agent/run_settings.h"
#include "inference/model_backend.h"

namespace agent::cli {

Result<std::unique_ptr<ModelBackend>> make_backend(const RunSettings& settings);

}  // namespace agent::cli
