"""Build bench/holdout/world.jsonl (issue 14: French, Italian, Turkish, Polish, Dutch,
Vietnamese, Thai, Japanese, Russian, Arabic) from data_world.py and check every label against
the Public Suffix List bundled with tldextract, as build_holdout.py does for the first five
languages.

    .venv/bin/python bench/holdout/build_world.py

This script does not use the extractor under test."""

import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_holdout import registrable  # noqa: E402
from data_world import WORLD  # noqa: E402

# default-ignorable characters a label may hide inside the written text
_IGNORABLE = re.compile("[\u00ad\u034f\u061c\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]")


def visible(text: str) -> str:
    text = _IGNORABLE.sub("", text).replace("\u0130", "i")
    return unicodedata.normalize("NFKC", text).lower()


def check(text: str, domains: list[str]) -> list[str]:
    problems = []
    seen = visible(text)
    for d in domains:
        if d != d.lower() or d != unicodedata.normalize("NFKC", d):
            problems.append(f"not canonical: {d}")
        if registrable(d) != d:
            problems.append(f"not a registrable domain: {d} -> {registrable(d)!r}")
        if "xn--" in d:
            problems.append(f"label must be Unicode, not punycode: {d}")
        if d.split(".")[0] not in seen:
            problems.append(f"label {d} not visible in text")
    if len(set(domains)) != len(domains):
        problems.append("duplicate labels")
    return problems


def main() -> int:
    rows, bad, seen = [], 0, set()
    for lang, items in WORLD.items():
        for text, domains in items:
            if text in seen:
                print(f"DUPLICATE TEXT [{lang}]: {text!r}")
                bad += 1
            seen.add(text)
            for p in check(text, domains):
                print(f"LABEL PROBLEM [{lang}] {p}: {text!r}")
                bad += 1
            rows.append({"lang": lang, "text": text, "domains": sorted(domains)})
    out = HERE / "world.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for n, r in enumerate(rows, 1):
            rec = {"id": f"w-{n:04d}", "lang": r["lang"], "text": r["text"], "domains": r["domains"]}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    with_d = sum(1 for r in rows if r["domains"])
    print(
        f"wrote {len(rows)} rows to {out}; {with_d} ({with_d / len(rows):.1%}) with domains, "
        f"{sum(len(r['domains']) for r in rows)} gold pairs; {bad} problems"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
