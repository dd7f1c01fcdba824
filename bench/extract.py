"""Benchmark: our domain extractor beside urlextract, linkify-it-py and ioc-finder.

Run from the project root:

    .venv/bin/python bench/extract.py [--quick] [--no-write]

Corpora, all scored in the same run:

(a) ``tests/extraction/cases.jsonl``: labelled TikTok-style comments (five languages);
(b) ``../shared/conformance/domains-public.jsonl``: public suites, ``platform-specific``
    cases left out (skipped with a note when the file is absent);
(c) 100,000 synthetic comments made here deterministically (seeded): mostly chatter
    in five languages with emoji, prices, times, mentions, e-mails and run-ons, about
    12 % carrying a domain in one of the written forms the product counts.  Labels
    come from the generator, so its P/R/F1 only says the forms are handled;
(d) ``bench/holdout/world.jsonl``: issue 14's held-out comments in ten more languages
    (French, Italian, Turkish, Polish, Dutch, Vietnamese, Thai, Japanese, Russian,
    Arabic), and (e) ``tests/extraction/cases_world.jsonl``, the development cases for
    them; scored in a section of their own, with every language's F1 for ours.

Quality is micro precision / recall / F1 over (comment id, domain) pairs.  Every
peer's output (URLs, hosts, "domains") is reduced to the host and then to the
registrable domain with *our* PSL function, so only the finding differs.  Peers
are slow: their throughput is measured on the first 5,000 synthetic comments
(ours on the same slice too, and on all 100,000).  Throughput is in-process,
single thread, the median of several repeats.

Peers: urlextract, linkify-it-py, ioc-finder (the ``bench`` extra) and a naive regular
expression (dotted words ending in letters, as a quick script would do it).

Prints markdown tables and writes them under ``## Domain extraction (bench/extract.py)``
and ``## Domain extraction in ten more languages (bench/extract.py)`` in
``bench/RESULTS.md`` (only those sections are replaced).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _results  # noqa: E402

from harvester_cli.extraction import extract_domains, registrable_domain  # noqa: E402
from harvester_cli.extraction.psl import default_list  # noqa: E402

CASES = ROOT / "tests" / "extraction" / "cases.jsonl"
CONFORMANCE = ROOT.parent / "shared" / "conformance" / "domains-public.jsonl"
WORLD_HOLDOUT = ROOT / "bench" / "holdout" / "world.jsonl"
WORLD_DEV = ROOT / "tests" / "extraction" / "cases_world.jsonl"
WORLD_INDEPENDENT = ROOT / "bench" / "holdout" / "world_independent.jsonl"
# ours on (f) as first scored, before anything was changed after reading its misses (score.py at ddb7dd5)
WORLD_INDEPENDENT_FIRST = (0.991, 0.991, 0.991)
HEADING = "## Domain extraction (bench/extract.py)"
HEADING_WORLD = "## Domain extraction in ten more languages (bench/extract.py)"
# Ours before issue 14 (commit 537a6fb), measured on the same files (the extraction package of
# that commit, imported on its own).
WORLD_BEFORE = {"holdout": (0.885, 0.751, 0.812), "dev": (0.730, 0.619, 0.670)}

Extractor = Callable[[str], Iterable[str]]

# --------------------------------------------------------------------------- corpora


def load_jsonl(path: Path, *, skip_flag: str | None = None, keep_lang: bool = False) -> list[tuple[str, str, set[str]]]:
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            case = json.loads(line)
            if skip_flag and skip_flag in case.get("flags", ()):
                continue
            key = f"{case['lang']}:{case['id']}" if keep_lang else case["id"]
            out.append((key, case["text"], set(case["domains"])))
    return out


_EMOJI = [
    "😍",
    "🔥",
    "😂",
    "🤣",
    "😭",
    "🥺",
    "💕",
    "❤️",
    "✨",
    "👀",
    "💀",
    "🙏",
    "👏",
    "😩",
    "🥰",
    "🤩",
    "💅",
    "🛍️",
    "👉",
    "👈",
    "🤍",
    "😅",
    "🫶",
    "😮",
    "🤔",
    "💯",
]
_CHATTER = {
    "en": [
        "omg this is so cute",
        "where did you get it",
        "I need this in my life",
        "this is the best video",
        "part 2 please",
        "who else is watching in 2024",
        "the way I screamed",
        "not me buying this rn",
        "girl the outfit",
        "bro really said that",
        "ngl this looks fake",
        "ok but the music tho",
        "I love this song so much. It reminds me of summer",
        "wait for it",
        "this made my day",
        "how much was it",
        "link in bio?",
        "the ending got me",
        "i'm obsessed",
        "need the recipe pls",
        "size guide?",
        "does it ship to canada",
        "mine came broken",
        "so satisfying to watch",
    ],
    "es": [
        "qué bonito me encanta",
        "dónde lo compraste",
        "necesito uno ya",
        "jajaja no puedo",
        "el mejor video de hoy",
        "cuánto cuesta",
        "me llegó roto",
        "quiero la segunda parte",
        "que lindo color",
        "amiga mira esto",
        "la canción se llama?",
        "lo necesito en mi vida",
        "hermoso todo. Gracias por compartir",
        "no manches qué barato",
        "envían a México?",
    ],
    "pt": [
        "amei demais",
        "onde comprou",
        "kkkkkk não aguento",
        "que lindo",
        "preciso disso",
        "quanto custou",
        "chegou quebrado o meu",
        "melhor vídeo",
        "manda o link pfv",
        "gente que perfeito",
        "socorro que lindo. Quero muito",
        "tem pra vender no brasil?",
    ],
    "id": [
        "bagus banget kak",
        "beli dimana kak",
        "wkwkwk lucu banget",
        "mau dong",
        "harganya berapa",
        "keren parah",
        "cantik banget sih",
        "udah checkout kak",
        "racun banget ini",
        "kak spill linknya dong",
        "barangnya sampai kemarin. Mantap",
        "bisa cod gak kak",
    ],
    "de": [
        "wie süß ist das denn",
        "wo hast du das her",
        "brauche ich sofort",
        "das ist echt toll",
        "was hat das gekostet",
        "meins kam kaputt an",
        "bestes video heute",
        "teil 2 bitte",
        "richtig schön. Danke fürs Zeigen",
        "gibt es das auch in groß",
        "mega geil",
    ],
}
_TRAPS = [
    ("email me at {n}@gmail.com", []),
    ("@{n}.tv check this", []),
    ("#shein #haul #{n}", []),
    ("only $19.99!!", []),
    ("R$ 49,90 no pix", []),
    ("Rp 150.000 aja", []),
    ("19,99€ im Angebot", []),
    ("at 10.30 tonight", []),
    ("um 14.30 Uhr", []),
    ("iOS 17.4 fixed it", []),
    ("v2.3.1 broke it", []),
    ("great video.thanks", []),
    ("ok.so what now", []),
    ("love.it", []),
    ("that's me.at the end", []),
    ("send the video.mov", []),
    ("main.py crashed", []),
    ("e.g. this one", []),
    ("U.S. only?", []),
    ("192.168.0.1 lol", []),
    ("o.O", []),
    ("a***@***", []),
    ("bagus banget.ga nyesel", []),
    ("me encanta.es lo mejor", []),
    ("amei.com certeza", []),
    ("Das ist so toll.so schön", []),
]
_SHOPS = [
    "shein.com",
    "temu.com",
    "amazon.com",
    "amazon.de",
    "amazon.com.br",
    "amazon.es",
    "amazon.co.uk",
    "shopee.co.id",
    "tokopedia.com",
    "mercadolibre.com.mx",
    "mercadolivre.com.br",
    "zalando.de",
    "aliexpress.com",
    "etsy.com",
    "sephora.com",
    "ulta.com",
    "walmart.com",
    "target.com",
    "otto.de",
    "lazada.co.id",
    "shein.com.mx",
    "zara.com",
    "asos.com",
    "depop.com",
    "cupshe.com",
    "skims.com",
]
_SHORT = [
    "amzn.to",
    "bit.ly",
    "linktr.ee",
    "beacons.ai",
    "wa.me",
    "t.me",
    "shp.ee",
    "tinyurl.com",
]
_SYL = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ve",
    "no",
    "zu",
    "ti",
    "ba",
    "shi",
    "ko",
    "la",
    "ne",
    "po",
    "ri",
    "va",
    "xo",
    "gle",
    "fy",
    "lux",
    "bel",
    "mar",
    "tin",
    "dor",
    "sa",
]
_TLDS = [
    "com",
    "com",
    "com",
    "co",
    "shop",
    "store",
    "de",
    "com.br",
    "co.id",
    "es",
    "com.mx",
    "net",
    "io",
]
_NAMES = ["jess", "lupita", "budi", "lena", "ana", "mike", "sari"]


def _brand(rng: random.Random) -> str:
    return "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 3)))


def _written(rng: random.Random, host: str) -> str:
    form = rng.randrange(14)
    path = "/" + "".join(rng.choice("abcdefghjkmnpqrstuvwxyz0123456789") for _ in range(rng.randint(4, 10)))
    if form == 0:
        return host
    if form == 1:
        return "www." + host
    if form == 2:
        return f"https://{rng.choice(['', 'www.'])}{host}{path}?ref=tt"
    if form == 3:
        return host + path
    if form == 4:
        return host.replace(".", rng.choice(["[.]", "(.)", "[dot]", "(dot)"]))
    if form == 5:
        return host.replace(".", rng.choice([" dot ", " DOT ", " . "]))
    if form == 6:
        return host.upper()
    if form == 7:
        e = rng.choice(_EMOJI)
        return f"{e}{host}{e}"
    if form == 8:
        return host + "#ad"
    if form == 9:
        o, c = rng.choice(["()", "[]", "“”", '""', "<>"])
        return f"{o}{host}{c}"
    if form == 10:
        return host + rng.choice(["!!!", "...", "?", ",", "."])
    if form == 11:
        return host.capitalize()
    if form == 12:
        return f"http://{host}"
    return host + rng.choice(["✨", "🛒", "💕"])


def synthetic(n: int, seed: int = 20240501) -> list[tuple[str, str, set[str]]]:
    rng = random.Random(seed)
    langs = list(_CHATTER)
    out = []
    for i in range(n):
        lang = rng.choice(langs)
        parts = [rng.choice(_CHATTER[lang])]
        if rng.random() < 0.5:
            parts.append(" " + " ".join(rng.choice(_EMOJI) for _ in range(rng.randint(1, 3))))
        domains: set[str] = set()
        r = rng.random()
        if r < 0.12:
            k = rng.random()
            if k < 0.5:
                host = rng.choice(_SHOPS)
            elif k < 0.65:
                host = rng.choice(_SHORT)
            else:
                host = _brand(rng) + "." + rng.choice(_TLDS)
            dom = registrable_domain(host)
            assert dom is not None, host
            domains.add(dom)
            lead = rng.choice(
                [
                    "",
                    "get it at ",
                    "link: ",
                    "found it on ",
                    "👉 ",
                    "cek ",
                    "en ",
                    "na ",
                ]
            )
            parts.append(" " + lead + _written(rng, host))
        elif r < 0.22:
            text, _ = rng.choice(_TRAPS)
            parts.append(" " + text.format(n=rng.choice(_NAMES)))
        if rng.random() < 0.3:
            parts.append(rng.choice(["!!", "?", " 😂", ".", " lol", " kkkk", " wkwk", " jaja"]))
        out.append((f"syn-{i:06d}", "".join(parts), domains))
    return out


# --------------------------------------------------------------------------- peers


def _host_domain(item: str) -> str | None:
    item = item.strip().strip(".,;:!?\"'()[]<>")
    if not item:
        return None
    if item.lower().startswith("mailto:"):
        return None
    url = item if re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://", item) else "http://" + item.lstrip("/")
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return registrable_domain(host) if host else None


def _to_domains(items: Iterable[str]) -> set[str]:
    out = set()
    for item in items:
        d = _host_domain(item)
        if d:
            out.add(d)
    return out


# What a quick script does: dotted words that end in letters, scheme optional.
_NAIVE = re.compile(r"(?:https?://)?(?:[\w-]+\.)+[^\W\d_]{2,}")


def naive_regex(text: str) -> set[str]:
    return _to_domains(_NAIVE.findall(text))


def make_peers() -> dict[str, Extractor]:
    peers: dict[str, Extractor] = {"naive regex": naive_regex}
    try:
        from urlextract import URLExtract

        ux = URLExtract()
        peers["urlextract"] = lambda text: _to_domains(ux.find_urls(text))
    except ImportError as exc:  # pragma: no cover - optional
        print(f"urlextract unavailable: {exc}", file=sys.stderr)
    try:
        from linkify_it import LinkifyIt

        lk = LinkifyIt().tlds(sorted(default_list().tlds), True)

        def _linkify(text: str) -> set[str]:
            ms = lk.match(text) or []
            return _to_domains(m.url for m in ms if m.schema != "mailto:")

        peers["linkify-it-py"] = _linkify
    except ImportError as exc:  # pragma: no cover - optional
        print(f"linkify-it-py unavailable: {exc}", file=sys.stderr)
    try:
        from ioc_finder import find_iocs

        peers["ioc-finder"] = lambda text: _to_domains(find_iocs(text).get("domains", []))
    except ImportError as exc:  # pragma: no cover - optional
        print(f"ioc-finder unavailable: {exc}", file=sys.stderr)
    return peers


# --------------------------------------------------------------------------- measuring


def score(fn: Extractor, corpus: list[tuple[str, str, set[str]]]) -> tuple[float, float, float]:
    tp = fp = fn_ = 0
    for _id, text, expected in corpus:
        got = set(fn(text))
        tp += len(got & expected)
        fp += len(got - expected)
        fn_ += len(expected - got)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn_) if tp + fn_ else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def throughput(fn: Extractor, texts: list[str], repeats: int) -> float:
    """Median comments/second over ``repeats`` runs, wall clock."""
    return throughput2(fn, texts, repeats)[0]


def throughput2(fn: Extractor, texts: list[str], repeats: int) -> tuple[float, float]:
    """Median comments/second over ``repeats`` runs: (wall clock, this process's CPU time).

    The CPU-time figure is what the process itself achieves when other work on the
    machine takes turns on its cores; the wall-clock one is what a run saw.
    """
    wall, cpu = [], []
    for _ in range(repeats):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        for t in texts:
            fn(t)
        t1, c1 = time.perf_counter(), time.process_time()
        wall.append(len(texts) / (t1 - t0))
        cpu.append(len(texts) / max(c1 - c0, 1e-9))
    return statistics.median(wall), statistics.median(cpu)


def _fmt_prf(prf: tuple[float, float, float] | None) -> str:
    return " | ".join(f"{x:.3f}" for x in prf) if prf else "– | – | –"


def _fmt_rate(x: float | None) -> str:
    return f"{x:,.0f}" if x is not None else "–"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="20k synthetic comments, fewer repeats")
    ap.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    args = ap.parse_args()

    n_syn = 20_000 if args.quick else 100_000
    repeats_ours, repeats_peer, peer_slice = (3, 1, 2_000) if args.quick else (5, 3, 5_000)

    cases = load_jsonl(CASES)
    conformance = load_jsonl(CONFORMANCE, skip_flag="platform-specific") if CONFORMANCE.is_file() else None
    world_holdout = load_jsonl(WORLD_HOLDOUT, keep_lang=True)
    world_dev = load_jsonl(WORLD_DEV, keep_lang=True)
    world_independent = load_jsonl(WORLD_INDEPENDENT, keep_lang=True)
    syn = synthetic(n_syn)
    syn_texts = [t for _, t, _ in syn]
    with_domain = sum(1 for *_, d in syn if d)

    ours: Extractor = extract_domains
    extractors: dict[str, Extractor] = {"harvester (ours)": ours, **make_peers()}

    rows = []
    world_rows = []
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    ours_full, ours_full_cpu = throughput2(ours, syn_texts, repeats_ours)
    ours_slice = throughput2(ours, syn_texts[:peer_slice], repeats_ours)
    for name, fn in extractors.items():
        q_cases = score(fn, cases)
        q_conf = score(fn, conformance) if conformance is not None else None
        q_syn = score(fn, syn if fn is ours else syn[:peer_slice])
        rates = ours_slice if fn is ours else throughput2(fn, syn_texts[:peer_slice], repeats_peer)
        rows.append((name, q_cases, q_conf, q_syn, rates))
        world_rows.append((name, score(fn, world_holdout), score(fn, world_dev), score(fn, world_independent)))
        print(f"  measured {name}", file=sys.stderr)

    today = _dt.date.today().isoformat()
    cpu = os.cpu_count()
    lines = [
        HEADING,
        "",
        (
            f"Command: `.venv/bin/python bench/extract.py{' --quick' if args.quick else ''}` "
            f"— {today}, Python {platform.python_version()}, {platform.machine()}, "
            f"{cpu} cores, single thread, in-process."
        ),
        "",
        f"Corpora: (a) `tests/extraction/cases.jsonl`, {len(cases)} labelled TikTok-style comments in "
        "five languages; (b) public conformance file, "
        + (
            f"{len(conformance)} cases (`platform-specific` ones left out)"
            if conformance is not None
            else "**absent on this machine: not scored**"
        )
        + (
            f"; (c) {n_syn:,} synthetic comments (seeded), {with_domain / n_syn:.1%} with a "
            "domain, labels by construction. P/R/F1: micro, over (id, domain) pairs; every "
            "peer's output is reduced to registrable domains with our PSL function."
        ),
        "",
        (
            f"Throughput: comments/second, median of {repeats_ours} runs for ours and "
            f"{repeats_peer} for peers, on the first {peer_slice:,} synthetic comments (peers "
            "are slow), wall clock and per process CPU second (steadier when other work shares "
            f"the cores; the ratios use it); ours on all {n_syn:,}: **{ours_full:,.0f} "
            f"comments/s** wall clock ({ours_full_cpu:,.0f}/s of process CPU time)"
        )
        + (f"; 1-minute load average {load_before:.1f} on {cpu} cores when it ran" if load_before is not None else "")
        + ".",
        "",
        (
            "| extractor | (a) P | (a) R | (a) F1 | (b) P | (b) R | (b) F1 | (c) P | (c) R "
            f"| (c) F1 | comments/s wall ({peer_slice:,} slice) | comments/s CPU "
            "| ours is × faster (CPU) |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, q_cases, q_conf, q_syn, (wall, cpu_rate) in rows:
        ratio = "–" if name.endswith("(ours)") else f"{ours_slice[1] / cpu_rate:,.1f}×"
        lines.append(
            f"| {name} | {_fmt_prf(q_cases)} | {_fmt_prf(q_conf)} | {_fmt_prf(q_syn)} | "
            f"{_fmt_rate(wall)} | {_fmt_rate(cpu_rate)} | {ratio} |"
        )
    lines += [
        "",
        (
            "Peers as configured: urlextract `URLExtract().find_urls` (defaults); "
            "linkify-it-py `LinkifyIt().tlds(<every PSL top-level label>, True).match`, "
            "`mailto:` matches dropped; ioc-finder `find_iocs(text)['domains']`; naive regex "
            "`(?:https?://)?(?:[\\w-]+\\.)+[^\\W\\d_]{2,}` (findall). (c)'s labels "
            "follow our rules by construction, so (c) P/R/F1 mainly shows which written forms "
            "each tool reads. Our heuristics were developed against (a), so (a) is not a "
            "held-out figure for us."
        ),
        "",
    ]
    section = "\n".join(lines)
    print(section)
    world_section = _world_section(args, today, world_holdout, world_dev, world_independent, world_rows, repeats_ours)
    print(world_section)

    if not args.no_write:
        _results.write_section(HEADING, section)
        _results.write_section(HEADING_WORLD, world_section)
    return 0


def _world_section(args, today, holdout, dev, independent, world_rows, repeats) -> str:
    langs = sorted({key.split(":", 1)[0] for key, _, _ in holdout})
    texts = [t for _, t, _ in holdout + dev] * 50
    wall, cpu_rate = throughput2(extract_domains, texts, repeats)
    n_gold = sum(len(d) for *_, d in holdout)
    lines = [
        HEADING_WORLD,
        "",
        (
            f"Command: `.venv/bin/python bench/extract.py{' --quick' if args.quick else ''}` "
            f"— {today}, same run as the section above. Issue 14: French, Italian, Turkish, "
            "Polish, Dutch, Vietnamese, Thai, Japanese, Russian, Arabic."
        ),
        "",
        (
            f"Corpora: (d) `bench/holdout/world.jsonl`, {len(holdout)} comments ({n_gold} gold "
            "pairs, 40 per language), written and labelled from DESIGN's rules before the "
            "extractor was changed for them and never used to tune it (`bench/holdout/"
            "data_world.py`, checked against the PSL by `build_world.py`); (e) "
            f"`tests/extraction/cases_world.jsonl`, {len(dev)} development cases. Both were "
            "written by the developer of the change, who knew the rules it was to follow, so "
            "(d) is held out from tuning but not independent. (f) `bench/holdout/world_independent.jsonl`, "
            f"{len(independent)} comments ({sum(len(d) for *_, d in independent)} gold pairs, 50 per "
            "language), written and labelled by someone who had read neither the extractor nor its "
            "cases, from DESIGN's rules only, and checked against the PSL by "
            "`build_world_independent.py`: the issue's independent corpus."
        ),
        "",
        "| extractor | (d) P | (d) R | (d) F1 | (e) P | (e) R | (e) F1 | (f) P | (f) R | (f) F1 |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| harvester before issue 14 | {_fmt_prf(WORLD_BEFORE['holdout'])} | {_fmt_prf(WORLD_BEFORE['dev'])} "
        "| – | – | – |",
        f"| harvester, first score on (f) | – | – | – | – | – | – | {_fmt_prf(WORLD_INDEPENDENT_FIRST)} |",
    ]
    for name, q_hold, q_dev, q_ind in world_rows:
        lines.append(f"| {name} | {_fmt_prf(q_hold)} | {_fmt_prf(q_dev)} | {_fmt_prf(q_ind)} |")
    per_lang = []
    for lang in langs:
        sub = [c for c in holdout if c[0].startswith(lang + ":")]
        per_lang.append(f"{lang} {score(extract_domains, sub)[2]:.3f}")
    lines += [
        "",
        "Ours, F1 on (d) per language: " + ", ".join(per_lang) + ".",
        "",
        "Ours, F1 on (f) per language: "
        + ", ".join(
            f"{lang} {score(extract_domains, [c for c in independent if c[0].startswith(lang + ':')])[2]:.3f}"
            for lang in sorted({key.split(":", 1)[0] for key, _, _ in independent})
        )
        + ". Its first score missed two Japanese names of kanji and kana (only the end of the "
        "written host was found: 雑貨.コム from かわいい雑貨.コム), fixed in ab4971f by cutting after "
        "the particle before the name; still missed: `jours.ca` (French chat `ca` for `ça`) and "
        "`вкусно.москва` (a Cyrillic word under a Cyrillic word TLD reads as a sentence end), left "
        "as they are rather than tuned to the corpus.",
        "",
        (
            "Ours on the first corpora (section above) before issue 14, same script: (a) P 0.997 "
            "R 0.997 F1 0.997, (b) P 1.000 R 0.988 F1 0.994, (c) P 1.000 R 0.999 F1 1.000."
        ),
        "",
        (
            f"Throughput on these texts ((d) and (e) repeated, {len(texts):,} comments, median "
            f"of {repeats}): {wall:,.0f} comments/s wall clock, {cpu_rate:,.0f}/s of process "
            "CPU time."
        ),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
