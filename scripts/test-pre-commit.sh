#!/usr/bin/env bash
# Runs this repository's hook under the real pre-commit framework in a repository made for the
# test: a staged legacy call must fail the hook, a clean change must pass, an unstaged legacy
# edit is not judged. The test repository's .pre-commit-config.yaml names this repository at its
# committed HEAD, as a user's config names a release, so pre-commit builds the hook once (with
# `cargo install`, in its cache) and reuses it for every run (`pre-commit try-repo` would build it
# again for each call: a release build of scopeshift takes minutes on 2 cores).
# Needs: python3 + pip (installs pre-commit into a temporary venv), cargo. Run from anywhere.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
rev=$(git -C "$repo" rev-parse HEAD)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q pre-commit
export PRE_COMMIT_HOME="$work/cache" PATH="$work/venv/bin:$PATH"
git init -q "$work/app"
cd "$work/app"
git config user.email t@example.com
git config user.name t
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: scopeshift
YAML
git add .pre-commit-config.yaml
git commit -qm config
hook() { pre-commit run --hook-stage pre-commit --verbose > "$work/$1.log" 2>&1; }

echo 'print("hello")' > clean.py
git add clean.py
if ! hook clean; then
  cat "$work/clean.log"; echo "FAIL: the hook rejected a clean change"; exit 1
fi
git commit -qm clean
printf 'import requests\nrequests.get(f"https://cc.voiso.com/api/v2/cdr?key={KEY}")\n' > legacy.py
git add legacy.py
if hook legacy; then
  cat "$work/legacy.log"; echo "FAIL: the hook accepted a staged legacy call"; exit 1
fi
grep -q 'legacy.py:2:.*key-in-query' "$work/legacy.log" || { cat "$work/legacy.log"; echo "FAIL: no key-in-query finding in the hook output"; exit 1; }
# an unstaged legacy edit is not judged
git reset -q legacy.py
echo 'print("ok")' > other.py
git add other.py
if ! hook unstaged; then
  cat "$work/unstaged.log"; echo "FAIL: the hook judged an unstaged file"; exit 1
fi
echo "pre-commit hook: 3 passed, 0 failed"
