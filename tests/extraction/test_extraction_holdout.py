"""The independently written corpus in bench/holdout (labelled from the rules alone, without
reading the extractor): guards against regressions on text the extractor was not tuned on."""

import json
from pathlib import Path

from harvester_cli.extraction import extract_domains

HOLDOUT = Path(__file__).resolve().parents[2] / "bench" / "holdout" / "holdout.jsonl"


def test_holdout_precision_and_recall():
    tp = fp = fn = 0
    for line in HOLDOUT.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        gold, got = set(case["domains"]), set(extract_domains(case["text"]))
        tp += len(gold & got)
        fp += len(got - gold)
        fn += len(gold - got)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert tp + fn >= 250
    assert precision >= 0.99 and recall >= 0.99 and f1 >= 0.99, (precision, recall, f1)
