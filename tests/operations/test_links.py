"""Issue 13, `harvester links`: the links as written, normalised for grouping (scheme, www. and
tracking parameters dropped, host lower-cased and in Unicode, path and the other parameters
kept), with mentions, videos, first/last seen and a sample comment; on the bundled sample and
on comments planted at known times, on SQLite and PostgreSQL."""

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from harvester_cli.extraction.links import normalise_link
from harvester_cli.store.tables import domain_mentions
from tests.helpers.planting import add_comments, utcnow

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample"
V1, V2, V3 = 7800000000000000101, 7800000000000000102, 7800000000000000103


@pytest.mark.parametrize(
    "written,domain,link",
    [
        (
            "https://www.amazon.com/dp/B0C7XJ2K9M?tag=glowmaya-20&ref=glowdeals.net",
            "amazon.com",
            "amazon.com/dp/B0C7XJ2K9M?tag=glowmaya-20&ref=glowdeals.net",
        ),
        ("https://www.walmart.com/ip/123456?utm_source=tiktok.com", "walmart.com", "walmart.com/ip/123456"),
        (
            "HTTP://WWW.Amazon.COM/dp/X1?utm_medium=social&tag=a-20&fbclid=abc&gclid=1&si=xyz&UTM_Campaign=c",
            "amazon.com",
            "amazon.com/dp/X1?tag=a-20",
        ),
        ("WALMART.COM", "walmart.com", "walmart.com"),
        ("www.temu.com", "temu.com", "temu.com"),
        ("https://xn--mller-kva.de/p/serum-30ml-123", "müller.de", "müller.de/p/serum-30ml-123"),
        ("https://xn--caf-noir-d1a.fr/", "café-noir.fr", "café-noir.fr"),
        ("sociolla[.]com", "sociolla.com", "sociolla.com"),
        ("liverpool(dot)com(dot)mx", "liverpool.com.mx", "liverpool.com.mx"),
        ("magazineluiza dot com dot br", "magazineluiza.com.br", "magazineluiza.com.br"),
        ("douglas . de", "douglas.de", "douglas.de"),
        ("hxxps://shein[.]com/p/1", "shein.com", "shein.com/p/1"),
        (
            "https://m.tokopedia.com/rizky/blender?src=rizkystore.net",
            "tokopedia.com",
            "m.tokopedia.com/rizky/blender?src=rizkystore.net",
        ),
        ("s.click.aliexpress.com/e/_DkXyZ12", "aliexpress.com", "s.click.aliexpress.com/e/_DkXyZ12"),
        ("ZARA.COM/es", "zara.com", "zara.com/es"),  # the path keeps its case
        ("bit.ly/3BtsMom", "bit.ly", "bit.ly/3BtsMom"),
        ("https://dev-keeb.github.io/firmware/v2.3.1/", "dev-keeb.github.io", "dev-keeb.github.io/firmware/v2.3.1"),
        ("https://shop.example.com:8443/a/?utm_source=x#reviews", "example.com", "shop.example.com/a"),
        ("https://www.example.com/?si=abc", "example.com", "example.com"),
        ("https://open.example.com/t?igshid=1&id=7&ttclid=2", "example.com", "open.example.com/t?id=7"),
        ("Amazon.De", "amazon.de", "amazon.de"),
        ("ｅｘａｍｐｌｅ。ｃｏｍ", "example.com", "example.com"),  # NFKC, the IDNA dot-like
        ("something odd", "example.com", "example.com"),  # a host that is not the domain: the domain
    ],
)
def test_normalise_link(written, domain, link):
    assert normalise_link(written, domain) == link


@pytest.fixture
def sample(cli):
    result = cli("run", env={"HARVESTER_SOURCE": "files", "HARVESTER_FILES_DIR": str(SAMPLE)})
    assert result.exit_code == 0, result.stderr


def test_sample_amazon_links_keep_their_affiliate_tag(cli, sample):
    items = json.loads(cli("links", "--domain", "amazon.com", "--format", "json").stdout)
    links = {i["link"]: i for i in items}
    assert set(links) == {"amazon.com/dp/B0C7XJ2K9M?tag=glowmaya-20&ref=glowdeals.net", "amazon.com/shop/budgetmama"}
    tagged = links["amazon.com/dp/B0C7XJ2K9M?tag=glowmaya-20&ref=glowdeals.net"]
    assert tagged == {
        "link": "amazon.com/dp/B0C7XJ2K9M?tag=glowmaya-20&ref=glowdeals.net",
        "domain": "amazon.com",
        "category": "marketplace",
        "mentions": 1,
        "videos": 1,
        "first_seen": "2026-11-20T19:50:00Z",
        "last_seen": "2026-11-20T19:50:00Z",
    }


def test_sample_walmart_link_without_utm_source(cli, sample):
    items = json.loads(cli("links", "--domain", "walmart.com", "--format", "json").stdout)
    assert sorted(i["link"] for i in items) == ["walmart.com", "walmart.com/ip/123456"]
    table = cli("links", "--domain", "walmart.com").stdout
    assert "walmart.com/ip/123456" in table and "utm_source" not in table.split("walmart has it too")[0]
    assert "WALMART.COM price matched it for me" in table  # the sample comment, as written


def test_sample_every_mention_has_one_link(cli, sample, store):
    items = json.loads(cli("--json", "links").stdout)
    with store.read() as conn:
        mentions = conn.execute(select(func.count()).select_from(domain_mentions)).scalar()
        pending = conn.execute(
            select(func.count()).select_from(domain_mentions).where(domain_mentions.c.link.is_(None))
        ).scalar()
    assert pending == 0 and sum(i["mentions"] for i in items) == mentions
    assert {"linktr.ee/glowwithmaya?src=instagram.com", "müller.de/p/serum-30ml-123", "café-noir.fr"} <= {
        i["link"] for i in items
    }
    assert all(set(i) == {"link", "domain", "category", "mentions", "videos", "first_seen", "last_seen"} for i in items)


def hours_ago(n: float) -> dt.datetime:
    return (utcnow() - dt.timedelta(hours=n)).replace(microsecond=0)


def iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds") + "Z"


@pytest.fixture
def planted(cli, store):
    """Comments written at known times, extracted by `harvester extract`."""
    rows = [
        (7900000000000000001, V1, "get it https://www.glow-shop.com/p/serum?utm_source=tt&aff=maya", hours_ago(300)),
        (7900000000000000002, V2, "GLOW-SHOP.COM/p/serum?aff=maya&fbclid=zz", hours_ago(30)),
        (7900000000000000003, V2, "again glow-shop.com/p/serum?aff=maya", hours_ago(20)),
        (7900000000000000004, V3, "https://glow-shop.com/p/serum/?aff=maya&gclid=1", hours_ago(2)),
        (7900000000000000005, V1, "other one glow-shop.com/p/cream", hours_ago(5)),
        (7900000000000000006, V3, "bit.ly/abc and glow-shop.com", hours_ago(1)),
        (7900000000000000007, V2, "bit.ly/abc [red]markup[/red] \x1b[2J", hours_ago(0.5)),
    ]
    add_comments(store, rows)
    result = cli("extract")
    assert result.exit_code == 0, result.stderr
    return rows


def test_variants_of_one_link_are_one_row(cli, planted):
    items = {i["link"]: i for i in json.loads(cli("links", "--format", "json").stdout)}
    serum = items["glow-shop.com/p/serum?aff=maya"]
    assert (serum["mentions"], serum["videos"]) == (4, 3)
    assert (serum["first_seen"], serum["last_seen"]) == (iso(planted[0][3]), iso(planted[3][3]))
    assert items["glow-shop.com/p/cream"]["mentions"] == 1
    assert items["bit.ly/abc"]["category"] == "shortener" and items["bit.ly/abc"]["mentions"] == 2
    order = list(items)
    assert order[0] == "glow-shop.com/p/serum?aff=maya" and order.index("bit.ly/abc") == 1


def test_since_counts_the_window_and_keeps_first_and_last_seen_overall(cli, planted):
    window = json.loads(cli("links", "--since", "1d", "--format", "json").stdout)
    items = {i["link"]: i for i in window}
    serum = items["glow-shop.com/p/serum?aff=maya"]
    assert (serum["mentions"], serum["videos"]) == (2, 2)  # 20 h and 2 h ago
    assert serum["first_seen"] == iso(planted[0][3])  # 300 h ago: overall
    # bit.ly/abc ties with it (2 mentions, 2 videos): by link
    assert [i["link"] for i in window[:2]] == ["bit.ly/abc", "glow-shop.com/p/serum?aff=maya"]
    for n in (1, 2, 3):
        assert json.loads(cli("links", "--since", "1d", "--top", str(n), "--format", "json").stdout) == window[:n]


def test_video_domain_top_and_formats(cli, planted):
    per_video = json.loads(cli("links", "--video", str(V2), "--format", "json").stdout)
    assert {i["link"]: i["mentions"] for i in per_video} == {"glow-shop.com/p/serum?aff=maya": 2, "bit.ly/abc": 1}
    serum = [i for i in per_video if i["link"].startswith("glow")][0]
    assert (serum["first_seen"], serum["last_seen"]) == (iso(planted[1][3]), iso(planted[2][3]))
    only = json.loads(cli("links", "--domain", "WWW.Glow-Shop.com", "--format", "json").stdout)
    assert {i["domain"] for i in only} == {"glow-shop.com"} and len(only) == 3
    everything = json.loads(cli("links", "--format", "json").stdout)
    for n in (1, 2, 3, 4):
        assert json.loads(cli("links", "--top", str(n), "--format", "json").stdout) == everything[:n]
    rows = list(csv.DictReader(io.StringIO(cli("links", "--format", "csv").stdout)))
    assert [r["link"] for r in rows] == [i["link"] for i in everything]
    assert list(rows[0]) == ["link", "domain", "category", "mentions", "videos", "first_seen", "last_seen"]


def test_untrusted_text_is_shown_as_written_never_interpreted(cli, planted):
    table = cli("links", "--domain", "bit.ly").stdout
    assert "[red]markup[/red]" in table  # Rich markup shown literally
    assert "\x1b" not in table and "\\x1b[2J" in table  # the escape shown escaped


def test_a_credential_in_a_link_is_redacted(cli, store):
    add_comments(
        store, [(7900000000000000010, V1, "https://glow-shop.com/login?access_token=SeCrEtVaLuE123", hours_ago(1))]
    )
    assert cli("extract").exit_code == 0
    for args in (["--json", "links"], ["links"], ["links", "--format", "csv"]):
        out = cli(*args).stdout
        assert "glow-shop.com/login" in out and "SeCrEtVaLuE123" not in out


def test_links_are_filled_in_for_mentions_that_have_none(cli, planted, store):
    with store.tx() as conn:  # as on a store upgraded to 0003, or rows extract wrote since
        conn.execute(update(domain_mentions).values(link=None))
    items = json.loads(cli("links", "--format", "json").stdout)
    assert items[0]["link"] == "glow-shop.com/p/serum?aff=maya" and items[0]["mentions"] == 4
    with store.read() as conn:
        assert (
            conn.execute(
                select(func.count()).select_from(domain_mentions).where(domain_mentions.c.link.is_(None))
            ).scalar()
            == 0
        )


@pytest.mark.parametrize("helpers", ["0", "1"])
def test_extract_stores_each_mention_with_its_normalised_link(cli, store, helpers):
    """In every write path (SQLite ranges in this process or a helper process, PostgreSQL
    batches in this thread or a helper thread) the link goes in with its mention."""
    add_comments(
        store,
        [
            (7900000000000000300 + i, V1, text, hours_ago(1))
            for i, text in enumerate(
                [
                    "https://www.amazon.com/dp/B0C7XJ2K9M?tag=glowmaya-20&utm_source=tt",
                    "WALMART.COM has it",
                    "xn--mller-kva.de/schuhe/ and shein[.]com",
                    "no link here",
                ]
                * 30
            )
        ],
    )
    result = cli("extract", env={"HARVESTER_EXTRACT_HELPERS": helpers, "HARVESTER_EXTRACT_BATCH_SIZE": "7"})
    assert result.exit_code == 0, result.stderr
    with store.read() as conn:
        rows = conn.execute(select(domain_mentions.c.domain, domain_mentions.c.written, domain_mentions.c.link)).all()
    assert len(rows) == 120
    assert all(link == normalise_link(written, domain) for domain, written, link in rows), rows
    assert {link for *_, link in rows} == {
        "amazon.com/dp/B0C7XJ2K9M?tag=glowmaya-20",
        "walmart.com",
        "müller.de/schuhe",
        "shein.com",
    }


def test_normalise_in_batches(cli, store):
    from harvester_cli.services import links as links_service

    add_comments(
        store,
        [
            (7900000000000000100 + i, V1, f"x https://www.glow-shop.com/p/{i}?utm_source=a", hours_ago(1))
            for i in range(23)
        ],
    )
    assert cli("extract").exit_code == 0
    assert links_service.normalise(store, batch=5) == 0  # extract wrote every link with its mention
    with store.tx() as conn:  # as on a store upgraded to 0003: mentions without a link
        conn.execute(domain_mentions.update().values(link=None))
    assert links_service.normalise(store, batch=5) == 23
    assert links_service.normalise(store, batch=5) == 0
    items = json.loads(cli("links", "--format", "json").stdout)
    assert sorted(i["link"] for i in items) == sorted(f"glow-shop.com/p/{i}" for i in range(23))


@pytest.mark.parametrize(
    "args",
    [
        ("--domain", "not a domain"),
        ("--domain", "localhost"),
        ("--format", "xml"),
        ("--since", "soon"),
        ("--video", "x1"),
        ("--top", "0"),
        ("--category", "x"),
    ],
)
def test_bad_arguments_exit_2(cli, args):
    result = cli("links", *args)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


def test_an_empty_store_has_no_links(cli):
    assert json.loads(cli("links", "--format", "json").stdout) == []
    assert "links (0)" in cli("links").stdout
