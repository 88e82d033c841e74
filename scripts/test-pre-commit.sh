#!/usr/bin/env bash
# Runs this repository's hook under the real pre-commit framework (`pre-commit try-repo`) in a
# repository made for the test: a staged legacy call must fail the hook, a clean change must pass.
# Needs: python3 + pip (installs pre-commit into a temporary venv), cargo (pre-commit builds the
# hook with `cargo install`). Run from anywhere; uses the committed HEAD of this repository.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q pre-commit
export PRE_COMMIT_HOME="$work/cache" PATH="$work/venv/bin:$PATH"
git init -q "$work/app"
cd "$work/app"
git config user.email t@example.com
git config user.name t
echo 'print("hello")' > clean.py
git add clean.py
if ! pre-commit try-repo "$repo" scopeshift --verbose > "$work/clean.log" 2>&1; then
  cat "$work/clean.log"; echo "FAIL: the hook rejected a clean change"; exit 1
fi
git commit -qm clean
printf 'import requests\nrequests.get(f"https://cc.voiso.com/api/v2/cdr?key={KEY}")\n' > legacy.py
git add legacy.py
if pre-commit try-repo "$repo" scopeshift --verbose > "$work/legacy.log" 2>&1; then
  cat "$work/legacy.log"; echo "FAIL: the hook accepted a staged legacy call"; exit 1
fi
grep -q 'legacy.py:2:.*key-in-query' "$work/legacy.log" || { cat "$work/legacy.log"; echo "FAIL: no key-in-query finding in the hook output"; exit 1; }
# an unstaged legacy edit is not judged
git reset -q legacy.py
echo 'print("ok")' > other.py
git add other.py
if ! pre-commit try-repo "$repo" scopeshift --verbose > "$work/unstaged.log" 2>&1; then
  cat "$work/unstaged.log"; echo "FAIL: the hook judged an unstaged file"; exit 1
fi
echo "pre-commit hook: 3 passed, 0 failed"
