#!/usr/bin/env bash
# Builds the project in ./build (Release with debug info, Ninja, ccache when present).
# Usage: scripts/build.sh [extra cmake -D options...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja "$@" >/dev/null
cmake --build build -j "$(nproc)"
