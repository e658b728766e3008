#!/usr/bin/env bash
# Builds the project, then runs `agent solve` with the scripted backend on the bundled example
# (examples/wordfreq): a copy of its repository is made into a git repository in a temporary
# folder, the agent fixes the bug the issue describes, and the example's own tests run on the
# result. Prints the patch and where the run folder is.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
example=examples/wordfreq
work=$(mktemp -d "${TMPDIR:-/tmp}/agent-example-XXXXXX")
cp -r "$example/repo" "$work/repo"
export GIT_AUTHOR_NAME=example GIT_AUTHOR_EMAIL=example@agent.local GIT_AUTHOR_DATE=2026-01-01T00:00:00Z
export GIT_COMMITTER_NAME=example GIT_COMMITTER_EMAIL=example@agent.local GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
git -C "$work/repo" init -q -b main
git -C "$work/repo" add -A
git -C "$work/repo" commit -q -m "wordfreq: initial version"

echo "== agent solve on $work/repo"
status=0
build/tasks/agent solve --repo "$work/repo" --issue "$example/issue.md" \
  --backend scripted --script "$example/solve.jsonl" --out "$work/run" || status=$?
echo
echo "== patch.diff"
cat "$work/run/patch.diff"
echo "== the example's tests after the run"
(cd "$work/repo" && python3 -m unittest -v 2>&1 | tail -n 4)
echo "== run folder: $work/run (trajectory.jsonl, result.json, patch.diff)"
exit "$status"
