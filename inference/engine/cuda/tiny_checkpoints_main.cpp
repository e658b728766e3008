// engine_tiny_checkpoints: writes the tiny test checkpoints (flash and pro presets) into
// $AGENT_BINARY_DIR/engine-tiny-checkpoints/, where the tests look for them first. Used by
// scripts/gpu-check.sh --build-dist to ship them with the GPU test binaries, so that the GPU
// machine needs no Python. Prints one checkpoint folder per line.
#include <cstdio>

#include "inference/engine/testing/tiny_checkpoint.h"

int main() {
  for (const char* preset : {"flash", "pro"}) {
    auto c = agent::engine::testing::shared_tiny_checkpoint(preset);
    if (!c.ok()) {
      std::fprintf(stderr, "engine_tiny_checkpoints: %s\n", c.status().to_string().c_str());
      return 1;
    }
    std::printf("%s\n", c->folder.parent_path().c_str());
  }
  return 0;
}
