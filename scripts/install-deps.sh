#!/usr/bin/env bash
# Installs every build and test dependency of the project on Debian 12 (bookworm).
# Idempotent: packages already present are left alone. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-filesystem1.81-dev libboost-system1.81-dev
  nlohmann-json3-dev libgit2-dev libre2-dev libspdlog-dev libfmt-dev libcli11-dev
  libtomlplusplus-dev libssl-dev ca-certificates libseccomp-dev libgtest-dev libgmock-dev
  python3 python3-numpy python3-pytest
  # agent bench: the example tasks' toolchains (examples/tasks) and Chromium for report.html's test
  nodejs golang-go cargo chromium
  bubblewrap  # bench/sandbox_bench compares our sandbox with it
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# npm (scripts/setup-test-deps.sh): Debian's nodejs comes without it, in the separate `npm`
# package; NodeSource's nodejs bundles it and conflicts with that package.
if ! command -v npm >/dev/null 2>&1; then
  dpkg-query -W -f='${Version}' nodejs 2>/dev/null | grep -q nodesource || missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
