#!/usr/bin/env bash
# Validates scopeshift's SARIF the way GitHub code scanning reads it, with tools independent of
# scopeshift:
#
#   scripts/validate-sarif.sh [FILE.sarif]
#
# Without an argument it builds scopeshift and validates
# `target/debug/scopeshift check --format sarif tests/fixtures/projects/demo` (run from the repo root).
# Two checks, both must pass:
#   1. The SARIF 2.1.0 JSON schema (the copy shipped inside the multitool package), with ajv. The
#      multitool silently skips a file it cannot deserialise (an unknown `level`, say: 0 results,
#      "Analysis completed successfully"), so it cannot be the only check.
#   2. Microsoft's SARIF Multitool `validate` with the SARIF rules and GitHub's rules (GH1xxx).
#      `--rule-kind "Gh;Sarif"` alone runs no GitHub rule: they are disabled by default, so a
#      configuration exported from the tool switches them on at error level; `Ghas` is the
#      current name of the rule kind (`Gh` is its obsolete alias). Any error or warning fails.
#      Notes (suggestions such as region snippets, versionControlProvenance, and "URI not
#      reachable" on a machine without a network) are counted, and printed with VERBOSE=1.
# The multitool exits 0 whatever it finds; the verdict comes from its SARIF output.
#
# Tools install from the npm registry into target/sarif-tools (once; override with
# SARIF_TOOLS_DIR). Needs node and npm; the multitool is a self-contained .NET binary (no .NET
# runtime needed). Exit: 0 valid, 1 invalid, 2 could not run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
multitool_version=5.7.0
tools=${SARIF_TOOLS_DIR:-$root/target/sarif-tools}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "validate-sarif: $*" >&2; exit 2; }

command -v node >/dev/null && command -v npm >/dev/null || fail "needs node and npm"

# --- the SARIF file
if [[ $# -ge 1 ]]; then
  input=$1 label=$1
  [[ -f $input ]] || fail "no such file: $input"
else
  label="scopeshift check --format sarif tests/fixtures/projects/demo"
  (cd "$root" && cargo build --quiet) || fail "cargo build failed"
  bin=${CARGO_TARGET_DIR:-$root/target}/debug/scopeshift
  input=$work/scopeshift.sarif
  set +e
  (cd "$root" && "$bin" check --format sarif tests/fixtures/projects/demo) > "$input"
  code=$?
  set -e
  [[ $code -le 1 ]] || fail "scopeshift check exited $code"
fi

# --- tools
installed=$(node -p "try { require('$tools/node_modules/@microsoft/sarif-multitool/package.json').version } catch { '' }")
if [[ $installed != "$multitool_version" ]] || [[ ! -d $tools/node_modules/ajv-formats ]]; then
  echo "validate-sarif: installing @microsoft/sarif-multitool@$multitool_version, ajv into $tools" >&2
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error \
    "@microsoft/sarif-multitool@$multitool_version" ajv@8 ajv-formats@3 >&2 || fail "npm install failed"
fi
# the platform package (linux, darwin or win32) holds the binary and the schema
platform_dir=$(node -p "require('path').dirname(require('$tools/node_modules/@microsoft/sarif-multitool'))") ||
  fail "no SARIF Multitool build for this platform ($(uname -sm))"
multitool=$platform_dir/Sarif.Multitool
[[ -f $multitool ]] || multitool=$platform_dir/Sarif.Multitool.exe
# npm may skip the package's postinstall (`chmod u+x`) when install scripts are not allowed
chmod u+x "$multitool"
schema=$platform_dir/sarif-2.1.0.json
# no ICU needed, no telemetry
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

status=0

# --- 1. JSON schema
cat > "$work/schema.js" <<'EOF'
const [tools, schemaPath, file] = process.argv.slice(2);
const fs = require('fs');
const Ajv2020 = require(`${tools}/node_modules/ajv/dist/2020`).default;
const addFormats = require(`${tools}/node_modules/ajv-formats`).default;
const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
delete schema.$schema; // 2020-12: ajv's 2020 build knows it; keep it from looking the URI up
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
let log;
try {
  log = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
  console.log(`schema: not JSON: ${e.message}`);
  process.exit(1);
}
const validate = ajv.compile(schema);
if (!validate(log)) {
  for (const e of validate.errors) console.log(`schema: ${e.instancePath || '/'}: ${e.message}`);
  process.exit(1);
}
console.log('schema: valid SARIF 2.1.0');
EOF
node "$work/schema.js" "$tools" "$schema" "$input" || status=1

# --- 2. the multitool, SARIF and GitHub rules
"$multitool" export-validation-config "$work/config.xml" > /dev/null || fail "multitool export-validation-config failed"
awk '
  /<Properties Key="GH[0-9]+\./ { gh = 1 }
  gh && /Key="RuleEnabled"/ { sub(/Value="Default"/, "Value=\"Error\""); gh = 0 }
  /<Property Key="RuleKinds"/ { kinds = 1 }
  kinds && /<Item>Sarif<\/Item>/ { print; print "      <Item>Ghas</Item>"; kinds = 0; next }
  { print }
' "$work/config.xml" > "$work/config-gh.xml"
grep -q 'Key="GH1005.*Options' "$work/config-gh.xml" || fail "the multitool's configuration has no GitHub rules"
"$multitool" validate --config "$work/config-gh.xml" --rule-kind "Ghas;Sarif" --level "Error;Warning;Note" \
  --output "$work/validation.sarif" "$input" > "$work/validate.log" 2>&1 ||
  { cat "$work/validate.log" >&2; fail "the multitool failed to run"; }
[[ -f $work/validation.sarif ]] || { cat "$work/validate.log" >&2; fail "the multitool wrote no output"; }
[[ ${VERBOSE:-} ]] && cat "$work/validate.log"
node - "$work/validation.sarif" "$work/validate.log" <<'EOF' || status=1
const fs = require('fs');
const [out, logFile] = process.argv.slice(2);
const run = JSON.parse(fs.readFileSync(out, 'utf8')).runs[0];
const count = { error: 0, warning: 0, note: 0 };
const noted = new Set();
for (const r of run.results || []) {
  const level = r.level || 'warning';
  count[level] = (count[level] || 0) + 1;
  if (level === 'note') noted.add(r.ruleId);
}
// the console log holds the formatted messages
const lines = fs.readFileSync(logFile, 'utf8').split('\n');
for (const l of lines) if (/: (error|warning) [A-Z]+[0-9]+:/.test(l)) console.log(l);
console.log(`multitool: ${count.error} errors, ${count.warning} warnings, ${count.note} notes` +
  (count.note ? ` (notes from ${[...noted].sort().join(', ')}; VERBOSE=1 shows them)` : ''));
process.exit(count.error || count.warning ? 1 : 0);
EOF

if [[ $status -eq 0 ]]; then echo "validate-sarif: valid: $label"; else echo "validate-sarif: NOT valid: $label"; fi
exit $status
