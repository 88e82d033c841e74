#!/usr/bin/env bash
# A fuzzing campaign over every cargo-fuzz target in fuzz/ (issue 8): each target runs for
# MINUTES with a corpus seeded from tests/fixtures and rules/, a 1 s per-input timeout, and
# libFuzzer's fork mode so a crash is saved and the run goes on. Prints the executions, the time,
# and the crashes, timeouts and OOMs of each target; reproducers land in fuzz/artifacts/TARGET/.
#
#   scripts/fuzz-campaign.sh [MINUTES] [TARGET...]      # default: 5 minutes, every target
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Not a CI step: CI may
# run a short smoke of each target (`-max_total_time=10`) when it fits the budget.
# Environment: FUZZ_JOBS (parallel fuzzing processes per target, default 1), FUZZ_RSS_MB (default 2048).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/fuzz"
minutes=${1:-5}
shift || true
secs=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
jobs=${FUZZ_JOBS:-1}
rss=${FUZZ_RSS_MB:-2048}

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

echo "building ${#targets[@]} targets..." >&2
cargo +nightly fuzz build >&2

# add one seed file, named by its hash (so seeding twice does not duplicate)
seed() { # dir file
    local h
    h=$(sha1sum "$2" | cut -c1-16)
    cp "$2" "$1/seed-$h"
}

seed_corpus() { # target
    local t=$1 dir="corpus/$1" f tmp
    mkdir -p "$dir"
    tmp=$(mktemp -d)
    case "$t" in
        url_template)
            # every URL-like token of the fixtures, one per file
            grep -rhoE "(https?://|\{\{?[A-Za-z_]+\}?\}|\\\$\{?[A-Za-z_]+\}?)[^ \"'\`)<>]*" "$root/tests/fixtures" |
                sort -u | head -n 500 | split -l 1 - "$tmp/url-"
            printf '%s' '/api/v1/{key}/balance?key=${KEY}&amp;x=1#frag' >"$tmp/u1"
            printf '%s' 'https://{cluster}.voiso.com/api/v1/#{key}/sendsms?key=%s' >"$tmp/u2"
            for f in "$tmp"/*; do
                # drop the trailing newline `split` leaves
                printf '%s' "$(cat "$f")" >"$f.t" && mv "$f.t" "$f"
            done
            ;;
        rule_pack)
            for f in "$root"/rules/vendors/*.yaml; do
                # the same vendor under another id, so it loads beside the built-in one
                sed -E 's/^id: *([a-z0-9_-]+)/id: \1-fuzz/' "$f" >"$tmp/vendor-$(basename "$f")"
            done
            cp "$root"/rules/lints/*.yaml "$tmp/"
            find "$root/tests/fixtures" -name 'manifest.yaml' -exec cp {} "$tmp/" \; 2>/dev/null || true
            i=0
            for f in $(find "$root/tests/fixtures" -name 'manifest.yaml'); do
                cp "$f" "$tmp/manifest-$i.yaml"
                i=$((i + 1))
            done
            printf '%s\n' '{"version": 1, "findings": [{"path": "a.py", "rule": "key-in-path", "fingerprint": "0123"}]}' >"$tmp/baseline.json"
            printf '%s\n' 'id: tiny' 'name: Tiny' 'hosts: ["*.tiny.example", tiny.example]' 'api_prefixes: [/api/]' \
                'key_params: [key, token]' 'auth: "Bearer x"' 'legacy:' \
                '  - {id: L1, family: v1, method: GET, path: "/api/v1/{key}/x", key: path, key_type: user, purpose: p, v4: [], mapping: inferred, unmapped: none}' \
                >"$tmp/tiny.yaml"
            ;;
        config)
            printf '%s\n' 'exclude = ["dist/**", "*.min.js"]' 'extend-exclude = ["vendor/"]' 'select = ["key-in-path"]' \
                'ignore = []' 'rules = ["packs/"]' 'manifest = "scopes.yaml"' 'baseline = "base.json"' 'format = "sarif"' \
                'max-file-size = "10M"' >"$tmp/full.toml"
            printf '%s\n' 'max-file-size = 1048576' >"$tmp/size.toml"
            printf '%s\n' 'exclude = ["a/[b", "**/x/**/*.{js,ts}", "/abs/", "./rel", "!neg"]' >"$tmp/globs.toml"
            find "$root" -maxdepth 1 -name '*.toml' -exec cp {} "$tmp/" \;
            ;;
        lang_extract)
            # each language fixture, behind the byte that picks its file name (PATHS in the target)
            python3 - "$root/tests/fixtures/languages" "$tmp" <<'PY'
import os, sys
order = ["py", "js", "ts", "tsx", "php", "java", "kt", "go", "rb", "cs", "dart", "sh", "rs", "ipynb", "md"]
src, out = sys.argv[1], sys.argv[2]
for dirpath, _, files in os.walk(src):
    for i, f in enumerate(sorted(files)):
        ext = f.rsplit(".", 1)[-1]
        if ext in order:
            data = open(os.path.join(dirpath, f), "rb").read()
            open(os.path.join(out, f"{ext}-{abs(hash(dirpath))}-{i}"), "wb").write(bytes([order.index(ext)]) + data)
PY
            ;;
        *)
            find "$root/tests/fixtures" -type f -size -64k -exec cp --backup=numbered {} "$tmp/" \;
            ;;
    esac
    for f in "$tmp"/*; do
        [ -f "$f" ] && seed "$dir" "$f"
    done
    rm -rf "$tmp"
}

mkdir -p logs
summary=()
total_execs=0
for t in "${targets[@]}"; do
    seed_corpus "$t"
    mkdir -p "artifacts/$t"
    before=$(find "artifacts/$t" -type f | wc -l)
    log="logs/$t.log"
    echo "fuzzing $t for ${secs}s ($(find "corpus/$t" -type f | wc -l) corpus files)..." >&2
    start=$(date +%s)
    # fork mode: a crash, timeout or OOM is saved to artifacts/$t/ and fuzzing goes on
    cargo +nightly fuzz run "$t" "corpus/$t" -- \
        -max_total_time="$secs" -timeout=1 -rss_limit_mb="$rss" -max_len=65536 \
        -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -print_final_stats=1 >"$log" 2>&1 || true
    wall=$(($(date +%s) - start))
    # the fuzzing time libFuzzer reports (the wall time also counts a rebuild)
    elapsed=$(grep -oE 'time: [0-9]+s' "$log" | tail -n 1 | grep -oE '[0-9]+')
    elapsed=${elapsed:-$wall}
    # fork mode's progress lines: `#EXECS: cov: … crash/timeout/oom … time: Ns job: …`
    execs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
    if [ -z "$execs" ]; then
        execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -n 1)
    fi
    execs=${execs:-0}
    total_execs=$((total_execs + execs))
    after=$(find "artifacts/$t" -type f | wc -l)
    kinds=$(find "artifacts/$t" -type f | sed -E 's#.*/([a-z-]+)-[0-9a-f]+$#\1#' | sort | uniq -c | tr -s ' ' | tr '\n' ',' || true)
    rate=$((elapsed > 0 ? execs / elapsed : 0))
    summary+=("$(printf '%-16s %8ss %12s execs %8s/s  artifacts: %s new (%s total: %s)' \
        "$t" "$elapsed" "$execs" "$rate" "$((after - before))" "$after" "${kinds%,}")")
done

echo
echo "scopeshift fuzz campaign: ${minutes} min per target, -timeout=1, fork=$jobs"
printf '%s\n' "${summary[@]}"
echo "total executions: $total_execs"
echo "logs: fuzz/logs/TARGET.log; reproducers: fuzz/artifacts/TARGET/ (replay: cargo +nightly fuzz run TARGET FILE)"
