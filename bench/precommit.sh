#!/usr/bin/env bash
# Pre-commit speed: `scopeshift check --staged` on a 10-file change in a large repository, and
# `scopeshift check FILE` on one file. Whole process, warm cache, median of RUNS runs.
# usage: bench/precommit.sh [REPO_DIR] [RUNS]   (REPO_DIR default /tmp/scopeshift-precommit-repo)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
repo=${1:-/tmp/scopeshift-precommit-repo}
runs=${2:-21}
bin=${SCOPESHIFT:-$root/target/release/scopeshift}
[ -n "${SKIP_BUILD:-}" ] || (cd "$root" && cargo build --release --quiet)
if [ ! -d "$repo/.git" ]; then
  echo "creating $repo: 20,000 tracked files" >&2
  mkdir -p "$repo"
  python3 - "$repo" <<'PY'
import os, random, sys
root = sys.argv[1]
r = random.Random(7)
words = "client request response handler config service user account token session cache".split()
for i in range(20000):
    d = os.path.join(root, f"pkg{i % 200:03d}", f"mod{i % 7}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"file{i}.py"), "w") as f:
        for j in range(r.randint(20, 120)):
            f.write(f"def {r.choice(words)}_{j}(x):\n    return fetch('https://api.example.com/v1/{r.choice(words)}?page={j}')\n")
PY
  git -C "$repo" init -q
  git -C "$repo" add -A
  git -C "$repo" -c user.name=b -c user.email=b@example.com commit -qm init
fi
# a 10-file change: 9 clean edits and 1 legacy call, staged. In the generated repository the
# files are fixed; in any other repository (a real one: REPO_DIR is yours) 10 tracked files spread
# over the tree, each edited by an appended line in its own comment syntax
cd "$repo"
git reset -q --hard
if [ -f pkg000/mod0/file0.py ]; then
  files=(pkg000/mod0/file0.py)
  for i in 1 2 3 4 5 6 7 8 9; do files+=("pkg00$i/mod$((i % 7))/file$i.py"); done
else
  mapfile -t files < <(git ls-files -- '*.py' '*.c' '*.go' '*.js' '*.ts' '*.sh' | awk 'NR % 997 == 1' | head -n 10)
fi
for f in "${files[@]:1}"; do
  case $f in *.py | *.sh) echo "# edit $RANDOM" >> "$f" ;; *) echo "/* edit $RANDOM */" >> "$f" ;; esac
done
case ${files[0]} in
  *.py) printf 'import requests\nrequests.get(f"https://cc.voiso.com/api/v2/cdr?key={KEY}")\n' >> "${files[0]}" ;;
  *) printf '/* GET https://cc.voiso.com/api/v2/cdr?key={KEY} */\n' >> "${files[0]}" ;;
esac
git add -- "${files[@]}"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_ms() {
  local s e
  s=$EPOCHREALTIME; "$@" > /dev/null 2>&1 || true; e=$EPOCHREALTIME
  awk -v s="$s" -v e="$e" 'BEGIN {printf "%.2f\n", (e - s) * 1000}'
}
"$bin" check --staged > /dev/null 2>&1 || true   # warm-up
staged=$(for _ in $(seq "$runs"); do time_ms "$bin" check --staged; done | median)
single=$(for _ in $(seq "$runs"); do time_ms "$bin" check "${files[0]}"; done | median)
status=$("$bin" check --staged --format concise 2>&1 | head -1 || true)
git reset -q --hard
echo "check --staged, 10 staged files in a $(git ls-files | wc -l)-file repository: median ${staged} ms over $runs runs"
echo "check FILE (one file): median ${single} ms over $runs runs"
echo "first finding: $status"
