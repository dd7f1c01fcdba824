"""Issue 13, `domains --new` and `domains --rising`, with comments planted at known times (hours
before now) and extracted by the real `harvester extract`, on SQLite and PostgreSQL."""

import datetime as dt
import json

import pytest

from tests.helpers.planting import add_comments, utcnow

VIDEOS = [7800000000000000200 + i for i in range(12)]
_ids = iter(range(7900000000000100000, 7900000000000200000))


BASE = utcnow().replace(microsecond=0)  # moved to "now" by the fixture


def at(hours_ago: float) -> dt.datetime:
    return BASE - dt.timedelta(hours=hours_ago)


def iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds") + "Z"


def comments_for(domain: str, hours: list[float], videos=None) -> list[tuple]:
    videos = videos or VIDEOS
    return [(next(_ids), videos[i % len(videos)], f"got it on {domain} 🔥", at(h)) for i, h in enumerate(hours)]


@pytest.fixture
def planted(cli, store):
    global BASE
    BASE = utcnow().replace(microsecond=0)
    day = 24
    rows = (
        # rising: 2 mentions in the week before, 10 in the last week (growth 5)
        comments_for("rise-shop.com", [8 * day, 10 * day] + [h * day / 2 for h in range(1, 11)])
        # new in the last week (first seen 2 days ago), 6 mentions, none before: growth 6 (previous as 1)
        + comments_for("fresh-deals.com", [2 * day, 40, 30, 20, 10, 5], videos=VIDEOS[:2])
        # old and steady: 6 and 6, not rising
        + comments_for("steady.com", [h * day for h in (8, 9, 10, 11, 12, 13)] + [h * day for h in (1, 2, 3, 4, 5, 6)])
        # falling: 8 before, 3 now
        + comments_for("falling.com", [h * day for h in (7.5, 8, 9, 10, 11, 12, 13, 13.5)] + [day, 2 * day, 3 * day])
        # new but small: 2 mentions an hour ago
        + comments_for("tiny-new.shop", [1, 2])
        # first seen 20 days ago, mentioned again today: not new
        + comments_for("amzn.to", [20 * day, 3, 4, 5, 6, 7, 8])
    )
    add_comments(store, rows)
    result = cli("extract")
    assert result.exit_code == 0, result.stderr
    return rows


def report(cli, *args):
    result = cli("domains", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_new_lists_the_domains_first_seen_in_the_window(cli, planted):
    items = report(cli, "--new", "--since", "7d")
    assert [i["domain"] for i in items] == ["fresh-deals.com", "tiny-new.shop"]  # by mentions
    fresh = items[0]
    assert fresh == {
        "domain": "fresh-deals.com",
        "category": None,
        "mentions": 6,
        "videos": 2,
        "first_seen": iso(at(48)),
        "last_seen": iso(at(5)),
    }
    # the default window is 7d; a day holds only what was first seen in it
    assert report(cli, "--new") == items
    assert [i["domain"] for i in report(cli, "--new", "--since", "1d")] == ["tiny-new.shop"]
    assert [i["domain"] for i in report(cli, "--new", "--since", "30d")][:2] == ["rise-shop.com", "steady.com"]
    assert report(cli, "--new", "--since", "7d", "--top", "1") == items[:1]
    assert report(cli, "--new", "--category", "shortener", "--since", "30d") == [
        i for i in report(cli, "--new", "--since", "30d") if i["domain"] == "amzn.to"
    ]


def test_rising_compares_the_window_with_the_one_before(cli, planted):
    items = report(cli, "--rising", "--since", "7d")
    by_name = {i["domain"]: i for i in items}
    # fresh-deals: 6 against 0 (counted as 1) = 6x; amzn.to 6 against 0 = 6x; rise-shop: 10 against 2 = 5x
    assert [i["domain"] for i in items] == ["amzn.to", "fresh-deals.com", "rise-shop.com"]
    assert {k: by_name["rise-shop.com"][k] for k in ("mentions", "previous", "growth", "videos")} == {
        "mentions": 10,
        "previous": 2,
        "growth": 5.0,
        "videos": 10,
    }
    assert (
        by_name["fresh-deals.com"]["mentions"],
        by_name["fresh-deals.com"]["previous"],
        by_name["fresh-deals.com"]["growth"],
    ) == (6, 0, 6.0)
    assert by_name["amzn.to"]["category"] == "shortener"
    assert by_name["amzn.to"]["first_seen"] == iso(at(20 * 24))
    # steady (6 and 6) and falling (3 against 8) are not rising; tiny-new has 2, under the minimum of 5
    assert not {"steady.com", "falling.com", "tiny-new.shop"} & set(by_name)
    low = report(cli, "--rising", "--since", "7d", "--min-mentions", "2")
    assert "tiny-new.shop" in {i["domain"] for i in low} and "steady.com" not in {i["domain"] for i in low}
    assert report(cli, "--rising", "--since", "7d", "--top", "2") == items[:2]
    assert report(cli, "--rising", "--since", "7d", "--category", "shortener") == items[:1]
    assert report(cli, "--rising") == items  # 7d by default


def test_rising_table_shows_both_counts_and_the_growth(cli, planted):
    table = cli("domains", "--rising", "--since", "7d").stdout
    line = next(text for text in table.splitlines() if "rise-shop.com" in text)
    cells = [c.strip() for c in line.strip("│ ").split("│")]
    assert cells[:5] == ["rise-shop.com", "", "10", "2", "5x"]
    assert "against the 7d before" in table
    csv_text = cli("domains", "--rising", "--since", "7d", "--format", "csv").stdout
    assert csv_text.splitlines()[0] == "domain,category,mentions,previous,growth,videos,first_seen,last_seen"
    assert "new domains" in cli("domains", "--new").stdout


def test_a_short_window_on_an_empty_store(cli):
    assert report(cli, "--new", "--since", "1h") == []
    assert report(cli, "--rising", "--since", "1h") == []


@pytest.mark.parametrize(
    "args",
    [
        ("--new", "--rising"),
        ("--rising", "--video", "42"),
        ("--new", "--video", "42"),
        ("--min-mentions", "3"),
        ("--rising", "--since", "0d"),
        ("--new", "--since", "0"),
        ("--rising", "--min-mentions", "0"),
        ("--rising", "--since", "yesterday"),
    ],
)
def test_bad_combinations_exit_2(cli, args):
    result = cli("domains", *args)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
