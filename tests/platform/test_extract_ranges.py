"""Extraction on SQLite: ranges read and extracted outside the write lock (in helper processes
too), then marked and written in one transaction each. What was read may have changed by the
time the range is written; the write marks exactly what is still pending then."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal

import pytest
from sqlalchemy import delete, func, insert, select, update

from harvester_cli.extraction import find_mentions
from harvester_cli.services.extract_helper import DEPTH, Helpers
from harvester_cli.store import mentions, pending
from harvester_cli.store.engine import sqlite_path
from harvester_cli.store.tables import comments, domain_mentions, domains, system_logs, videos
from tests.helpers.processes import alive
from tests.reliability.conftest import wait_until

BASE = 2**62
DOMAINS = ("shop.com", "deals.co.uk", "example.org", "tienda.com.mx", "toko.co.id")


@pytest.fixture
def sqlite_store(store):
    if store.dialect != "sqlite":
        pytest.skip("the range protocol is SQLite's; PostgreSQL claims batches with SKIP LOCKED")
    return store


def seed(store, n: int, *, first: int = 0, video_id: int = 77, step: int = 1) -> list[int]:
    now = store.now()
    ids = [BASE + first + i * step for i in range(n)]
    with store.tx() as conn:
        if conn.execute(select(func.count()).select_from(videos).where(videos.c.id == video_id)).scalar() == 0:
            conn.execute(
                insert(videos).values(
                    id=video_id, source="files", promoted_reason="tag", discovered_at=now, last_seen_at=now
                )
            )
        conn.execute(
            insert(comments),
            [
                {
                    "id": cid,
                    "video_id": video_id,
                    "text": text_for(cid),
                    "harvested_at": now,
                    "created_at": now - dt.timedelta(minutes=cid - BASE),
                }
                for cid in ids
            ],
        )
    return ids


def text_for(cid: int) -> str:
    k = cid - BASE
    if k % 4 == 3:
        return f"no links here, just vibes #{k}"
    return f"get it at {DOMAINS[k % len(DOMAINS)]} and www.{DOMAINS[(k + 1) % len(DOMAINS)]}/x{k} 🔥"


def expected_pairs(ids) -> set[tuple[int, str]]:
    return {(cid, m[0]) for cid in ids for m in find_mentions(text_for(cid))}


def stored_pairs(store) -> set[tuple[int, str]]:
    with store.read() as conn:
        rows = conn.execute(select(domain_mentions.c.comment_id, domain_mentions.c.domain)).all()
    assert len(rows) == len(set(rows)), "a mention was stored twice"
    return {(int(c), d) for c, d in rows}


def pending_count(store) -> int:
    return mentions.pending_count(store)


def read(store, lo: int, hi: int) -> pending.ExtractedRange:
    conn = pending.connect(sqlite_path(store.url))
    try:
        return pending.extract_range(conn, lo, hi, find_mentions)
    finally:
        conn.close()


def test_ranges_walk_the_pending_ids_in_order(sqlite_store):
    ids = seed(sqlite_store, 10)
    with sqlite_store.tx() as conn:
        conn.execute(update(comments).where(comments.c.id == ids[1]).values(extracted_at=sqlite_store.now()))
    conn = pending.connect(sqlite_path(sqlite_store.url))
    try:
        assert pending.next_range(conn, pending.FIRST, 4) == (ids[4], 4)  # ids[1] is done
        assert pending.next_range(conn, ids[4], 4) == (ids[8], 4)
        assert pending.next_range(conn, ids[8], 4) == (ids[9], 1)
        assert pending.next_range(conn, ids[9], 4) is None
        assert pending.next_range(conn, pending.FIRST, 1) == (ids[0], 1)
    finally:
        conn.close()


def test_a_range_is_read_without_writing_and_saved_in_one_go(sqlite_store):
    ids = seed(sqlite_store, 8)
    extracted = read(sqlite_store, pending.FIRST, ids[5])
    assert extracted.ids == ids[:6]
    assert pending_count(sqlite_store) == 8, "reading marked something"
    n, m = mentions.save_range(sqlite_store, extracted, find_mentions)
    assert n == 6 and m == len(expected_pairs(ids[:6]))
    assert stored_pairs(sqlite_store) == expected_pairs(ids[:6])
    assert pending_count(sqlite_store) == 2
    # saving the same range again (a second run that read it too) marks and writes nothing
    assert mentions.save_range(sqlite_store, extracted, find_mentions) == (0, 0)
    assert stored_pairs(sqlite_store) == expected_pairs(ids[:6])


def test_a_comment_stored_in_the_range_after_the_read_is_extracted_too(sqlite_store):
    ids = seed(sqlite_store, 6, step=10)
    extracted = read(sqlite_store, pending.FIRST, ids[-1])
    late = seed(sqlite_store, 1, first=15)  # between ids[1] and ids[2], as a harvest alongside would
    n, m = mentions.save_range(sqlite_store, extracted, find_mentions)
    assert n == 7
    assert stored_pairs(sqlite_store) == expected_pairs(ids + late)
    assert pending_count(sqlite_store) == 0


def test_comments_taken_or_deleted_after_the_read_get_no_mentions_from_this_run(sqlite_store):
    ids = seed(sqlite_store, 6)
    extracted = read(sqlite_store, pending.FIRST, ids[-1])
    with sqlite_store.tx() as conn:  # another run marked ids[0] (without mentions); cleanup deleted ids[1]
        conn.execute(update(comments).where(comments.c.id == ids[0]).values(extracted_at=sqlite_store.now()))
        conn.execute(delete(comments).where(comments.c.id == ids[1]))
    n, m = mentions.save_range(sqlite_store, extracted, find_mentions)
    assert n == 4
    assert stored_pairs(sqlite_store) == expected_pairs(ids[2:])


def test_domains_first_and_last_seen_come_from_the_comments(sqlite_store):
    ids = seed(sqlite_store, 20)
    for lo, hi in ((pending.FIRST, ids[9]), (ids[9], ids[19])):
        mentions.save_range(sqlite_store, read(sqlite_store, lo, hi), find_mentions)
    with sqlite_store.read() as conn:
        got = {
            d: (f, last)
            for d, f, last in conn.execute(select(domains.c.domain, domains.c.first_seen, domains.c.last_seen)).all()
        }
        created = dict(conn.execute(select(comments.c.id, comments.c.created_at)).all())
    want: dict[str, list] = {}
    for cid, domain in expected_pairs(ids):
        bounds = want.setdefault(domain, [created[cid], created[cid]])
        bounds[0], bounds[1] = min(bounds[0], created[cid]), max(bounds[1], created[cid])
    assert got == {d: tuple(b) for d, b in want.items()}


def test_a_comment_without_a_creation_time_is_seen_when_extracted(sqlite_store):
    ids = seed(sqlite_store, 1)
    with sqlite_store.tx() as conn:
        conn.execute(update(comments).values(created_at=None))
    before = sqlite_store.now()
    mentions.save_range(sqlite_store, read(sqlite_store, pending.FIRST, ids[0]), find_mentions)
    with sqlite_store.read() as conn:
        seen = conn.execute(select(domain_mentions.c.seen_at)).scalars().all()
    assert seen and all(before <= s <= sqlite_store.now() for s in seen)


def test_helpers_extract_what_they_are_given_and_stop_when_closed(sqlite_store):
    ids = seed(sqlite_store, 30)
    failures: list[str] = []
    helpers = Helpers(sqlite_path(sqlite_store.url), 2, failures.append)
    pids = helpers.pids
    try:
        assert helpers.started == 2 and helpers.capacity == 2 * DEPTH
        ranges = [(pending.FIRST, ids[9]), (ids[9], ids[19]), (ids[19], ids[29])]
        for rng in ranges:
            helpers.submit(rng)
        got: list[pending.ExtractedRange] = []
        wait_until(
            lambda: got.extend(helpers.results(timeout=0.2)) or len(got) == 3, timeout=20, what="three ranges back"
        )
        assert sorted((r.lo, r.hi) for r in got) == ranges
        assert {(f.comment_id, f.domain) for r in got for f in r.found} == expected_pairs(ids)
        assert not failures and not helpers.busy
    finally:
        helpers.close()
    assert not any(alive(p) for p in pids)
    assert pending_count(sqlite_store) == 30, "a helper wrote"


def test_a_helper_that_dies_hands_its_ranges_back(sqlite_store):
    ids = seed(sqlite_store, 10)
    failures: list[str] = []
    helpers = Helpers(sqlite_path(sqlite_store.url), 1, failures.append)
    try:
        os.kill(helpers.pids[0], signal.SIGKILL)
        wait_until(lambda: not alive(helpers.pids[0]), timeout=20, what="the helper gone")
        helpers.submit((pending.FIRST, ids[4]))
        helpers.submit((ids[4], ids[9]))
        wait_until(
            lambda: helpers.results(timeout=0.2) == [] and bool(failures), timeout=20, what="the failure noticed"
        )
        assert sorted(helpers.orphans) == [(pending.FIRST, ids[4]), (ids[4], ids[9])]
        assert helpers.capacity == 0 and not helpers.busy
        assert "extraction helper" in failures[0] and "extracted by the run itself" in failures[0]
    finally:
        helpers.close()


@pytest.mark.parametrize("processes", ["0", "2"])
def test_extract_with_and_without_helpers_stores_the_same(sqlite_store, run_proc, processes):
    ids = seed(sqlite_store, 600)
    env = {"HARVESTER_EXTRACT_BATCH_SIZE": "25", "HARVESTER_EXTRACT_HELPERS": processes}
    result = run_proc("--json", "extract", env=env)
    assert result.returncode == 0, result.stderr
    run = json.loads(result.stdout)
    assert run["status"] == "succeeded" and run["items_ok"] == 600
    assert run.get("helper_processes", 0) == int(processes)
    assert stored_pairs(sqlite_store) == expected_pairs(ids)
    assert pending_count(sqlite_store) == 0
    again = run_proc("--json", "extract", env=env)
    assert json.loads(again.stdout)["items_ok"] == 0


def test_extract_limit_is_respected_on_ranges(sqlite_store, run_proc):
    seed(sqlite_store, 200)
    result = run_proc(
        "--json",
        "extract",
        "--limit",
        "130",
        env={"HARVESTER_EXTRACT_BATCH_SIZE": "20", "HARVESTER_EXTRACT_HELPERS": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["items_ok"] == 130
    assert pending_count(sqlite_store) == 70


def test_concurrent_extract_runs_on_sqlite_store_each_mention_once(sqlite_store, proc_env):
    import subprocess

    from tests.conftest import harvester_cmd

    ids = seed(sqlite_store, 1500)
    env = dict(proc_env, HARVESTER_EXTRACT_BATCH_SIZE="20", HARVESTER_EXTRACT_HELPERS="1")
    runs = [
        subprocess.Popen(
            harvester_cmd() + ["--json", "extract"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outs = [r.communicate(timeout=120) for r in runs]
    assert [r.returncode for r in runs] == [0, 0, 0], [o[1] for o in outs]
    assert sum(json.loads(o[0])["items_ok"] for o in outs) == 1500
    assert stored_pairs(sqlite_store) == expected_pairs(ids)
    assert pending_count(sqlite_store) == 0


def test_helpers_never_import_a_harvester_cli_from_the_working_directory(sqlite_store, run_proc, tmp_path):
    ids = seed(sqlite_store, 200)
    planted = tmp_path / "harvester_cli"
    planted.mkdir()
    (planted / "__init__.py").write_text("raise SystemExit('planted package imported')\n")
    result = run_proc("--json", "extract", env={"HARVESTER_EXTRACT_BATCH_SIZE": "10", "HARVESTER_EXTRACT_HELPERS": "1"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["helper_processes"] == 1
    with sqlite_store.read() as conn:
        warnings = conn.execute(
            select(func.count()).select_from(system_logs).where(system_logs.c.event == "extract.helper_failed")
        ).scalar()
    assert warnings == 0
    assert stored_pairs(sqlite_store) == expected_pairs(ids)


def test_a_backlog_of_one_batch_starts_no_helper(sqlite_store, run_proc):
    ids = seed(sqlite_store, 25)
    result = run_proc("--json", "extract", env={"HARVESTER_EXTRACT_BATCH_SIZE": "30"})
    assert result.returncode == 0, result.stderr
    run = json.loads(result.stdout)
    assert run["items_ok"] == 25 and "helper_processes" not in run
    assert stored_pairs(sqlite_store) == expected_pairs(ids)


def test_driver_errors_on_the_raw_cursor_become_store_errors(sqlite_store):
    from harvester_cli import errors

    with pytest.raises(errors.StoreError, match="database error: no such table: nope"):
        with sqlite_store.tx() as conn:
            conn.connection.dbapi_connection.cursor().execute("SELECT * FROM nope")


def test_sqlite_connections_checkpoint_every_40_mb_of_wal(sqlite_store):
    with sqlite_store.read() as conn:
        cursor = conn.connection.dbapi_connection.cursor()
        assert cursor.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 10_000
        assert cursor.execute("PRAGMA journal_size_limit").fetchone()[0] == 64 * 1024 * 1024
        cursor.close()
