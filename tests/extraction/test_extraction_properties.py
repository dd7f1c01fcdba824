"""Property tests (hypothesis) for the domain extractor."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvester_cli.extraction import (
    WRITTEN_MAX,
    extract_domains,
    find_mentions,
    is_registrable_domain,
    registrable_domain,
)
from harvester_cli.extraction.words import COMMON_WORDS

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that make domain-like text likely, mixed with arbitrary characters.
_PIECES = st.sampled_from(
    [
        "shein",
        "temu",
        "Amazon",
        "a",
        "x",
        "it",
        "so",
        "me",
        "main",
        "www",
        "WWW",
        "xn--mller-kva",
        ".",
        ". ",
        " . ",
        "[.]",
        "(.)",
        "[dot]",
        "(dot)",
        " dot ",
        " DOT ",
        "．",
        "\u200b",
        "com",
        "de",
        "co.uk",
        "com.br",
        "io",
        "github.io",
        "myshopify.com",
        "py",
        "mov",
        "so",
        "it",
        "http://",
        "https://",
        "hxxps://",
        "//",
        "/",
        "/path?q=a.com",
        "#",
        "@",
        "*",
        "***",
        "'",
        "’",
        " ",
        "\n",
        "🔥",
        "👉",
        "✨",
        "ü",
        "é",
        "ß",
        "İ",
        "みんな",
        "рф",
        "1",
        "2.5",
        "-",
        "_",
        ":",
        "(",
        ")",
        '"',
        "<",
        ">",
        "gmail",
        " at ",
        "(at)",
    ]
)
domainish_text = st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=25).map("".join)
any_text = st.one_of(st.text(max_size=200), domainish_text)

_LETTERS = "bcdfghjklmnpqrstvwxz"
brand = st.text(alphabet=_LETTERS + "aeiou", min_size=5, max_size=12).filter(
    lambda s: s not in COMMON_WORDS and any(c in _LETTERS for c in s) and any(c in "aeiou" for c in s)
)
# Suffixes that never read as words, and suffixes that do ("ok.so", "love.it", "casa.de"):
# a bare name under the latter goes through the run-on heuristics, a URL never does.
suffix = st.sampled_from(["com", "com.br", "co.id", "com.mx", "co.uk", "net", "org", "io", "co", "ee"])
word_suffix = st.sampled_from(["de", "es", "so", "me", "it", "to", "in", "shop", "store", "love", "tv"])


@SETTINGS
@given(any_text)
def test_never_raises_and_returns_valid_sorted_unique(text: str) -> None:
    out = extract_domains(text)
    assert isinstance(out, list)
    assert out == sorted(set(out))
    for d in out:
        assert isinstance(d, str)
        assert is_registrable_domain(d), d
        assert registrable_domain(d) == d


@SETTINGS
@given(any_text)
def test_idempotent_on_own_output(text: str) -> None:
    out = extract_domains(text)
    assert extract_domains(" ".join(f"https://{d}/" for d in out)) == out
    for d in out:
        assert extract_domains(f"see https://{d}/x") == [d]


@SETTINGS
@given(any_text)
def test_find_mentions_agrees_with_extract_domains(text: str) -> None:
    mentions = find_mentions(text)
    domains = [m.domain for m in mentions]
    assert len(domains) == len(set(domains))
    assert sorted(domains) == extract_domains(text)
    for m in mentions:
        assert m.written and len(m.written) <= WRITTEN_MAX
        assert m.written in text
        if len(m.written) < WRITTEN_MAX:
            assert m.domain in extract_domains(m.written), m


@SETTINGS
@given(brand, suffix, st.sampled_from(["", "🔥", "(", '"', "👉 ", "link: ", "#ad "]))
def test_written_forms_of_a_name_all_count(name: str, sfx: str, before: str) -> None:
    host = f"{name}.{sfx}"
    expected = [registrable_domain(host)]
    assert expected[0] is not None
    dotted = sfx.replace(".", "[.]")
    forms = [
        host,
        host.upper(),
        f"www.{host}",
        f"https://www.{host}/p/123?ref=tt",
        f"{host}/shop",
        f"{name}[.]{dotted}",
        f"{name}(dot){sfx.replace('.', '(dot)')}",
        f"{name} dot {sfx.replace('.', ' dot ')}",
        f"{name} . {sfx.replace('.', ' . ')}",
        f"{host}!!!",
        f"{host}✨",
    ]
    for form in forms:
        assert extract_domains(f"{before}{form} lol") == expected, form


@SETTINGS
@given(brand, word_suffix, st.sampled_from(["", "🔥", "(", "ok ", "love.it "]))
def test_strong_forms_count_under_word_suffixes(name: str, sfx: str, before: str) -> None:
    host = f"{name}.{sfx}"
    expected = [registrable_domain(host)]
    forms = [
        f"https://{host}",
        f"http://www.{host}/x",
        f"www.{host}",
        f"{host}/p/1",
        f"{name}[.]{sfx}",
    ]
    for form in forms:
        assert extract_domains(f"{before}{form} lol") == expected, form


@SETTINGS
@given(brand, st.one_of(suffix, word_suffix), brand)
def test_emails_and_mentions_never_count(name: str, sfx: str, user: str) -> None:
    host = f"{name}.{sfx}"
    assert extract_domains(f"{user}@{host}") == []
    assert extract_domains(f"mail me: {user}.x+1@{host}!") == []
    assert extract_domains(f"@{host} follow") == []
    assert extract_domains(f"{user[0]}***@***") == []


@SETTINGS
@given(
    brand,
    st.one_of(suffix, word_suffix),
    st.text(alphabet="abc./?=&%-_0123456789", max_size=30),
)
def test_path_and_query_never_count(name: str, sfx: str, tail: str) -> None:
    url = f"https://{name}.{sfx}/x/{tail}other-site.com?u=https://third.org"
    assert extract_domains(url) == [registrable_domain(f"{name}.{sfx}")]
