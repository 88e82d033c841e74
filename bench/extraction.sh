#!/usr/bin/env bash
# What language-aware extraction costs: real source files (this machine's Python standard
# library and site-packages, npm's global packages, the Rust crates in cargo's registry, the Go
# source tree of golang-src when installed), each
# with one comment line naming a legacy Voiso URL appended, so that EVERY file passes the
# prefilter and is parsed: the worst case. The same tree is scanned with parsing
# (the default) and with the generic extractor alone (SCOPESHIFT_NO_PARSE=1), alternating.
#
#   bench/extraction.sh [RUNS]          # default 5; MB_PER_LANG=40 by default
#
# The comment gives no finding when the file is parsed (a URL in a comment is documentation),
# and one per file with the generic extractor alone: that difference is printed too.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
MB=${MB_PER_LANG:-40}
DIR=${DIR:-/tmp/scopeshift-extraction}
BIN=${SCOPESHIFT:-target/release/scopeshift}
[ -n "${SKIP_BUILD:-}" ] || [ -n "${SCOPESHIFT:-}" ] || cargo build --release --quiet

if [ ! -f "$DIR/.complete" ]; then
  rm -rf "$DIR"
  mkdir -p "$DIR"
  python3 - "$DIR" "$MB" <<'PY'
import os, sys, glob, sysconfig
out, mb = sys.argv[1], int(sys.argv[2])
sources = {
    "py": (sysconfig.get_paths()["stdlib"], ".py", "# see https://cc-ams03.voiso.com/api/v1/KEY/balance\n"),
    "js": ("/usr/lib/node_modules", ".js", "// see https://cc-ams03.voiso.com/api/v1/KEY/balance\n"),
    "rs": (os.path.expanduser("~/.cargo/registry/src"), ".rs", "// see https://cc-ams03.voiso.com/api/v1/KEY/balance\n"),
    # the Go source tree of Debian's golang-src package (apt-get install golang-src) when present
    "go": (next(iter(sorted(glob.glob("/usr/share/go-1.*/src"))), os.path.expanduser("~/.cargo/registry/src")), ".go", "// see https://cc-ams03.voiso.com/api/v1/KEY/balance\n"),
    "sh": ("/usr", ".sh", "# see https://cc-ams03.voiso.com/api/v1/KEY/balance\n"),
}
for lang, (root, ext, line) in sources.items():
    budget = mb * 1024 * 1024
    n = 0
    for dirpath, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            if not f.endswith(ext) or budget <= 0:
                continue
            p = os.path.join(dirpath, f)
            try:
                data = open(p, "rb").read()
            except OSError:
                continue
            if len(data) > 1_000_000 or b"\0" in data:
                continue
            dst = os.path.join(out, lang, f"{n:06d}{ext}")
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(dst, "wb") as w:
                w.write(data)
                if not data.endswith(b"\n"):
                    w.write(b"\n")
                w.write(line.encode())
            budget -= len(data)
            n += 1
        if budget <= 0:
            break
    print(f"{lang}: {n} files, {(mb * 1024 * 1024 - max(budget, 0)) / 1048576:.1f} MiB", file=sys.stderr)
PY
  touch "$DIR/.complete"
fi

bytes=$(du -sb "$DIR" | cut -f1)
files=$(find "$DIR" -type f ! -name .complete | wc -l)
echo "tree: $DIR, $files files, $((bytes / 1048576)) MiB (every file passes the prefilter)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

run() { # mode -> seconds
  local t0 t1
  t0=$EPOCHREALTIME
  if [ "$1" = parse ]; then
    "$BIN" check --format json --exit-zero "$DIR" >/tmp/extraction-$1.json 2>/dev/null
  else
    SCOPESHIFT_NO_PARSE=1 "$BIN" check --format json --exit-zero "$DIR" >/tmp/extraction-$1.json 2>/dev/null
  fi
  t1=$EPOCHREALTIME
  python3 -c "print(f'{$t1 - $t0:.3f}')"
}
run parse >/dev/null; run generic >/dev/null
declare -a P G
for _ in $(seq "$RUNS"); do
  P+=("$(run parse)")
  G+=("$(run generic)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mp=$(median "${P[@]}")
mg=$(median "${G[@]}")
python3 - "$mp" "$mg" "$bytes" "$files" <<'PY'
import json, sys
mp, mg, b, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
mib = b / 1048576
print(f"parse + extract: median {mp:.3f} s ({mib / mp:.0f} MiB/s)")
print(f"generic only:    median {mg:.3f} s ({mib / mg:.0f} MiB/s)")
print(f"extraction cost: {mp - mg:+.3f} s for {n} files = {(mp - mg) / mib * 1000:.1f} ms per MiB parsed ({mp / mg:.2f}x)")
for mode in ("parse", "generic"):
    d = json.load(open(f"/tmp/extraction-{mode}.json"))
    errs = d.get("errors", [])
    parse_errs = sum(1 for e in errs if "generic extractor" in e.get("message", ""))
    print(f"{mode}: {len(d['findings'])} findings, {len(errs)} errors ({parse_errs} files that did not parse)")
PY
