#!/usr/bin/env bash
# Installs what the tests compare against, from the package registries: each folder
# tests/npm/<name>/ holds a package.json and package-lock.json with exact versions, installed
# with `npm ci` into its node_modules (ignored by git). Idempotent: a folder whose lock file
# did not change since its last install is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
for pkg in tests/npm/*/package.json; do
  dir=$(dirname "$pkg")
  stamp="$dir/node_modules/.agent-installed"
  if [ -f "$stamp" ] && cmp -s "$stamp" "$dir/package-lock.json"; then
    continue
  fi
  echo "setup-test-deps: npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$dir/package-lock.json" "$stamp"
done
