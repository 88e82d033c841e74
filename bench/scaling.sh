#!/usr/bin/env bash
# Catalog scaling: the same scan with the built-in catalogs and with 20 more copies of the Voiso
# catalog loaded as extra vendors (`--rules`, each on its own host and name), so the catalog is
# about 20x larger (hosts, endpoints, scopes, prefilter literals). Per-file cost must not grow
# with it: the prefilter is one automaton, endpoint lookup a trie walk.
# usage: bench/scaling.sh [CORPUS_DIR] [RUNS] [COPIES]   (defaults: /tmp/scopeshift-corpus, 5, 20)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-/tmp/scopeshift-corpus}
runs=${2:-5}
copies=${3:-20}
bin=${SCOPESHIFT:-$root/target/release/scopeshift}
[ -n "${SKIP_BUILD:-}" ] || (cd "$root" && cargo build --release --quiet)
[ -d "$corpus" ] || python3 "$root/bench/gen_corpus.py" --out "$corpus" --size-mb "${SIZE_MB:-1024}"
packs=$(mktemp -d)
trap 'rm -rf "$packs"' EXIT
for i in $(seq 1 "$copies"); do
  sed -e "s/^id: voiso$/id: copy$i/" -e "s/^name: Voiso$/name: Copy$i/" \
      -e "s/\"\\*\\.voiso\\.com\", \"voiso\\.com\"/\"*.copy${i}vendor.example\"/" \
      -e "s/^prefilter: \\[voiso\\]/prefilter: [copy${i}vendor]/" -e "s/^secret_names: \\[voiso\\]/secret_names: [copy${i}vendor]/" \
      "$root/rules/vendors/voiso.yaml" > "$packs/copy$i.yaml"
done
"$bin" rules --rules "$packs" > /dev/null   # the packs load
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
t() { local s e; s=$EPOCHREALTIME; "$@" > /dev/null; e=$EPOCHREALTIME; awk -v s="$s" -v e="$e" 'BEGIN {printf "%.3f\n", e - s}'; }
"$bin" check --format json --exit-zero "$corpus" > /dev/null; "$bin" check --format json --exit-zero --rules "$packs" "$corpus" > /dev/null
base=(); big=()
for _ in $(seq "$runs"); do
  base+=("$(t "$bin" check --format json --exit-zero "$corpus")")
  big+=("$(t "$bin" check --format json --exit-zero --rules "$packs" "$corpus")")
done
b=$(printf '%s\n' "${base[@]}" | median); g=$(printf '%s\n' "${big[@]}" | median)
echo "built-in catalog: median ${b} s; with ${copies} extra copies of the Voiso catalog: median ${g} s; ratio $(awk -v a="$g" -v b="$b" 'BEGIN {printf "%.2f", a / b}')x ($runs alternating runs)"
