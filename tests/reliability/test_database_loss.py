"""The database going away mid-run: every connection of the harvester is terminated with
pg_terminate_backend (the server itself is shared, so it is never restarted). The run fails
cleanly (exit 1, one line, no traceback) and nothing is half-written; a rerun finishes the work."""

from __future__ import annotations

import json
import re
import threading
import time

import pytest
import sqlalchemy as sa

from tests.reliability.conftest import api_env, dataset, query, scalar, seed_videos, wait_until


def _terminate(admin, database: str) -> int:
    with admin.connect() as conn:
        return conn.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :d AND pid <> pg_backend_pid()"
            ),
            {"d": database},
        ).scalar()


def _consistent(store, per_video: int) -> dict[str, int]:
    """Each video is done with all its comments, or holds whole pages (none half-written) and
    the cursor after them."""
    rows = query(
        store,
        "SELECT v.id, v.harvest_state, v.comment_pages, v.comment_cursor, count(c.id) "
        "FROM videos v LEFT JOIN comments c ON c.video_id = v.id "
        "GROUP BY v.id, v.harvest_state, v.comment_pages, v.comment_cursor",
    )
    for vid, state, pages, cursor, n in rows:
        if state == "done":
            assert n == per_video, (vid, state, n)
        else:
            assert (n, cursor) == (100 * pages, 100 * pages if pages else None), (vid, state, pages, cursor, n)
    states: dict[str, int] = {}
    for _, state, *_rest in rows:
        states[state] = states.get(state, 0) + 1
    return states


@pytest.mark.slow
@pytest.mark.parametrize(
    "lock_backend", ["file", "postgres"], ids=["postgresql-file-locks", "postgresql-advisory-locks"]
)
def test_connections_killed_mid_harvest_fail_the_run_cleanly(pg_database, bare_procs, fake_api, lock_backend):
    from harvester_cli.store import engine
    from harvester_cli.store.base import Store

    url, name, admin = pg_database
    store = Store.open(url)
    engine.create_schema(store.engine)
    data = dataset(30, 150, seed=31)
    fake = fake_api(data, latency=0.05)
    ids = seed_videos(store, data.promoted)
    env = api_env(
        fake,
        HARVESTER_DATABASE_URL=url,
        HARVESTER_LOCK_BACKEND=lock_backend,
        HARVESTER_FETCH_CONCURRENCY=4,
        HARVESTER_HARVEST_BATCH_SIZE=4,
    )
    try:
        victim = bare_procs.spawn("--json", "harvest", env=env)
        wait_until(
            lambda: scalar(store, "SELECT count(*) FROM videos WHERE harvest_state = 'done'") >= 3,
            timeout=60,
            what="a few videos harvested",
        )
        # the database goes away for a while: every backend of it is terminated, again and again
        stop = threading.Event()
        killed = []

        def terminator():
            end = time.monotonic() + 1.5
            while time.monotonic() < end and not stop.is_set():
                killed.append(_terminate(admin, name))
                time.sleep(0.005)

        thread = threading.Thread(target=terminator)
        thread.start()
        out, err = victim.communicate(timeout=120)
        stop.set()
        thread.join()
        assert sum(killed) > 0
        assert victim.returncode == 1, (out, err)
        assert "Traceback" not in err and "error: unexpected" not in err, err
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) <= 1 and all(re.match(r"^\S+ harvester error: ", line) for line in lines), err
        if out.strip():  # the run itself recorded its failure
            assert json.loads(out)["status"] == "failed"
        else:  # the failure hit the final bookkeeping: one clear line
            assert len(lines) == 1 and "database error" in lines[0], err

        # nothing half-written: each video has all its comments and is done, or none and is not
        states = _consistent(store, 150)
        assert 0 < states.get("done", 0) < len(ids)
        run_id = scalar(store, "SELECT id FROM job_status WHERE job_type = 'harvesting'")

        rerun = bare_procs.run("--json", "harvest", env=env)
        assert rerun.returncode == 0, rerun.stderr
        first = query(store, "SELECT status, error FROM job_status WHERE id = :i", i=run_id)[0]
        assert first[0] in ("failed", "abandoned"), first
        assert _consistent(store, 150) == {"done": len(ids)}
        stored = [int(i) for (i,) in query(store, "SELECT id FROM comments")]
        assert len(stored) == len(set(stored)) and set(stored) == data.expected_comment_ids()
    finally:
        store.dispose()


@pytest.mark.slow
def test_a_run_whose_advisory_lock_session_dies_stops_instead_of_running_without_a_slot(
    pg_database, bare_procs, fake_api
):
    """With postgres slots the lock lives in one session; when that session dies the slot is
    free for anyone, so the run must stop rather than go on beyond the concurrency limit."""
    from harvester_cli.runtime.slots import advisory_key
    from harvester_cli.store import engine
    from harvester_cli.store.base import Store

    url, name, admin = pg_database
    store = Store.open(url)
    engine.create_schema(store.engine)
    data = dataset(30, 150, seed=32)
    fake = fake_api(data, latency=0.05)
    ids = seed_videos(store, data.promoted)
    env = api_env(
        fake,
        HARVESTER_DATABASE_URL=url,
        HARVESTER_LOCK_BACKEND="postgres",
        MAX_CONCURRENT_HARVESTING_JOBS=1,
        HARVESTER_FETCH_CONCURRENCY=1,
        HARVESTER_HARVEST_BATCH_SIZE=1,
    )
    try:
        first = bare_procs.spawn("--json", "harvest", env=env)
        wait_until(
            lambda: scalar(store, "SELECT count(*) FROM videos WHERE harvest_state = 'done'") >= 1,
            timeout=60,
            what="a video harvested",
        )
        with admin.connect() as conn:
            ended = conn.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l "
                    "JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.granted "
                    "AND l.classid::bigint = :k AND d.datname = :d"
                ),
                {"k": advisory_key("harvesting"), "d": name},
            ).scalar()
        assert ended == 1
        out, err = first.communicate(timeout=30)
        assert first.returncode == 1, (out, err)
        result = json.loads(out)
        assert result["status"] == "failed" and "slot" in result["message"], result
        assert "Traceback" not in err
        assert _consistent(store, 150).get("done", 0) < len(ids)
        assert scalar(store, "SELECT count(*) FROM videos WHERE claimed_by IS NOT NULL") == 0

        second = bare_procs.run("--json", "harvest", env=env)
        assert second.returncode == 0, second.stderr
        assert _consistent(store, 150) == {"done": len(ids)}
    finally:
        store.dispose()
