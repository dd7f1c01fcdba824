"""Issue 14: ten more languages, invisible characters, native words for "dot", every
script's full stop, hosts in and next to other scripts.

``cases_world.jsonl`` holds the development cases (French, Italian, Turkish, Polish, Dutch,
Vietnamese, Thai, Japanese, Russian, Arabic), one ``{"id", "text", "domains", "lang"}`` per
line like ``cases.jsonl``; ``bench/holdout/world.jsonl`` is the held-out set
(``test_extraction_world_holdout.py``)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvester_cli.extraction import extract_domains, find_mentions, is_registrable_domain

CASES_PATH = Path(__file__).with_name("cases_world.jsonl")
LANGS = {"fr", "it", "tr", "pl", "nl", "vi", "th", "ja", "ru", "ar"}


def _load() -> list[dict]:
    with CASES_PATH.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


CASES = _load()


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_case(case: dict) -> None:
    assert extract_domains(case["text"]) == case["domains"]


def test_case_file_is_well_formed() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert len({c["text"] for c in CASES}) == len(CASES), "duplicate texts"
    per_lang: dict[str, int] = defaultdict(int)
    for c in CASES:
        assert set(c) <= {"id", "text", "domains", "lang", "note"}, c["id"]
        assert c["lang"] in LANGS, c["id"]
        assert c["domains"] == sorted(set(c["domains"])), c["id"]
        for d in c["domains"]:
            assert is_registrable_domain(d), (c["id"], d)
        per_lang[c["lang"]] += 1
    assert set(per_lang) == LANGS
    assert min(per_lang.values()) >= 35, dict(per_lang)
    with_domain = sum(1 for c in CASES if c["domains"])
    assert 0.3 < with_domain / len(CASES) < 0.7, "keep positives and traps balanced"


# --------------------------------------------------------------------------- invisible characters

IGNORABLES = [
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\u00ad",  # soft hyphen
    "\ufeff",  # byte-order mark
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u061c",  # Arabic letter mark
    "\u180e",  # Mongolian vowel separator
    "\ufe0f",  # variation selector
]


@pytest.mark.parametrize("ch", IGNORABLES, ids=[f"U+{ord(c):04X}" for c in IGNORABLES])
def test_an_ignorable_character_inside_a_name_is_removed(ch: str) -> None:
    assert extract_domains(f"tem{ch}u.com") == ["temu.com"]
    assert extract_domains(f"buy it at tem{ch}u.com now") == ["temu.com"]
    assert extract_domains(f"https://tem{ch}u.com/x") == ["temu.com"]
    assert extract_domains(f"shein{ch}.com{ch}") == ["shein.com"]
    assert extract_domains(f"shein.c{ch}om") == ["shein.com"]
    assert extract_domains(f"www.{ch}te{ch}{ch}mu.com") == ["temu.com"]
    assert extract_domains(f"@jake{ch}tv.com hi") == []
    assert extract_domains(f"mail jess@tem{ch}u.com") == []


def test_the_written_text_keeps_the_characters_as_written() -> None:
    assert find_mentions("go to tem\u200bu.com!") == [("temu.com", "tem\u200bu.com")]


_DOMAINS = st.sampled_from(
    [
        "temu.com",
        "shein.com",
        "allegro.pl",
        "amazon.co.jp",
        "ozon.ru",
        "zalando.de",
        "mystore.myshopify.com",
        "госуслуги.рф",
        "ร้านค้า.ไทย",
        "bit.ly",
        "noon.com",
    ]
)
_CONTEXT = st.sampled_from(["", "buy at ", "👉", "link: ", "ดูที่ ", "заказала на ", "من "])
_AFTER = st.sampled_from(["", " now", "!", " 🔥", "'dan", "ค่ะ", " там", "で買った"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOMAINS, st.sampled_from(IGNORABLES), st.data(), _CONTEXT, _AFTER)
def test_inserting_an_ignorable_character_never_yields_another_domain(
    domain: str, ch: str, data: st.DataObject, before: str, after: str
) -> None:
    i = data.draw(st.integers(0, len(domain)))
    text = before + domain[:i] + ch + domain[i:] + after
    assert set(extract_domains(text)) <= {domain}, text
    if 0 < i < len(domain):
        assert extract_domains(text) == [domain], text


# --------------------------------------------------------------------------- the word for "dot"

NATIVE_DOT = {
    "sklepzdrowia kropka pl": "sklepzdrowia.pl",
    "gittigidiyor nokta com": "gittigidiyor.com",
    "fptshop chấm com chấm vn": "fptshop.com.vn",
    "mvideo точка ru": "mvideo.ru",
    "jarir نقطة com": "jarir.com",
    "yodobashi ドット com": "yodobashi.com",
    "zozoドットjp": "zozo.jp",
    "fnac point com": "fnac.com",
    "mediaworld punto it": "mediaworld.it",
    "coolblue punt nl": "coolblue.nl",
    "lazada จุด co จุด th": "lazada.co.th",
    "lazadaจุดcoจุดth": "lazada.co.th",
    "americanas ponto com ponto br": "americanas.com.br",
    "ZALANDO KROPKA PL": "zalando.pl",
}


@pytest.mark.parametrize("text", sorted(NATIVE_DOT))
def test_the_native_word_for_dot(text: str) -> None:
    assert extract_domains(text) == [NATIVE_DOT[text]]
    assert extract_domains(f"look: {text} !!") == [NATIVE_DOT[text]]


@pytest.mark.parametrize(
    "text",
    [
        "I tyle. Kropka.",
        "kropka nad i",
        "bu nokta çok önemli",
        "bir nokta da var",
        "dat is een goed punt",
        "en daarmee punt uit",
        "c'est mon point de vue",
        "le point de départ",
        "à ce point de détail",
        "dal mio punto di vista",
        "il punto è che",
        "это моя точка зрения",
        "и точка",
        "هذه نقطة مهمة",
        "cô giáo chấm bài",
        "dấu chấm câu",
        "จุดเด่นคือสีสวย",
        "ドットの柄がかわいい",
        "at this point in time",
        "what a great point com on",
        "el punto es que no llega",
    ],
)
def test_the_same_words_in_ordinary_sentences(text: str) -> None:
    assert extract_domains(text) == []


# --------------------------------------------------------------------------- dot-likes, scripts


@pytest.mark.parametrize(
    "text,expected",
    [
        ("nitori。co。jp", ["nitori.co.jp"]),
        ("NITORI｡JP", ["nitori.jp"]),
        ("ｚｏｚｏ．ｊｐ", ["zozo.jp"]),
        ("ヨドバシ。comで買った", ["ヨドバシ.com"]),
        ("かわいい。買っちゃった", []),
        ("ありがとう。みんな大好き", []),
        ("最高。Amazonで買った", []),
        ("すごい。Shopで見た", []),
        ("楽しい。Me too", []),
        ("amazon.co.jp。安かった", ["amazon.co.jp"]),
        ("https://nitori。co。jp/item", ["nitori.co.jp"]),
    ],
)
def test_ideographic_and_full_width_stops(text: str, expected: list[str]) -> None:
    assert extract_domains(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("ดูที่ lazada.co.thค่ะ", ["lazada.co.th"]),
        ("ซื้อที่watsons.co.th", ["watsons.co.th"]),
        ("wildberries.ruпо скидке", ["wildberries.ru"]),
        ("من noon.comبسعر", ["noon.com"]),
        ("gittigidiyor.com'dan aldım", ["gittigidiyor.com"]),
        ("hepsiburada.com’dan", ["hepsiburada.com"]),
        ("HEPSİBURADA.COM'DA", ["hepsiburada.com"]),
        ("เว็บ ร้านค้า.ไทย ของแท้", ["ร้านค้า.ไทย"]),
        ("ที่ร้านค้า.ไทยค่ะ", ["ร้านค้า.ไทย"]),
        ("これはヨドバシ.comで買った", ["ヨドバシ.com"]),
        ("私はお名前.comで取った", ["お名前.com"]),
        ("価格.comを見て", ["価格.com"]),
        ("日本語.jpのドメイン", ["日本語.jp"]),
        ("сайт госуслуги.рф", ["госуслуги.рф"]),
        ("زوروا متجر.السعودية", ["متجر.السعودية"]),
        ("d'aliexpress.com", ["aliexpress.com"]),
        ("dall'app di temu.com", ["temu.com"]),
        ("that's.so cute", []),
    ],
)
def test_hosts_in_and_next_to_other_scripts(text: str, expected: list[str]) -> None:
    assert extract_domains(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "güzel.ve ucuz",
        "świetne.co za cena",
        "bellissima.io la voglio",
        "leuk.ga ik doen",
        "prachtig.de kleur",
        "đẹp.to quá",
        "Đẹp quá.Ai mua chưa",
        "génial.Je commande",
        "Супер.Дети рады",
        "m.in. tutaj",
        "p.es. questo",
        "Çok güzel.Ne zaman geliyor?",
    ],
)
def test_run_ons_and_abbreviations_of_the_new_languages(text: str) -> None:
    assert extract_domains(text) == []


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


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_per_language_scores(lang: str) -> None:
    p, r, f1 = _prf([c for c in CASES if c["lang"] == lang])
    assert p >= 0.97 and r >= 0.97, (lang, p, r, f1)


@pytest.mark.parametrize(
    "text,link",
    [
        ("allegro kropka pl/oferta/1", "allegro.pl/oferta/1"),
        ("lazadaจุดcoจุดth", "lazada.co.th"),
        ("tem\u200bu.com/x?utm_source=tt", "temu.com/x"),
        ("fptshop chấm com chấm vn", "fptshop.com.vn"),
        ("nitori。co。jp/item", "nitori.co.jp/item"),
    ],
)
def test_links_read_the_new_written_forms(text: str, link: str) -> None:
    from harvester_cli.extraction.links import normalise_link

    (mention,) = find_mentions(text)
    assert normalise_link(mention.written, mention.domain) == link
