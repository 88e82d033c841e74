#!/usr/bin/env python3
"""Compare a scopeshift JSON report with the calls gen_corpus.py planted.

    python3 bench/check_planted.py REPORT.json CORPUS.planted.json [--root CORPUS] [--strict]

A planted call counts as found when a finding is in its file on one of its lines (span), and as
found with the right rule when that finding's rule is the expected one. Decoys (in ignored files
and in binaries) and v4 calls must have no finding. Findings elsewhere are listed as "other":
the filler holds no Voiso call, so each of them is a false positive worth a look.
Calls "built in code" (the manifest's `built_in_code`: URL assembled across statements) are a
separate category, reported on their own line and per construct, with a stricter count too (a
finding on the line that places the key, not only on the base-URL constant's line); --strict does
not count them.
Exit 0 always, unless --strict: then 1 when a planted call is missed or a decoy is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def norm(path: str, root: str) -> str:
    p = path.replace("\\", "/")
    if os.path.isabs(p):
        p = os.path.relpath(p, root)
    else:
        ap = os.path.abspath(p)
        if ap.startswith(root + os.sep):
            p = os.path.relpath(ap, root)
    return p.replace(os.sep, "/").removeprefix("./")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("planted")
    ap.add_argument("--root", help="the corpus directory (default: the manifest's `root`)")
    ap.add_argument("--strict", action="store_true")
    a = ap.parse_args()
    man = json.load(open(a.planted))
    root = os.path.abspath(a.root or man["root"])
    try:
        rep = json.load(open(a.report))
        findings = rep["findings"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"check: cannot read findings from {a.report}: {e}")
        return 1 if a.strict else 0

    by_path: dict[str, list[dict]] = {}
    for f in findings:
        by_path.setdefault(norm(str(f.get("path", "")), root), []).append(f)
    used: set[int] = set()

    def hits(rec: dict, by_line: bool = True) -> list[dict]:
        out = []
        for f in by_path.get(rec["path"], []):
            line = f.get("line")
            if not by_line or (isinstance(line, int) and rec["span"][0] <= line <= rec["span"][1]):
                out.append(f)
                used.add(id(f))
        return out

    missed, wrong_rule = [], []
    for rec in man["planted"]:
        h = hits(rec)
        if not h:
            missed.append(rec)
        elif rec["expected_rule"] not in {f.get("rule") for f in h}:
            wrong_rule.append((rec, sorted({str(f.get("rule")) for f in h})))
    # built in code (gen_corpus.py --built-in): a separate category, counted on its own
    built = man.get("built_in_code", [])
    b_missed, b_wrong, b_keyline = [], [], 0
    for rec in built:
        h = hits(rec)
        if not h:
            b_missed.append(rec)
        elif rec["expected_rule"] not in {f.get("rule") for f in h}:
            b_wrong.append((rec, sorted({str(f.get("rule")) for f in h})))
        # stricter: a finding on the line that places the key, not only on the base-URL constant
        b_keyline += any(f.get("line") == rec["line"] for f in h)
    v4_flagged = [(rec, h) for rec in man["clean_v4"] if (h := hits(rec))]
    decoys = [(rec, h) for rec in man["ignored_decoys"] if (h := hits(rec))]
    bins = [(rec, h) for rec in man["binary_decoys"] if (h := hits(rec, by_line=False))]
    other = [f for f in findings if id(f) not in used]

    n = len(man["planted"])
    print(f"planted legacy calls found: {n - len(missed)}/{n} "
          f"(with the expected rule: {n - len(missed) - len(wrong_rule)}/{n})")
    for rec in missed[:15]:
        print(f"  missed {rec['id']} {rec['kind']:<5} {rec['form']:<6} {rec['path']}:{rec['line']}  {rec['method']} {rec['url']}")
    for rec, rules in wrong_rule[:15]:
        print(f"  rule   {rec['id']} {rec['path']}:{rec['line']} expected {rec['expected_rule']}, got {', '.join(rules)}")
    if built:
        nb = len(built)
        print(f"built-in-code legacy calls found: {nb - len(b_missed)}/{nb} "
              f"(with the expected rule: {nb - len(b_missed) - len(b_wrong)}/{nb}; "
              f"a finding on the key's line: {b_keyline}/{nb})")
        by_c: dict[str, list[int]] = {}
        for rec in built:
            c = by_c.setdefault(rec["construct"], [0, 0])
            c[1] += 1
            c[0] += rec not in b_missed
        print("  by construct: " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(by_c.items())))
        for rec in b_missed[:25]:
            print(f"  missed {rec['id']} {rec['construct']:<16} {rec['path']}:{rec['line']}  {rec['method']} {rec['url']}")
        for rec, rules in b_wrong[:15]:
            print(f"  rule   {rec['id']} {rec['path']}:{rec['line']} expected {rec['expected_rule']}, got {', '.join(rules)}")
    print(f"v4 calls with a finding: {len(v4_flagged)}/{len(man['clean_v4'])}")
    for rec, h in v4_flagged[:5]:
        print(f"  {rec['id']} {rec['path']}:{rec['line']} {', '.join(sorted({str(f.get('rule')) for f in h}))}")
    print(f"ignored-file decoys reported: {len(decoys)}/{len(man['ignored_decoys'])} (want 0)")
    for rec, _h in decoys[:5]:
        print(f"  {rec['id']} {rec['path']}:{rec['line']}")
    print(f"binary-file decoys reported: {len(bins)}/{len(man['binary_decoys'])} (want 0)")
    for rec, _h in bins[:5]:
        print(f"  {rec['path']}")
    print(f"other findings (not planted; false positives?): {len(other)}")
    for f in other[:10]:
        print(f"  {f.get('rule')} {norm(str(f.get('path', '')), root)}:{f.get('line')}  {str(f.get('snippet', ''))[:80]}")
    bad = bool(missed or decoys or bins)
    return 1 if (a.strict and bad) else 0


if __name__ == "__main__":
    sys.exit(main())
