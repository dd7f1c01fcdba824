"""Build bench/holdout/holdout.jsonl from the hand-written, hand-labelled data_*.py lists
and sanity-check every label against the Public Suffix List bundled with tldextract.

This script does not use the extractor under test."""

import json
import re
import sys
from pathlib import Path

import idna
import tldextract

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from data_de import DE  # noqa: E402
from data_en import EN  # noqa: E402
from data_es import ES  # noqa: E402
from data_extra import DE_X, EN_X, ES_X, ID_X, PT_X  # noqa: E402
from data_id import ID  # noqa: E402
from data_pt import PT  # noqa: E402

EXT = tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)


def registrable(host: str) -> str:
    r = EXT(host)
    if not r.suffix or not r.domain:
        return ""
    return f"{r.domain}.{r.suffix}"


def check(text: str, domains: list[str]) -> list[str]:
    problems = []
    low = text.lower()
    for d in domains:
        if d != d.lower():
            problems.append(f"not lowercase: {d}")
        if registrable(d) != d:
            problems.append(f"not a registrable domain: {d} -> {registrable(d)!r}")
        if d.startswith("xn--") or ".xn--" in d:
            problems.append(f"label must be Unicode, not punycode: {d}")
        sld = d.split(".")[0]
        forms = {sld}
        try:
            forms.add(idna.encode(sld).decode())
        except idna.IDNAError:
            pass
        if not any(f in low for f in forms):
            problems.append(f"label {d} not visible in text")
    if len(set(domains)) != len(domains):
        problems.append("duplicate labels")
    return problems


# Informative only: dotted tokens that the PSL would accept but that are not labelled.
TOKEN = re.compile(r"[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def unlabelled_psl_tokens(text: str, domains: list[str]) -> list[str]:
    out = []
    for tok in TOKEN.findall(text):
        reg = registrable(tok.lower())
        if reg and reg not in domains:
            try:
                reg_u = idna.decode(reg)
            except idna.IDNAError:
                reg_u = reg
            if reg_u not in domains:
                out.append(tok)
    return out


def main() -> None:
    sets = [("en", EN + EN_X), ("es", ES + ES_X), ("pt", PT + PT_X), ("id", ID + ID_X), ("de", DE + DE_X)]
    rows, bad, seen = [], 0, set()
    for lang, items in sets:
        for text, domains in items:
            if text in seen:
                print(f"DUPLICATE TEXT [{lang}]: {text}")
                bad += 1
            seen.add(text)
            for p in check(text, domains):
                print(f"LABEL PROBLEM [{lang}] {p}: {text}")
                bad += 1
            rows.append({"lang": lang, "text": text, "domains": sorted(domains)})
    # interleave languages so ids are not grouped by language
    by_lang = {lang: [r for r in rows if r["lang"] == lang] for lang, _ in sets}
    ordered = []
    i = 0
    while any(by_lang.values()):
        for lang, _ in sets:
            if by_lang[lang]:
                ordered.append(by_lang[lang].pop(0))
        i += 1
    out = HERE / "holdout.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for n, r in enumerate(ordered, 1):
            rec = {"id": f"h-{n:04d}", "lang": r["lang"], "text": r["text"], "domains": r["domains"]}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    if "--traps" in sys.argv:
        for r in ordered:
            toks = unlabelled_psl_tokens(r["text"], r["domains"])
            if toks:
                print(f"unlabelled PSL-shaped [{r['lang']}] {toks}: {r['text']}")
    total = len(ordered)
    with_d = sum(1 for r in ordered if r["domains"])
    print(f"wrote {total} rows to {out}; {with_d} ({with_d / total:.1%}) with domains; {bad} problems")
    for lang, _ in sets:
        rs = [r for r in ordered if r["lang"] == lang]
        print(
            f"  {lang}: {len(rs)} rows, {sum(1 for r in rs if r['domains'])} with domains, "
            f"{sum(len(r['domains']) for r in rs)} domain labels"
        )


if __name__ == "__main__":
    main()
