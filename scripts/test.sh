#!/usr/bin/env bash
# Builds everything and runs the whole test suite (what CI runs: .ci/run).
# Installs the Debian packages (scripts/install-deps.sh) and the npm packages the tests
# compare against (scripts/setup-test-deps.sh) first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/setup-test-deps.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)"
cd build
ctest --output-on-failure -j "$(nproc)" --label-exclude gpu "$@"
