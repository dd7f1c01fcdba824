"""The extraction queue: one statement claims and marks a batch, the batch is atomic, and
concurrent runs on PostgreSQL take different batches (SKIP LOCKED)."""

import datetime as dt
import threading

import pytest
from sqlalchemy import func, insert, select, text

from harvester_cli.extraction import find_linked_mentions, find_mentions
from harvester_cli.store import mentions
from harvester_cli.store.tables import comments, domain_mentions, domains, videos


def seed(store, n=10, video_id=77):
    now = store.now()
    with store.tx() as conn:
        conn.execute(
            insert(videos).values(
                id=video_id, source="files", promoted_reason="tag", discovered_at=now, last_seen_at=now
            )
        )
        conn.execute(
            insert(comments),
            [
                {
                    "id": 2**62 + i,
                    "video_id": video_id,
                    "text": f"get it at shop{i % 3}.com",
                    "harvested_at": now,
                    "created_at": now - dt.timedelta(days=i),
                }
                for i in range(n)
            ],
        )


def count(store, table, where=None):
    with store.read() as conn:
        q = select(func.count()).select_from(table)
        return conn.execute(q.where(where) if where is not None else q).scalar()


def test_batches_claim_in_id_order_mark_them_and_rerun_finds_nothing(store):
    seed(store, n=10)
    assert mentions.process_batch(store, 4, find_mentions) == (4, 4)
    with store.read() as conn:
        done = conn.execute(select(comments.c.id).where(comments.c.extracted_at.is_not(None))).scalars().all()
    assert sorted(done) == [2**62 + i for i in range(4)]
    assert mentions.process_batch(store, 100, find_mentions) == (6, 6)
    assert mentions.process_batch(store, 100, find_mentions) == (0, 0)
    assert count(store, domain_mentions) == 10 and count(store, domains) == 3
    with store.read() as conn:
        bounds = conn.execute(
            select(domains.c.first_seen, domains.c.last_seen).where(domains.c.domain == "shop0.com")
        ).one()
    # shop0.com: comments 0, 3, 6, 9 days old
    assert bounds[1] - bounds[0] == dt.timedelta(days=9)


def test_a_failing_batch_rolls_back_to_pending(store):
    seed(store, n=5)

    def broken(text):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        mentions.process_batch(store, 3, broken)
    assert count(store, comments, comments.c.extracted_at.is_(None)) == 5
    assert count(store, domain_mentions) == 0
    assert mentions.process_batch(store, 10, find_mentions) == (5, 5)


def test_concurrent_batches_on_postgresql_are_disjoint(store):
    if store.dialect != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises on its write lock")
    seed(store, n=6)
    claimed_a: list[str] = []
    started, release = threading.Event(), threading.Event()

    def slow(text):
        claimed_a.append(text)
        started.set()
        release.wait(10)
        return find_mentions(text)

    worker = threading.Thread(target=lambda: mentions.process_batch(store, 3, slow))
    worker.start()
    assert started.wait(10)
    try:
        # run A holds the first 3 rows locked: B takes the next 3 instead of waiting
        assert mentions.process_batch(store, 3, find_mentions) == (3, 3)
    finally:
        release.set()
        worker.join(10)
    assert count(store, comments, comments.c.extracted_at.is_(None)) == 0
    assert count(store, domain_mentions) == 6


def test_sqlite_comment_and_video_ids_are_the_rowid(store):
    if store.dialect != "sqlite":
        pytest.skip("SQLite storage layout")
    seed(store, n=2)
    with store.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM comments WHERE rowid = id")).scalar() == 2
        assert conn.execute(text("SELECT count(*) FROM videos WHERE rowid = id")).scalar() == 1
        names = (
            conn.execute(
                text("SELECT name FROM sqlite_master WHERE tbl_name IN ('comments', 'videos') AND type = 'index'")
            )
            .scalars()
            .all()
        )
    assert not [n for n in names if n.startswith("sqlite_autoindex")]


@pytest.mark.parametrize("helpers", ["0", "2"])
def test_extract_on_postgresql_with_helper_threads_stores_each_mention_once(store, run_proc, helpers):
    if store.dialect != "postgresql":
        pytest.skip("helper threads serve PostgreSQL; SQLite has helper processes (test_extract_ranges)")
    import json

    seed(store, n=500)
    env = {"HARVESTER_EXTRACT_BATCH_SIZE": "7", "HARVESTER_EXTRACT_HELPERS": helpers}
    result = run_proc("--json", "extract", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["items_ok"] == 500
    with store.read() as conn:
        rows = conn.execute(select(domain_mentions.c.comment_id, domain_mentions.c.domain)).all()
    assert len(rows) == len(set(rows)) == 500
    assert count(store, comments, comments.c.extracted_at.is_(None)) == 0


def test_extract_limit_holds_across_helper_threads(store, run_proc):
    if store.dialect != "postgresql":
        pytest.skip("helper threads serve PostgreSQL")
    import json

    seed(store, n=100)
    env = {"HARVESTER_EXTRACT_BATCH_SIZE": "7", "HARVESTER_EXTRACT_HELPERS": "3"}
    limited = run_proc("--json", "extract", "--limit", "30", env=env)
    assert limited.returncode == 0, limited.stderr
    assert json.loads(limited.stdout)["items_ok"] == 30
    assert count(store, comments, comments.c.extracted_at.is_(None)) == 70


def test_a_batch_failing_in_a_helper_thread_fails_the_run_and_leaves_it_pending(store, cli, monkeypatch):
    if store.dialect != "postgresql":
        pytest.skip("helper threads serve PostgreSQL")
    from harvester_cli.services import extract as extract_service

    seed(store, n=40)

    def broken(text):
        if text.endswith("shop2.com"):
            raise RuntimeError("extractor bug")
        return find_linked_mentions(text)

    monkeypatch.setattr(extract_service, "find_linked_mentions", broken)
    result = cli("--json", "extract", env={"HARVESTER_EXTRACT_BATCH_SIZE": "5", "HARVESTER_EXTRACT_HELPERS": "2"})
    assert result.exit_code == 1
    assert "extractor bug" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    with store.read() as conn:
        status, error = conn.execute(text("SELECT status, error FROM job_status")).one()
    assert status == "failed" and "extractor bug" in error
    # every batch held a shop2.com comment: each rolled back whole, nothing half-written
    assert count(store, comments, comments.c.extracted_at.is_(None)) == 40
    assert count(store, domain_mentions) == 0
