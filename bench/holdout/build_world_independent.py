"""Build bench/holdout/world_independent.jsonl from data_world_independent.py.

Written blind from the product rules only (see the header of
data_world_independent.py); it does not import or read the extractor.

Checks, failing loudly (SystemExit with every problem listed) when:
  * a language does not have exactly 50 comments;
  * a gold domain is not lowercase NFC Unicode, contains punycode, is not
    IDNA-encodable, is duplicated within a comment, or is not exactly the
    registrable domain (eTLD+1, PSL private section included) of itself
    under the PSL snapshot bundled with tldextract (offline);
  * a gold domain appears nowhere recognisable in its comment: the text is
    normalised the way the rules describe (default-ignorables removed,
    。｡． -> '.', [.] (.) [dot] (dot) -> '.', " dot "/the language's dot word
    -> '.', " . " -> '.', punycode labels decoded, lowercased) and the gold
    must then occur as the tail of a written host: not preceded by a host
    character of the same kind (a '.' is allowed: subdomain), not followed
    by one, and not inside an e-mail, @mention, path or query.

Run:  .venv/bin/python bench/holdout/build_world_independent.py [--review]
--review also prints, for manual inspection, host-like strings in each comment
whose registrable domain is not in the gold (traps are expected to show here).
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import idna
import tldextract

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from data_world_independent import CORPUS, DOT_WORDS  # noqa: E402

OUT = HERE / "world_independent.jsonl"
PER_LANG = 50

EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True, cache_dir=None)

IGNORABLES = "\u200b\u200c\u200d\u2060\u00ad\ufeff\ufe0f"
DOTLIKES = "\u3002\uff61\uff0e"  # 。 ｡ ．


def registrable(host: str) -> str:
    r = EXTRACT(host)
    if not r.suffix or not r.domain:
        return ""
    return r.top_domain_under_public_suffix or ""


def normalise(text: str, lang: str) -> str:
    t = "".join(ch for ch in text if ch not in IGNORABLES)
    for d in DOTLIKES:
        t = t.replace(d, ".")
    t = re.sub(r"\[\.\]|\(\.\)|\[dot\]|\(dot\)", ".", t, flags=re.I)
    words = ["dot"] + DOT_WORDS.get(lang, [])
    alt = "|".join(re.escape(w) for w in words)
    t = re.sub(rf"\s+(?:{alt})\s+", ".", t, flags=re.I)
    t = re.sub(r"\s+\.\s+", ".", t)
    t = t.lower()

    def _puny(m: re.Match) -> str:
        try:
            return idna.decode(m.group(0))
        except idna.IDNAError:
            return m.group(0)

    t = re.sub(r"xn--[a-z0-9-]+", _puny, t)
    return unicodedata.normalize("NFC", t)


def is_word(ch: str) -> bool:
    return ch in "-_" or unicodedata.category(ch)[0] in "LNM"


def is_latin_word(ch: str) -> bool:
    if ch in "-_" or ch.isdigit():
        return True
    if not ch.isalpha():
        return False
    return ch.isascii() or "LATIN" in unicodedata.name(ch, "")


def blocks_left(ch: str, gold_first: str) -> bool:
    if ch == ".":
        return False
    if gold_first.isascii():
        return is_latin_word(ch)
    return is_word(ch)


def blocks_right(ch: str, gold_last: str) -> bool:
    if ch == "@":
        return True
    if gold_last.isascii():
        return is_latin_word(ch)
    return is_word(ch)


def recognisable(gold: str, norm: str) -> bool:
    start = 0
    while True:
        i = norm.find(gold, start)
        if i < 0:
            return False
        start = i + 1
        j = i + len(gold)
        if i > 0 and blocks_left(norm[i - 1], gold[0]):
            continue
        if j < len(norm) and blocks_right(norm[j], gold[-1]):
            continue
        # the token this occurrence sits in, up to the occurrence
        k = i
        while k > 0 and not norm[k - 1].isspace():
            k -= 1
        prefix = re.sub(r"^.*?https?://", "", norm[k:i])
        if any(c in prefix for c in "/?=&@#"):
            continue
        return True


def _script(ch: str) -> str:
    if ch.isascii() or ch.isdigit():
        return "latin"
    name = unicodedata.name(ch, "")
    for key, cls in (
        ("LATIN", "latin"),
        ("THAI", "thai"),
        ("ARABIC", "arabic"),
        ("CYRILLIC", "cyrillic"),
        ("HIRAGANA", "cjk"),
        ("KATAKANA", "cjk"),
        ("CJK", "cjk"),
    ):
        if key in name:
            return cls
    return name.split(" ")[0]


def review_candidates(norm: str) -> set[str]:
    """Host-like runs (word chars and dots), split where the script changes."""
    tokens, cur, cur_script = [], "", None
    for ch in norm + " ":
        if ch == "." or is_word(ch):
            if ch in ".-_" or unicodedata.category(ch)[0] == "M":
                cur += ch
                continue
            sc = _script(ch)
            if cur_script is not None and sc != cur_script and cur and cur[-1] not in ".-":
                tokens.append(cur)
                cur = ""
            cur += ch
            cur_script = sc
        else:
            tokens.append(cur)
            cur, cur_script = "", None
    found = set()
    for tok in tokens:
        tok = tok.strip(".-_")
        if "." in tok:
            rd = registrable(tok)
            if rd:
                found.add(rd)
    return found


def main() -> int:
    review = "--review" in sys.argv
    problems: list[str] = []
    rows = []
    stats = {}
    n = 0
    for lang, items in CORPUS.items():
        if len(items) != PER_LANG:
            problems.append(f"{lang}: {len(items)} comments, expected {PER_LANG}")
        texts = [t for t, _ in items]
        if len(set(texts)) != len(texts):
            problems.append(f"{lang}: duplicate comment text")
        pairs = with_domains = 0
        for text, gold in items:
            n += 1
            cid = f"wi-{n:04d}"
            where = f"{cid} [{lang}] {text!r}"
            if len(set(gold)) != len(gold):
                problems.append(f"{where}: duplicate gold {gold}")
            norm = normalise(text, lang)
            for d in gold:
                if d != d.lower() or d != unicodedata.normalize("NFC", d):
                    problems.append(f"{where}: gold {d!r} not lowercase NFC")
                if "xn--" in d:
                    problems.append(f"{where}: gold {d!r} is punycode, want Unicode")
                try:
                    idna.encode(d)
                except idna.IDNAError as e:
                    problems.append(f"{where}: gold {d!r} not IDNA-encodable: {e}")
                rd = registrable(d)
                if rd != d:
                    problems.append(
                        f"{where}: gold {d!r} is not a registrable domain under the PSL (tldextract says {rd!r})"
                    )
                if not recognisable(d, norm):
                    problems.append(f"{where}: gold {d!r} not recognisable in text ({norm!r})")
            if review:
                extra = review_candidates(norm) - set(gold)
                if extra:
                    print(f"REVIEW {cid} [{lang}] gold={gold} extra={sorted(extra)} :: {text!r}")
            pairs += len(gold)
            with_domains += bool(gold)
            rows.append({"id": cid, "lang": lang, "text": text, "domains": list(gold)})
        stats[lang] = (len(items), with_domains, len(items) - with_domains, pairs)

    if problems:
        print(f"FAILED: {len(problems)} problem(s)", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        raise SystemExit(1)

    with OUT.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")

    print(f"wrote {len(rows)} comments to {OUT}")
    print("lang  comments  with_domains  empty  gold_pairs")
    tot = [0, 0, 0, 0]
    for lang, s in stats.items():
        print(f"{lang:4}  {s[0]:8}  {s[1]:12}  {s[2]:5}  {s[3]:10}")
        tot = [a + b for a, b in zip(tot, s, strict=True)]
    print(f"{'all':4}  {tot[0]:8}  {tot[1]:12}  {tot[2]:5}  {tot[3]:10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
