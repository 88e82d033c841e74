#!/usr/bin/env bash
# Instruction counts for scopeshift under callgrind: a repeatable figure (it does not depend on the
# load of the machine, unlike wall time) and the functions that execute the most instructions.
#
#   bench/callgrind.sh [CORPUS_DIR]      default: /tmp/scopeshift-callgrind-corpus (20 MiB, seed 1)
#
# Environment: SIZE_MB (default 20), SEED (default 1), SKIP_BUILD=1, SCOPESHIFT=PATH,
# OUT=DIR (default /tmp/scopeshift-callgrind-out), TOP=N functions to list (default 25).
#
# scopeshift runs with --threads 1 (valgrind runs threads one at a time anyway; one thread keeps
# the count independent of scheduling). The release profile keeps debug info, so
# callgrind_annotate names the functions.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CORPUS=${1:-/tmp/scopeshift-callgrind-corpus}
CORPUS=${CORPUS%/}
SIZE_MB=${SIZE_MB:-20}
SEED=${SEED:-1}
OUT=${OUT:-/tmp/scopeshift-callgrind-out}
TOP=${TOP:-25}
SS=${SCOPESHIFT:-$ROOT/target/release/scopeshift}

say() { printf '%s\n' "callgrind: $*" >&2; }
command -v valgrind > /dev/null || { say "valgrind is missing (apt-get install valgrind)"; exit 1; }
if [[ -z ${SCOPESHIFT:-} && ${SKIP_BUILD:-0} != 1 ]]; then
    (cd "$ROOT" && cargo build --release --quiet)
fi
if [[ ! -e $CORPUS ]]; then
    say "generating a ${SIZE_MB} MiB corpus in $CORPUS (seed $SEED)"
    python3 "$ROOT/bench/gen_corpus.py" --out "$CORPUS" --size-mb "$SIZE_MB" --seed "$SEED" -q
fi
mkdir -p "$OUT"
say "$(valgrind --version), scopeshift $("$SS" --version | awk '{print $2}'), corpus $CORPUS ($(du -sh "$CORPUS" | cut -f 1))"
valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" \
    "$SS" check --format json --exit-zero --threads 1 "$CORPUS" > "$OUT/report.json" 2> "$OUT/valgrind.log"
grep -E 'Collected|refs' "$OUT/valgrind.log" >&2 || true
# callgrind_annotate lists "file:function" (an inlined function shows up under each source file it
# came from): self counts are summed by function, inclusive ones (which overlap) take the largest
top() { # inclusive=yes|no
    callgrind_annotate --inclusive="$1" --threshold=100 --auto=no "$OUT/callgrind.out" 2> /dev/null | python3 -c '
import re, sys
top, total, agg = int(sys.argv[1]), None, {}
for ln in sys.stdin:
    m = re.match(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*?)\s*$", ln)
    if not m:
        continue
    n, what = int(m.group(1).replace(",", "")), m.group(2)
    if what.startswith("PROGRAM TOTALS"):
        total = n
        continue
    if re.search(r"\([\d,]+x\)$", what) or what.startswith("events annotated"):
        continue  # call-graph edges and the annotation footer, not function totals
    what = re.sub(r" \[[^\]]*\]$", "", what)
    fn = what.split(":", 1)[1] if ":" in what else what
    # self: an inlined function appears once per source file: add; inclusive: those overlap: max
    agg[fn] = agg.get(fn, 0) + n if sys.argv[2] == "no" else max(agg.get(fn, 0), n)
print(f"{total:>15,}  100.0%  PROGRAM TOTALS (instructions)")
for fn, n in sorted(agg.items(), key=lambda kv: -kv[1])[:top]:
    print(f"{n:>15,}  {100 * n / total:5.1f}%  {fn[:110]}")
' "$TOP" "$1"
}
echo "self (instructions in the function itself, inlined code included), top $TOP:"
top no | tee "$OUT/top-self.txt"
echo
echo "inclusive (callees counted), top $TOP:"
top yes | tee "$OUT/top-inclusive.txt"
