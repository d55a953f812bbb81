#!/usr/bin/env python3
"""Checks an import of a generated batch against its truth.json (see
../shared/corpus/README.md). Usage: score_corpus.py TRUTH.json COPIES.json

Pass when
- every page of the truth is in the output at its truth position: same PDF page, same
  half, same rotation, and, within its copy, in the truth's order;
- no output copy mixes pages of two truth copies (a wrong join);
- every automatic identification names the truth's student (the worst error);
- a truth copy split into several output copies (a second sheet left for review because
  its header could not be tied to the first) is allowed only when every part after the
  first waits for review; such splits are counted and printed.
Prints one JSON line and exits 0 on pass, 1 otherwise.
"""
import json
import sys


def pages_of_truth(copy):
    pages = {}
    for s in copy["scans"]:
        rot = 180 if s.get("rotated_180") else 0
        if "halves" in s:
            for half, num in s["halves"].items():
                pages[num] = (s["pdf_page"] - 1, half, rot)
        else:
            pages[s["page"]] = (s["pdf_page"] - 1, "full", rot)
    return [pages[k] for k in sorted(pages)]


def main(truth_path, copies_path):
    truth = json.load(open(truth_path, encoding="utf-8"))
    copies = json.load(open(copies_path, encoding="utf-8"))
    owner = {}
    for t, c in enumerate(truth["copies"]):
        for pos in pages_of_truth(c):
            owner[pos] = t
    errors, splits, auto, wrong = [], 0, 0, 0
    parts = {}
    for c in copies:
        pages = sorted(c["pages"], key=lambda p: p["number"])
        keys = [(p["source"]["index"], p["source"]["half"], p["source"]["rotation"]) for p in pages]
        owners = {owner.get(k) for k in keys}
        if None in owners:
            errors.append(f"copy {c['id']}: a page not at any truth position: {keys}")
            continue
        if len(owners) > 1:
            errors.append(f"copy {c['id']}: mixes truth copies {sorted(owners)}")
            continue
        t = owners.pop()
        parts.setdefault(t, []).append((keys, c))
        student = (c.get("student") or {}).get("email")
        if student and c.get("status") not in ("needs_review",) and c.get("identified_by") != "manual":
            auto += 1
            if student != truth["copies"][t]["email"]:
                wrong += 1
                errors.append(f"copy {c['id']}: identified as {student}, written by {truth['copies'][t]['email']}")
    for t, c in enumerate(truth["copies"]):
        expected = pages_of_truth(c)
        got = parts.get(t, [])
        flat = [k for keys, _ in got for k in keys]
        if flat != expected:
            errors.append(f"truth copy {t} ({c['name']}): pages {flat} instead of {expected}")
        if len(got) > 1:
            splits += 1
            if any(part.get("status") != "needs_review" for _, part in got[1:]):
                errors.append(f"truth copy {t} ({c['name']}): split, and a later part does not wait for review")
    known = sum(1 for c in truth["copies"] if c["email"])
    print(json.dumps({"copies": len(truth["copies"]), "split_for_review": splits, "auto_identified": auto,
                      "auto_rate": round(auto / known, 3) if known else None, "wrong_auto": wrong,
                      "errors": errors[:5]}))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
