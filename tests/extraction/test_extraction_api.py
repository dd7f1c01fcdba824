"""Public API of harvester_cli.extraction: mentions, validation, purity, speed."""

from __future__ import annotations

import ast
import random
import socket
import time
from pathlib import Path

import pytest

from harvester_cli import extraction
from harvester_cli.extraction import (
    WRITTEN_MAX,
    Mention,
    extract_domains,
    find_mentions,
    is_registrable_domain,
    registrable_domain,
)

# --------------------------------------------------------------------------- find_mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shop[.]Example(dot)com", [("example.com", "Shop[.]Example(dot)com")]),
        (
            "see https://www.amazon.de/x, thanks",
            [("amazon.de", "https://www.amazon.de/x")],
        ),
        ("(shein.com)", [("shein.com", "shein.com")]),
        ("go to shein dot com now", [("shein.com", "shein dot com")]),
        ("yesstyle . com!!", [("yesstyle.com", "yesstyle . com")]),
        ("🔥temu.com🔥", [("temu.com", "temu.com")]),
        ("amzn.to/3xYz.", [("amzn.to", "amzn.to/3xYz")]),
        (
            "(see https://en.wikipedia.org/wiki/Foo)",
            [("wikipedia.org", "https://en.wikipedia.org/wiki/Foo")],
        ),
        ("http://xn--mller-kva.de/a", [("müller.de", "http://xn--mller-kva.de/a")]),
        (
            "temu.com then SHEIN.COM then Temu.Com again",
            [("temu.com", "temu.com"), ("shein.com", "SHEIN.COM")],
        ),
        ("nothing here. ok", []),
        ("", []),
    ],
)
def test_find_mentions_written(text: str, expected: list[tuple[str, str]]) -> None:
    assert [tuple(m) for m in find_mentions(text)] == expected


def test_find_mentions_order_is_first_appearance() -> None:
    text = "zara.com, then amazon.com, then https://www.zara.com/x and bit.ly/abc"
    assert [m.domain for m in find_mentions(text)] == [
        "zara.com",
        "amazon.com",
        "bit.ly",
    ]
    assert extract_domains(text) == ["amazon.com", "bit.ly", "zara.com"]


def test_written_is_capped() -> None:
    text = "https://example.com/" + "a" * 1000
    (m,) = find_mentions(text)
    assert m.domain == "example.com"
    assert len(m.written) == WRITTEN_MAX == 200
    assert text.startswith(m.written)


def test_mention_is_an_immutable_pair() -> None:
    m = Mention("example.com", "Example.com")
    assert m.domain == "example.com" and m.written == "Example.com"
    with pytest.raises(AttributeError):
        m.domain = "other.com"  # type: ignore[misc]
    assert hash(m) == hash(Mention("example.com", "Example.com"))


def test_non_string_input_gives_nothing() -> None:
    assert extract_domains(None) == []  # type: ignore[arg-type]
    assert find_mentions(b"shein.com") == []  # type: ignore[arg-type]


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("WWW.Example.co.uk.", "example.co.uk"),
        ("xn--mller-kva.de", "müller.de"),
        ("MÜLLER.DE", "müller.de"),
        ("ｓｈｅｉｎ．ｃｏｍ", "shein.com"),
        ("foo.github.io", "foo.github.io"),
        ("a.b.foo.github.io", "foo.github.io"),
        ("shop.myshopify.com", "shop.myshopify.com"),
        ("github.io", "github.io"),  # the platform's own site
        ("x.blogspot.com", "x.blogspot.com"),
        ("foo.bar.ck", "foo.bar.ck"),
        ("www.ck", "www.ck"),
        ("localhost", None),
        ("1.2.3.4", None),
        ("example.invalid", None),
        ("co.uk", None),
        ("com", None),
        ("", None),
        ("exa mple.com", None),
        ("-example.com", None),
        ("ex_ample.com", None),
        ("a_b.example.com", "example.com"),
        ("xn--はじめよう.com", None),
    ],
)
def test_registrable_domain(host: str, expected: str | None) -> None:
    assert registrable_domain(host) == expected


@pytest.mark.parametrize(
    "value",
    [
        "example.com",
        "müller.de",
        "foo.github.io",
        "github.io",
        "example.co.uk",
        "💩.la",
        "a--b.com",
        "163.com",
    ],
)
def test_is_registrable_domain_true(value: str) -> None:
    assert is_registrable_domain(value)


@pytest.mark.parametrize(
    "value",
    [
        "Example.com",
        "www.example.com",
        "example.com.",
        " example.com",
        "xn--mller-kva.de",
        "com",
        "co.uk",
        "",
        "exa mple.com",
        "-example.com",
        "example-.com",
        "ex_ample.com",
        "example.invalid",
        "1.2.3.4",
        "example..com",
        "ｅxample.com",
        123,
        None,
    ],
)
def test_is_registrable_domain_false(value: object) -> None:
    assert not is_registrable_domain(value)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- purity


def test_no_network_io(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the PSL and extracting never opens a socket."""
    from harvester_cli.extraction import psl

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the extractor tried to use the network")

    monkeypatch.setattr(psl, "_lists", {})  # force a fresh load of the snapshot
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert extract_domains("https://www.shein.com/x and temu[.]com") == [
        "shein.com",
        "temu.com",
    ]


_FORBIDDEN_IMPORTS = {
    "socket",
    "requests",
    "httpx",
    "urllib",
    "http",
    "tldextract",
    "sqlalchemy",
    "typer",
    "rich",
}


def test_package_imports_nothing_but_stdlib_and_itself() -> None:
    pkg = Path(extraction.__file__).parent
    files = sorted(pkg.glob("*.py"))
    assert files
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: must stay inside the package
                    assert node.level == 1, (path.name, node.module)
                    continue
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top != "harvester_cli", (path.name, name)
                assert top not in _FORBIDDEN_IMPORTS, (path.name, name)
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "print":
                raise AssertionError(f"print() in {path.name}")


# --------------------------------------------------------------------------- speed (smoke)

_CHATTER = [
    "omg this is so cute 😍😍 where did you get it??",
    "I love this song so much. It reminds me of summer",
    "jajaja no puedo 😂😂 qué bonito",
    "kkkkkk amei demais, onde comprou?",
    "bagus banget kak, beli dimana?",
    "Das ist echt toll. Danke!",
    "price?? $19.99 is too much",
    "wow...that was amazing 🔥",
    "part 2 pls!!! 🙏",
    "ok.so what now",
]
_WITH_DOMAIN = [
    "get it at shein.com 🔥",
    "https://amzn.to/3xYz",
    "temu[.]com lol",
    "zalando dot de",
]


def test_throughput_smoke() -> None:
    """A loose floor that only a pathological slow-down (the bench measures ~3e5/s) trips."""
    rng = random.Random(7)
    texts = [rng.choice(_WITH_DOMAIN) if rng.random() < 0.12 else rng.choice(_CHATTER) for _ in range(20_000)]
    extract_domains("warm up shein.com")
    best = 0.0
    for _ in range(3):
        t0 = time.perf_counter()
        for t in texts:
            extract_domains(t)
        best = max(best, len(texts) / (time.perf_counter() - t0))
    assert best >= 20_000, f"{best:,.0f} comments/s"


def test_pathological_inputs_stay_fast() -> None:
    inputs = [
        "a." * 20_000,
        "a-" * 20_000 + ".com",
        "a dot " * 20_000,
        "http://" + "a" * 100_000,
        "x@" * 20_000,
    ]
    t0 = time.perf_counter()
    for text in inputs:
        assert extract_domains(text) == []
    assert time.perf_counter() - t0 < 5.0
