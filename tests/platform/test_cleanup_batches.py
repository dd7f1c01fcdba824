"""Retention cleanup in batches: mentions go with their comments, counts are rows, the dry run
predicts the real run, and on SQLite the cleanup steps aside between batches."""

import datetime as dt
import json
import threading

from sqlalchemy import func, insert, select

from harvester_cli.services import cleanup as cleanup_service
from harvester_cli.store.tables import comments, domain_mentions, domains, videos


def seed(store, *, n_old_videos=3, n_new_videos=2, per_video=4):
    now = store.now()
    old = now - dt.timedelta(days=200)
    vid = 1000
    cid = 10_000
    with store.tx() as conn:
        conn.execute(
            insert(domains),
            [{"domain": d, "first_seen": old, "last_seen": now, "first_extracted_at": old} for d in ("a.com", "b.com")],
        )
        for i in range(n_old_videos + n_new_videos):
            when = old if i < n_old_videos else now
            vid += 1
            conn.execute(
                insert(videos).values(
                    id=vid,
                    source="files",
                    promoted_reason="tag",
                    discovered_at=when,
                    last_seen_at=when,
                    harvest_state="done",
                )
            )
            for _ in range(per_video):
                cid += 1
                conn.execute(
                    insert(comments).values(
                        id=cid, video_id=vid, text="a.com b.com", harvested_at=when, extracted_at=when
                    )
                )
                # two mentions per comment: the deleted count is rows, not comments
                conn.execute(
                    insert(domain_mentions),
                    [
                        {"comment_id": cid, "domain": d, "video_id": vid, "written": d, "seen_at": when}
                        for d in ("a.com", "b.com")
                    ],
                )


def counts(store):
    with store.tx() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar()
            for t in (videos, comments, domain_mentions, domains)
        }


def test_dry_run_predicts_the_real_run_and_mentions_are_counted_as_rows(cli, store):
    seed(store)
    before = counts(store)
    would = json.loads(cli("--json", "cleanup", "--dry-run").stdout)["would_delete"]
    assert counts(store) == before
    assert (would["comments"], would["domain_mentions"], would["videos"]) == (12, 24, 3)
    deleted = json.loads(cli("--json", "cleanup").stdout)["deleted"]
    assert deleted == would
    assert counts(store) == {"videos": 2, "comments": 8, "domain_mentions": 16, "domains": 2}


def test_batches_delete_comments_with_their_mentions_and_pause_between_them(store):
    seed(store, n_old_videos=5, per_video=3)
    cutoff = cleanup_service.cutoff_for(store, 90)
    pauses, progress = [], []
    deleted = cleanup_service.purge(
        store, cutoff, batch_size=4, pause=pauses.append, progress=lambda table, n: progress.append((table, n))
    )
    assert deleted["comments"] == 15 and deleted["domain_mentions"] == 30 and deleted["videos"] == 5
    # 15 comments in batches of 4: each batch took the mentions of its own comments
    assert [n for t, n in progress if t == "comments"] == [4, 4, 4, 3]
    assert [n for t, n in progress if t == "domain_mentions"] == [8, 8, 8, 6]
    assert len(pauses) >= 6 and all(p >= 0 for p in pauses)
    with store.tx() as conn:
        kept = set(conn.execute(select(domain_mentions.c.comment_id)).scalars())
        assert kept == set(conn.execute(select(comments.c.id)).scalars())


def test_default_pause_sleeps_on_sqlite_only(store, monkeypatch):
    slept = []
    monkeypatch.setattr(cleanup_service.time, "sleep", slept.append)
    seed(store, n_old_videos=2, per_video=3)
    cleanup_service.purge(store, cleanup_service.cutoff_for(store, 90), batch_size=2)
    if store.dialect == "sqlite":
        assert slept and all(
            cleanup_service.SQLITE_PAUSE_MIN_SECONDS <= s <= cleanup_service.SQLITE_PAUSE_MAX_SECONDS for s in slept
        )
    else:
        assert slept == []


def test_dry_run_counts_while_another_process_holds_the_write_lock(store):
    if store.dialect != "sqlite":
        return
    import sqlite3

    from harvester_cli.store.engine import sqlite_path

    seed(store, n_old_videos=1, per_video=2)
    holder = sqlite3.connect(sqlite_path(store.url), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    counts = {}
    try:
        # a dry run that took the write lock would wait here for the busy timeout (30 s)
        worker = threading.Thread(
            target=lambda: counts.update(cleanup_service.count(store, cleanup_service.cutoff_for(store, 90)))
        )
        worker.start()
        worker.join(timeout=10)
        finished = not worker.is_alive()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        worker.join()
    assert finished
    assert counts["comments"] == 2 and counts["domain_mentions"] == 4
