"""Score `harvester scan --jsonl` against the hand-labelled holdout corpus.

Usage: .venv/bin/python bench/holdout/score.py [--file holdout.jsonl] [--harvester PATH] [--json OUT]

Micro precision / recall / F1 over (id, domain) pairs, overall and per language, followed by
every false positive and false negative with its comment text. Domains are compared exactly
(the contract stores lowercase Unicode registrable domains)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_HARVESTER = HERE.parent.parent / ".venv" / "bin" / "harvester"


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def run_extractor(rows: list[dict], harvester: str) -> tuple[dict[str, set[str]], str, int]:
    stdin = "".join(json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) + "\n" for r in rows)
    proc = subprocess.run(
        [harvester, "scan", "--jsonl"],
        input=stdin.encode("utf-8"),
        capture_output=True,
        timeout=600,
    )
    predicted: dict[str, set[str]] = {}
    for n, line in enumerate(proc.stdout.decode("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            print(f"warning: unparsable output line {n}: {line!r}", file=sys.stderr)
            continue
        predicted.setdefault(str(obj["id"]), set()).update(obj.get("domains") or [])
    return predicted, proc.stderr.decode("utf-8", "replace"), proc.returncode


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", default=str(HERE / "holdout.jsonl"))
    ap.add_argument("--harvester", default=str(DEFAULT_HARVESTER))
    ap.add_argument("--json", help="also write metrics and misses to this JSON file")
    args = ap.parse_args()

    rows = load(Path(args.file))
    predicted, stderr, rc = run_extractor(rows, args.harvester)
    if rc != 0 or stderr.strip():
        print(f"harvester exit code {rc}; stderr:\n{stderr}", file=sys.stderr)
    missing = [r["id"] for r in rows if r["id"] not in predicted]
    if missing:
        print(f"warning: no output line for {len(missing)} ids: {missing[:20]}", file=sys.stderr)

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    fps, fns = [], []
    for r in rows:
        gold = set(r["domains"])
        pred = predicted.get(r["id"], set())
        for key in ("all", r["lang"]):
            c = counts[key]
            c[0] += len(gold & pred)
            c[1] += len(pred - gold)
            c[2] += len(gold - pred)
        for d in sorted(pred - gold):
            fps.append(
                {
                    "id": r["id"],
                    "lang": r["lang"],
                    "domain": d,
                    "gold": sorted(gold),
                    "pred": sorted(pred),
                    "text": r["text"],
                }
            )
        for d in sorted(gold - pred):
            fns.append(
                {
                    "id": r["id"],
                    "lang": r["lang"],
                    "domain": d,
                    "gold": sorted(gold),
                    "pred": sorted(pred),
                    "text": r["text"],
                }
            )

    langs = ["all"] + sorted({r["lang"] for r in rows})
    metrics = {k: prf(*counts[k]) for k in langs}
    print(f"{len(rows)} comments, {sum(len(r['domains']) for r in rows)} gold (id, domain) pairs\n")
    print(f"{'lang':<5} {'TP':>4} {'FP':>4} {'FN':>4} {'P':>7} {'R':>7} {'F1':>7}")
    for k in langs:
        m = metrics[k]
        print(
            f"{k:<5} {m['tp']:>4} {m['fp']:>4} {m['fn']:>4} {m['precision']:>7.3f} {m['recall']:>7.3f} {m['f1']:>7.3f}"
        )

    print(f"\nFALSE POSITIVES ({len(fps)})")
    for x in fps:
        print(f"  {x['id']} [{x['lang']}] +{x['domain']}  gold={x['gold']}  pred={x['pred']}\n      {x['text']}")
    print(f"\nFALSE NEGATIVES ({len(fns)})")
    for x in fns:
        print(f"  {x['id']} [{x['lang']}] -{x['domain']}  gold={x['gold']}  pred={x['pred']}\n      {x['text']}")

    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "metrics": metrics,
                    "false_positives": fps,
                    "false_negatives": fns,
                    "harvester_rc": rc,
                    "harvester_stderr": stderr,
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
