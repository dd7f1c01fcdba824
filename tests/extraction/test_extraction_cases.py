"""Table-driven tests over the labelled TikTok-style comments in ``cases.jsonl``.

Each line is ``{"id", "text", "domains", "lang"}`` (plus optional ``note``; ``limit``
marks a known miss, kept in the file so the aggregate figures stay honest).  The
file is shared with ``bench/extract.py``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from harvester_cli.extraction import extract_domains, is_registrable_domain

CASES_PATH = Path(__file__).with_name("cases.jsonl")
LANGS = {"en", "es", "pt", "id", "de"}


def _load() -> list[dict]:
    with CASES_PATH.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


CASES = _load()


def _param(case: dict):
    marks = ()
    if case.get("limit"):
        marks = (pytest.mark.xfail(reason=f"known limit: {case['limit']}", strict=False),)
    return pytest.param(case, id=case["id"], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_case(case: dict) -> None:
    assert extract_domains(case["text"]) == case["domains"], case.get("note", "")


def test_case_file_is_well_formed() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    texts = [c["text"] for c in CASES]
    assert len(texts) == len(set(texts)), "duplicate texts"
    assert len(CASES) >= 300
    per_lang = defaultdict(int)
    for c in CASES:
        assert set(c) <= {"id", "text", "domains", "lang", "note", "limit"}, c["id"]
        assert c["lang"] in LANGS, c["id"]
        assert c["domains"] == sorted(set(c["domains"])), c["id"]
        for d in c["domains"]:
            assert is_registrable_domain(d), (c["id"], d)
        per_lang[c["lang"]] += 1
    assert set(per_lang) == LANGS
    assert min(per_lang.values()) >= 40, dict(per_lang)
    with_domain = sum(1 for c in CASES if c["domains"])
    assert 0.3 < with_domain / len(CASES) < 0.7, "keep positives and traps balanced"


def _prf(cases: list[dict]) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for c in cases:
        got, exp = set(extract_domains(c["text"])), set(c["domains"])
        tp += len(got & exp)
        fp += len(got - exp)
        fn += len(exp - got)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def test_aggregate_precision_recall() -> None:
    # Measured: P = R = F1 = 0.997 (one known miss each way, see the "limit" cases).
    p, r, f1 = _prf(CASES)
    assert p >= 0.995, p
    assert r >= 0.995, r
    assert f1 >= 0.995, f1


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_per_language_f1(lang: str) -> None:
    p, r, f1 = _prf([c for c in CASES if c["lang"] == lang])
    assert p >= 0.98 and r >= 0.98 and f1 >= 0.98, (lang, p, r, f1)
