"""Issue 15 point 7, 80 columns: tables never split an identifier (a domain, a 19-digit id, a path)
across lines or mid-token — it is whole on one line or cut in the middle with an ellipsis — no line
is wider than the terminal, free text wraps, and `watch` fits 80x24 with the alerts first."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from rich.console import Console

from harvester_cli import console
from harvester_cli.store import dlq as dlq_store
from harvester_cli.store import logs, runs
from tests.helpers.planting import Mention, plant, utcnow

LONG_DOMAIN = "a-very-long-subdomain-name-for-testing.shop-example-store.co"  # 60 characters
DOMAINS = ["sephora.com.br", "zalando.de", LONG_DOMAIN]
VIDEO = 7386111312293610270
ITEM = "7386111312293610271"
ELLIPSIS = "\u2026"

assert len(LONG_DOMAIN) == 60


def _appears_whole_or_cut(out: str, value: str) -> None:
    """`value` on one line whole, or as head…tail of it on one line: never split across lines."""
    lines = out.splitlines()
    if any(value in line for line in lines):
        return
    cut = re.compile(r"([^\s│┃]+)" + ELLIPSIS + r"([^\s│┃]+)")
    for line in lines:
        for head, tail in cut.findall(line):
            if value.startswith(head) and value.endswith(tail):
                return
    raise AssertionError(f"{value!r} is neither whole nor cut in the middle:\n{out}")


def _fits(out: str, width: int = 80) -> None:
    too_wide = [line for line in out.splitlines() if len(line) > width]
    assert not too_wide, "\n".join(too_wide)


@pytest.fixture
def long_store(cli, store, tmp_path, monkeypatch):
    now = utcnow().replace(microsecond=0)
    comment = (
        "a long comment that goes on and on about where to buy things cheaply, with many words, "
        "enough to wrap on any terminal"
    )
    plant(
        store,
        [
            Mention(7900000000000000001 + i, VIDEO, d, d, now - dt.timedelta(hours=i + 1), text=f"{comment} {d}")
            for i, d in enumerate(DOMAINS)
        ],
    )
    run = runs.start(
        store,
        job_type="harvesting",
        status="running",
        host="a-long-host-name.example.internal",
        pid=123456,
        slot=1,
        token="t",
        lock_ref=None,
        params={},
        deadline_at=None,
    )
    for i in range(6):
        runs.start(
            store,
            job_type="harvesting",
            status="failed",
            host="h",
            pid=1,
            slot=None,
            token=None,
            lock_ref=None,
            params={},
            deadline_at=None,
            error=f"TikTokError: the server answered 503 Service Unavailable for video {VIDEO} "
            f"after 3 tries, giving up on this page (attempt {i})",
        )
    dlq_store.add(
        store,
        job_type="harvesting",
        item_key=ITEM,
        payload={"video_id": ITEM},
        error="TikTokError: the server answered 503 Service Unavailable after three attempts, "
        "the item is parked here until someone retries it",
        error_type="TikTokError",
        run_id=run,
    )
    logs.write(
        store,
        "harvest.page",
        f"video {VIDEO}: page 3 fetched, 50 comments, cursor {ITEM}, {LONG_DOMAIN} mentioned",
        run_id=run,
        job_type="harvesting",
    )
    lock_dir = tmp_path / "a-rather-deep" / "directory-structure" / "for-the-lock-files-of-harvester" / "locks"
    monkeypatch.setenv("HARVESTER_LOCK_DIR", str(lock_dir))
    return {"run": run, "lock_dir": str(lock_dir)}


COMMANDS = [
    ("domains",),
    ("domains", "--video", str(VIDEO)),
    ("jobs",),
    ("config", "list"),
    ("dlq", "list"),
    ("logs",),
    ("links",),
    ("budget",),
    ("health",),
    ("kill-switch", "status"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_tables_fit_80_columns_and_never_split_an_identifier(cli, long_store, args):
    result = cli(*args, env={"COLUMNS": "80"})
    assert result.exit_code in (0, 1), result.stderr  # health exits 1: alerts fire
    _fits(result.stdout)
    if args[0] == "domains":
        for domain in DOMAINS:
            _appears_whole_or_cut(result.stdout, domain)
        assert "sephora.com.br" in result.stdout and "zalando.de" in result.stdout  # short ones stay whole
    if args[0] == "dlq":
        assert ITEM in result.stdout  # a 19-digit id is copied whole
    if args[0] == "logs":
        assert str(long_store["run"]) in result.stdout
    if args[0] == "config":
        _appears_whole_or_cut(result.stdout, long_store["lock_dir"])
        assert "HARVESTER_LOCK_DIR" in result.stdout or "harvester_lock_dir" in result.stdout


def test_config_list_keeps_paths_whole_at_160_columns(cli, long_store):
    lock_dir = "/srv/harvester/state/a-deep-directory-structure/for-the-lock-files/locks"
    out = cli("config", "list", env={"COLUMNS": "160", "HARVESTER_LOCK_DIR": lock_dir}).stdout
    _fits(out, 160)
    assert lock_dir in out and "description" in out  # was split over lines to fit the descriptions


def test_free_text_wraps_rather_than_being_cut(cli, long_store):
    out = cli("domains", env={"COLUMNS": "160"}).stdout
    _fits(out, 160)
    assert all(domain in out for domain in DOMAINS)
    flat = " ".join(out.split())
    assert "about where" in flat or "where to buy" in flat  # the comment wraps at spaces
    # at 80 columns it makes way for the domains, and says so
    out = cli("domains", env={"COLUMNS": "80"}).stdout
    assert "(sample comment left out at 80 columns; --json shows all)" in out


def test_columns_is_respected_when_stdout_is_not_a_terminal(cli, long_store):
    wide = cli("domains", env={"COLUMNS": "100"}).stdout
    assert max(len(line) for line in wide.splitlines()) <= 100
    assert max(len(line) for line in cli("domains", env={"COLUMNS": "200"}).stdout.splitlines()) > 100


def test_watch_fits_80x24_with_the_alerts_first(cli, long_store):
    result = cli("watch", "--once", env={"COLUMNS": "80", "LINES": "24"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    _fits(out)
    assert len(out.splitlines()) <= 24, out
    health = cli("--json", "health").stdout
    assert '"alerts"' in health
    alert_names = re.findall(r'"name": "([a-z_]+)"', health.split('"checks"')[0])
    assert alert_names  # failures make alerts fire
    for name in alert_names:
        assert name in out, (name, out)
    lines = out.splitlines()
    alerts_at = next(i for i, line in enumerate(lines) if line.startswith("alerts"))
    assert all(not line.startswith(("running", "queues", "recent failures")) for line in lines[:alerts_at])


def test_watch_without_a_height_shows_everything(cli, long_store):
    out = cli("watch", "--once", env={"COLUMNS": "200"}).stdout
    for part in ("running", "queues", "alerts", "recent failures"):
        assert part in out
    assert "a-long-host-name.example.internal" in out


# ------------------------------------------------------------------------------ the layout itself


def _render(renderable, width: int) -> str:
    con = Console(width=width, file=None, record=True, no_color=True, highlight=False, markup=False)
    with con.capture() as capture:
        con.print(renderable)
    return capture.get()


def test_cut_keeps_both_ends_and_timestamps_lose_seconds_first():
    assert console.cut("sephora.com.br", 20) == "sephora.com.br"
    short = console.cut(LONG_DOMAIN, 15)
    assert len(short) == 15 and short.startswith("a-very") and short.endswith(".co") and ELLIPSIS in short
    assert console.cut("2025-01-31T23:59:58Z", 16) == "2025-01-31 23:59"
    assert console.cut("2025-01-31 23:59:58", 12) == "01-31 23:59"
    assert console.cut("2025-01-31 23:59:58", 10) == "2025-01-31"


@pytest.mark.parametrize("width", [40, 60, 80, 100, 160])
def test_any_width_keeps_ids_on_one_line(width):
    rows = [[str(7386111312293610270 + i), d, "2025-01-31T23:59:58Z", "word " * 30] for i, d in enumerate(DOMAINS)]
    out = _render(console.table("t", ["id", "domain", "last seen", "message"], rows), width)
    _fits(out, width)
    for row in rows:
        _appears_whole_or_cut(out, row[0])
        _appears_whole_or_cut(out, row[1])
    if width >= 80:
        assert all(row[0] in out for row in rows)
