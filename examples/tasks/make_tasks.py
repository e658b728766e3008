#!/usr/bin/env python3
"""Builds the example benchmark task set from plain source folders.

For each task folder src/<name>/:
  repo/       the repository at base_commit (committed with a fixed author and date, so the
              commit id is the same on every machine and every git version)
  fix/        files as the gold patch leaves them       -> field "patch"
  tests/      test files as the test patch leaves them  -> field "test_patch"
  issue.md    the problem statement, as a user wrote it
  task.json   instance_id, test_cmd, test_framework, FAIL_TO_PASS, PASS_TO_PASS, optional
              setup_cmd, and "encode_lists" to write the lists as JSON-encoded strings (the
              official datasets' form) instead of JSON lists

Writes repos/<name>.bundle (git bundle of the base commit) and tasks.jsonl (sorted by
instance id) under --out (default: this folder).

  examples/tasks/make_tasks.py            # regenerate in place
  examples/tasks/make_tasks.py --out DIR  # somewhere else (the tests compare the two)
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATE = "2026-01-15T12:00:00+00:00"
IDENTITY = {
    "GIT_AUTHOR_NAME": "Example Maintainer",
    "GIT_AUTHOR_EMAIL": "maintainer@example.org",
    "GIT_AUTHOR_DATE": DATE,
    "GIT_COMMITTER_NAME": "Example Maintainer",
    "GIT_COMMITTER_EMAIL": "maintainer@example.org",
    "GIT_COMMITTER_DATE": DATE,
}


def git(repo, *args, capture=False):
    env = dict(os.environ)
    env.update(IDENTITY)
    # The user's and the system's git configuration must not change what is written.
    env["GIT_CONFIG_GLOBAL"] = os.devnull
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    cmd = ["git", "-C", repo, "-c", "core.autocrlf=false", "-c", "core.fileMode=true",
           "-c", "commit.gpgSign=false", "-c", "init.defaultBranch=main"] + list(args)
    out = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
    return out.stdout.decode() if capture else None


def overlay(src, dest):
    for root, _, files in os.walk(src):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), src)
            os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
            shutil.copy2(os.path.join(root, f), os.path.join(dest, rel))


def diff_with(work, overlay_dir):
    """The patch that turns the committed tree into the tree with `overlay_dir` copied over it."""
    overlay(overlay_dir, work)
    git(work, "add", "-A")
    patch = git(work, "diff", "--cached", "--no-color", "--no-ext-diff", "--src-prefix=a/",
                "--dst-prefix=b/", capture=True)
    git(work, "reset", "-q", "--hard", "HEAD")
    git(work, "clean", "-q", "-fdx")
    return patch


def build_task(name, out_dir, tmp):
    src = os.path.join(HERE, "src", name)
    with open(os.path.join(src, "task.json")) as f:
        meta = json.load(f)
    work = os.path.join(tmp, name)
    shutil.copytree(os.path.join(src, "repo"), work)
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "Import " + name)
    base = git(work, "rev-parse", "HEAD", capture=True).strip()
    gold = diff_with(work, os.path.join(src, "fix"))
    test_patch = diff_with(work, os.path.join(src, "tests"))
    if not gold or not test_patch:
        sys.exit(f"make_tasks: {name}: the gold patch or the test patch is empty")
    bundle = os.path.join(out_dir, "repos", name + ".bundle")
    git(work, "bundle", "create", "-q", bundle, "main")
    with open(os.path.join(src, "issue.md")) as f:
        issue = f.read()
    f2p, p2p = meta["FAIL_TO_PASS"], meta["PASS_TO_PASS"]
    if meta.get("encode_lists"):
        f2p, p2p = json.dumps(f2p), json.dumps(p2p)
    task = {
        "instance_id": meta["instance_id"],
        "repo": "agent-examples/" + name,
        "base_commit": base,
        "problem_statement": issue,
        "hints_text": "",
        "created_at": DATE,
        "version": "1.0",
        "environment_setup_commit": base,
        "patch": gold,
        "test_patch": test_patch,
        "FAIL_TO_PASS": f2p,
        "PASS_TO_PASS": p2p,
        "repo_path": "repos/" + name + ".bundle",
        "test_cmd": meta["test_cmd"],
        "test_framework": meta["test_framework"],
    }
    if meta.get("setup_cmd"):
        task["setup_cmd"] = meta["setup_cmd"]
    return task


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=HERE, help="where repos/ and tasks.jsonl go (default: this folder)")
    args = ap.parse_args()
    os.makedirs(os.path.join(args.out, "repos"), exist_ok=True)
    names = sorted(os.listdir(os.path.join(HERE, "src")))
    with tempfile.TemporaryDirectory(prefix="make-tasks-") as tmp:
        tasks = [build_task(n, args.out, tmp) for n in names]
    tasks.sort(key=lambda t: t["instance_id"])
    with open(os.path.join(args.out, "tasks.jsonl"), "w") as f:
        for t in tasks:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    print(f"make_tasks: {len(tasks)} tasks in {os.path.join(args.out, 'tasks.jsonl')}")


if __name__ == "__main__":
    main()
