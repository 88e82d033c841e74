#!/usr/bin/env python3
"""Recall of the planted legacy Voiso calls from any tool's output (bench/peers.sh).

    python3 bench/peer_recall.py TOOL OUTPUT CORPUS.planted.json [--root CORPUS] [--json]

TOOL is one of: scopeshift, rg, ast-grep, semgrep, kingfisher, detect-secrets. Each adapter turns
the tool's output into hits (file relative to the corpus, 1-based line). A planted call counts as
found when a hit is in its file within its line span; for the calls built in code the stricter
count "key line" needs a hit on the line that places the key (the f-string, the params entry, the
Sprintf ...) or a hit whose range covers it (a whole call), not only on the base-URL constant a few
lines up. Hits in the spans of v4 calls and
of decoys (in ignored files, in binaries) are counted too: they should be 0. Every other hit line
is "other": the filler holds no Voiso call, so those are false positives of the tool's rules (for
the secret scanners: whatever secret-looking strings they found in the filler).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys


def norm(path: str, root: str) -> str:
    p = path.replace("\\", "/")
    if os.path.isabs(p):
        p = os.path.relpath(p, root)
    else:
        ap = os.path.abspath(p)
        if ap.startswith(root + os.sep):
            p = os.path.relpath(ap, root)
        elif p.startswith(os.path.basename(root) + "/"):  # detect-secrets: paths relative to the cwd
            p = p[len(os.path.basename(root)) + 1:]
    return p.replace(os.sep, "/").removeprefix("./")


# --- adapters: tool output -> [(path, first line, last line)] (1-based; 0 = whole file)

def hits_scopeshift(text: str):
    for f in json.loads(text)["findings"]:
        ln = int(f.get("line") or 0)
        yield f["path"], ln, int(f.get("end_line") or ln)


def hits_rg(text: str):
    # `rg -n --with-filename --no-heading`: PATH:LINE:TEXT (the corpus has no ':' in its paths)
    for ln in text.splitlines():
        m = re.match(r"^(.*?):(\d+):", ln)
        if m:
            yield m.group(1), int(m.group(2)), int(m.group(2))


def hits_ast_grep(text: str):
    for ln in text.splitlines():  # --json=stream; ast-grep lines are 0-based
        if ln.strip():
            d = json.loads(ln)
            yield d["file"], int(d["range"]["start"]["line"]) + 1, int(d["range"]["end"]["line"]) + 1


def hits_semgrep(text: str):
    for r in json.loads(text)["results"]:
        yield r["path"], int(r["start"]["line"]), int(r["end"]["line"])


def hits_kingfisher(text: str):
    for f in json.loads(text).get("findings", []):
        fd = f.get("finding", f)
        ln = int(fd.get("line") or 0)
        yield fd.get("path", ""), ln, ln


def hits_detect_secrets(text: str):
    for path, lst in json.loads(text).get("results", {}).items():
        for x in lst:
            ln = int(x.get("line_number") or 0)
            yield path, ln, ln


ADAPTERS = {"scopeshift": hits_scopeshift, "rg": hits_rg, "ast-grep": hits_ast_grep, "semgrep": hits_semgrep,
            "kingfisher": hits_kingfisher, "detect-secrets": hits_detect_secrets}


def evaluate(tool: str, text: str, man: dict, root: str) -> dict:
    hits: dict[str, set[int]] = {}  # path -> first lines of hits
    ranges: dict[str, list[tuple[int, int]]] = {}  # path -> (first, last) line of each hit
    n_hits = 0
    for path, line, end in ADAPTERS[tool](text):
        p = norm(str(path), root)
        hits.setdefault(p, set()).add(line)
        ranges.setdefault(p, []).append((line, max(end, line)))
        n_hits += 1
    used: set[tuple[str, int]] = set()

    def in_span(rec: dict) -> list[int]:
        out = [ln for ln in hits.get(rec["path"], ()) if rec["span"][0] <= ln <= rec["span"][1]]
        used.update((rec["path"], ln) for ln in out)
        return out

    planted = man["planted"]
    built = man.get("built_in_code", [])
    p_found = [rec for rec in planted if in_span(rec)]
    b_found, b_key = [], []
    for rec in built:
        h = in_span(rec)
        if h:
            b_found.append(rec)
        # the key line: a hit that starts on it or whose range covers it (Semgrep reports a whole
        # call `requests.get(URL, params={"key": k})` from its first line)
        if any(rec["span"][0] <= a <= rec["line"] <= b for a, b in ranges.get(rec["path"], ())):
            b_key.append(rec)
    v4 = [rec for rec in man["clean_v4"] if in_span(rec)]
    dec = [rec for rec in man["ignored_decoys"] if in_span(rec)]
    bins = []
    for rec in man["binary_decoys"]:
        if rec["path"] in hits:
            bins.append(rec)
            used.update((rec["path"], ln) for ln in hits[rec["path"]])
    other = sorted((p, ln) for p, lns in hits.items() for ln in lns if (p, ln) not in used)
    by_form: dict[str, list[int]] = {}
    for rec in planted:
        c = by_form.setdefault(rec["form"], [0, 0])
        c[1] += 1
        c[0] += rec in p_found
    by_construct: dict[str, list[int]] = {}
    for rec in built:
        c = by_construct.setdefault(rec["construct"], [0, 0, 0])
        c[2] += 1
        c[0] += rec in b_found
        c[1] += rec in b_key
    return {
        "tool": tool, "hits": n_hits, "hit_lines": sum(map(len, hits.values())),
        "planted": [len(p_found), len(planted)], "planted_by_form": by_form,
        "built_in_code": [len(b_found), len(built)], "built_in_code_key_line": [len(b_key), len(built)],
        "built_by_construct": by_construct,
        "v4_flagged": [len(v4), len(man["clean_v4"])], "ignored_decoys": [len(dec), len(man["ignored_decoys"])],
        "binary_decoys": [len(bins), len(man["binary_decoys"])], "other_lines": len(other),
        "other_sample": [f"{p}:{ln}" for p, ln in other[:5]],
        "planted_missed": [r["id"] for r in planted if r not in p_found],
        "built_missed": [r["id"] for r in built if r not in b_found],
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("tool", choices=sorted(ADAPTERS))
    ap.add_argument("output")
    ap.add_argument("planted")
    ap.add_argument("--root", help="the corpus directory (default: the manifest's `root`)")
    ap.add_argument("--json", action="store_true", help="one JSON object instead of text")
    a = ap.parse_args()
    man = json.load(open(a.planted))
    root = os.path.abspath(a.root or man["root"])
    try:
        text = open(a.output, encoding="utf-8", errors="replace").read()
        r = evaluate(a.tool, text, man, root)
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"peer_recall: cannot read {a.tool} output {a.output}: {e}", file=sys.stderr)
        return 1
    if a.json:
        print(json.dumps(r))
        return 0
    f = lambda x: f"{x[0]}/{x[1]}"  # noqa: E731
    print(f"{a.tool}: planted {f(r['planted'])} ("
          + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(r["planted_by_form"].items()))
          + f"); built in code {f(r['built_in_code'])} in span, {f(r['built_in_code_key_line'])} on the key line")
    if r["built_by_construct"]:
        print("  built in code by construct (span, key line): "
              + ", ".join(f"{k} {v[0]}/{v[1]}/{v[2]}" for k, v in sorted(r["built_by_construct"].items())))
    print(f"  v4 flagged {f(r['v4_flagged'])}, ignored decoys {f(r['ignored_decoys'])}, binary decoys "
          f"{f(r['binary_decoys'])}; {r['hits']} hits on {r['hit_lines']} lines, {r['other_lines']} other lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
