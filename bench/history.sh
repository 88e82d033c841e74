#!/usr/bin/env bash
# History speed: `scopeshift check --history` on a repository with many commits, built with
# `git fast-import` (no real repository with thousands of commits can be fetched here).
# usage: bench/history.sh [REPO_DIR] [COMMITS]   (default /tmp/scopeshift-history-repo, 3000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
repo=${1:-/tmp/scopeshift-history-repo}
commits=${2:-3000}
bin=${SCOPESHIFT:-$root/target/release/scopeshift}
[ -n "${SKIP_BUILD:-}" ] || (cd "$root" && cargo build --release --quiet)
if [ ! -d "$repo/.git" ]; then
  mkdir -p "$repo" && git -C "$repo" init -q
  python3 - "$commits" <<'PY' | git -C "$repo" fast-import --quiet
import random, sys
n = int(sys.argv[1]); r = random.Random(11)
words = "client request response handler config service user account token session cache".split()
def body(i):
    lines = []
    for j in range(r.randint(40, 400)):
        w = r.choice(words)
        lines.append(f"def {w}_{j}(x):\n    return fetch('https://api.example.com/v1/{w}?page={j}')\n")
    if i % 97 == 0:  # a key committed now and then, later overwritten
        lines.append(f"VOISO_API_KEY = '{r.getrandbits(192):048x}'\n")
    return "".join(lines).encode()
mark = 0
for c in range(n):
    print("commit refs/heads/main")
    print(f"committer bench <b@example.com> {1700000000 + c * 3600} +0000")
    msg = f"change {c}".encode(); print(f"data {len(msg)}"); sys.stdout.flush(); sys.stdout.buffer.write(msg + b"\n")
    for k in range(r.randint(1, 6)):
        path = f"pkg{r.randint(0, 300):03d}/mod{r.randint(0, 9)}.py"
        data = body(c)
        print(f"M 100644 inline {path}"); print(f"data {len(data)}"); sys.stdout.flush()
        sys.stdout.buffer.write(data + b"\n"); sys.stdout.buffer.flush()
PY
  git -C "$repo" checkout -q main
fi
cd "$repo"
blobs=$(git rev-list --objects --all | cut -d' ' -f1 | git cat-file --batch-check='%(objecttype) %(objectsize)' | awk '$1=="blob"{n++; s+=$2} END {print n, s}')
read -r nblobs bytes <<< "$blobs"
"$bin" check --history --format json --exit-zero > /tmp/scopeshift-history.json   # warm-up
best=""
for _ in 1 2 3 4 5; do
  s=$EPOCHREALTIME; "$bin" check --history --format json --exit-zero > /dev/null; e=$EPOCHREALTIME
  best+="$(awk -v s="$s" -v e="$e" 'BEGIN {printf "%.3f", e - s}')"$'\n'
done
med=$(printf '%s' "$best" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
plain=$(s=$EPOCHREALTIME; "$bin" check --format json --exit-zero > /dev/null; e=$EPOCHREALTIME; awk -v s="$s" -v e="$e" 'BEGIN {printf "%.3f", e - s}')
found=$(python3 -c 'import json; d=json.load(open("/tmp/scopeshift-history.json")); print(sum(1 for f in d["findings"] if f["commit"]))')
echo "repository: $(git rev-list --count HEAD) commits, $nblobs distinct blobs, $((bytes / 1048576)) MiB of blob content"
echo "check --history: median ${med} s over 5 runs ($(awk -v b="$bytes" -v t="$med" 'BEGIN {printf "%.0f", b / 1048576 / t}') MiB/s); plain check of the work tree: ${plain} s"
echo "history findings: $found"
