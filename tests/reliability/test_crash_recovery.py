"""SIGKILL a harvest and an extract mid-run, then rerun: nothing lost, nothing duplicated, and the
killed run ends up `abandoned` with its claims released."""

from __future__ import annotations

import json
import os
import signal

from tests.helpers.processes import alive, children
from tests.reliability.conftest import api_env, dataset, query, scalar, seed_videos, wait_until


def _states(store) -> dict[str, int]:
    return dict(query(store, "SELECT harvest_state, count(*) FROM videos GROUP BY harvest_state"))


def _advisory_locks_held(store) -> int:
    from harvester_cli.runtime.slots import advisory_key

    return scalar(
        store,
        "SELECT count(*) FROM pg_locks l JOIN pg_database d "
        "ON d.oid = l.database AND d.datname = current_database() "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = :k",
        k=advisory_key("harvesting"),
    )


def test_sigkill_mid_harvest_then_rerun_loses_and_duplicates_nothing(isolated, fake_api):
    """On PostgreSQL (a private database) the slot is an advisory lock, freed with the dead
    session; on SQLite a file lock, freed with the dead process."""
    store, procs = isolated.store, isolated.procs
    data = dataset(24, 150, seed=11)
    fake = fake_api(data, latency=0.03)
    ids = seed_videos(store, data.promoted)
    env = api_env(fake, HARVESTER_FETCH_CONCURRENCY=3, HARVESTER_HARVEST_BATCH_SIZE=4)
    if store.dialect == "postgresql":
        env["HARVESTER_LOCK_BACKEND"] = "postgres"

    victim = procs.spawn("--json", "harvest", env=env)
    wait_until(lambda: _states(store).get("done", 0) >= 4, timeout=60, what="a few videos harvested")
    os.kill(victim.pid, signal.SIGKILL)
    assert victim.wait(timeout=30) == -signal.SIGKILL
    if store.dialect == "postgresql":  # the server ends the dead client's session (and its locks)
        wait_until(lambda: _advisory_locks_held(store) == 0, timeout=30, what="the advisory lock freed")

    killed = query(store, "SELECT id, status FROM job_status WHERE job_type = 'harvesting'")
    assert [status for _, status in killed] == ["running"]
    killed_id = killed[0][0]
    states = _states(store)
    assert states.get("done", 0) < len(ids), "the run finished before it was killed; slow the fake down"
    assert states.get("in_progress", 0) > 0, "the killed run held no claims"
    # every video is done with all its comments, or holds whole pages and the cursor after them
    for vid, state, pages, cursor, n in query(
        store,
        "SELECT v.id, v.harvest_state, v.comment_pages, v.comment_cursor, count(c.id) FROM videos v "
        "LEFT JOIN comments c ON c.video_id = v.id "
        "GROUP BY v.id, v.harvest_state, v.comment_pages, v.comment_cursor",
    ):
        if state == "done":
            assert (n, pages) == (150, 2), (vid, state, n)
        else:
            assert (n, cursor) == (100 * pages, 100 * pages if pages else None), (vid, state, pages, cursor, n)

    rerun = procs.run("--json", "harvest", env=env)
    assert rerun.returncode == 0, rerun.stderr
    result = json.loads(rerun.stdout)
    assert result["status"] == "succeeded"

    row = query(store, "SELECT status, error FROM job_status WHERE id = :i", i=killed_id)[0]
    assert row[0] == "abandoned" and "slot lock is free" in row[1]
    assert _states(store) == {"done": len(ids)}
    assert scalar(store, "SELECT count(*) FROM videos WHERE claimed_by IS NOT NULL") == 0
    stored = [int(i) for (i,) in query(store, "SELECT id FROM comments")]
    assert len(stored) == len(set(stored))
    assert set(stored) == data.expected_comment_ids()
    assert {p for (p,) in query(store, "SELECT DISTINCT comment_pages FROM videos")} == {2}
    # fetched again: at most the pages that were in flight when the run was killed (one per fetch slot)
    assert sum(fake.comment_pages(vid) - 2 for vid in ids) <= 3
    # the rerun did only what the killed run left: together they stored each video once
    ok = scalar(store, "SELECT sum(items_ok) FROM job_status WHERE status = 'succeeded'")
    done_before = states.get("done", 0)
    assert ok == len(ids) - done_before
    # and the rerun's log says it reaped the killed run
    assert (
        scalar(store, "SELECT count(*) FROM system_logs WHERE event = 'job.abandoned' AND run_id = :i", i=killed_id)
        == 1
    )


def _seed_comments(store, n_videos: int, per_video: int) -> list[tuple[int, str]]:
    """Store comments directly (as a harvest would) for extraction; returns (id, text)."""
    from harvester_cli.models import Comment
    from harvester_cli.store import comments as comments_store

    data = dataset(n_videos, per_video, seed=12)
    seed_videos(store, data.promoted)
    by_video: dict[int, list[Comment]] = {}
    for c in data.comments:
        by_video.setdefault(int(c["video_id"]), []).append(
            Comment(id=int(c["id"]), video_id=int(c["video_id"]), text=c["text"], create_time=c["create_time"])
        )
    with store.tx() as conn:
        for vid, items in by_video.items():
            comments_store.save(conn, store, vid, items)
    return [(int(c["id"]), c["text"]) for c in data.comments]


def test_sigkill_mid_extract_then_rerun_loses_and_duplicates_nothing(store, procs):
    from harvester_cli.extraction import find_mentions

    comments = _seed_comments(store, 40, 300)  # 12,000 comments
    expected = {(cid, m[0]) for cid, text in comments for m in find_mentions(text)}
    env = {"HARVESTER_EXTRACT_BATCH_SIZE": "20", "HARVESTER_HEARTBEAT_SECONDS": "1"}  # 600 batches

    victim = procs.spawn("--json", "extract", env=env)
    total = len(comments)
    wait_until(
        lambda: scalar(store, "SELECT count(*) FROM comments WHERE extracted_at IS NOT NULL") >= 200,
        timeout=60,
        what="some comments extracted",
    )
    helpers = children(victim.pid)
    if store.dialect == "sqlite":
        assert helpers, "no extraction helper process ran beside the run"
    os.kill(victim.pid, signal.SIGKILL)
    assert victim.wait(timeout=30) == -signal.SIGKILL
    # its helpers see their input close and exit: nothing is left running
    wait_until(lambda: not any(alive(p) for p in helpers), timeout=10, what="the helpers gone")

    done = scalar(store, "SELECT count(*) FROM comments WHERE extracted_at IS NOT NULL")
    assert 0 < done < total, "the run finished before it was killed; give it more comments"
    assert done % 20 == 0, "a batch was half-written"
    # mentions exist exactly for the extracted comments
    partial = {(int(c), d) for c, d in query(store, "SELECT comment_id, domain FROM domain_mentions")}
    extracted = {int(c) for (c,) in query(store, "SELECT id FROM comments WHERE extracted_at IS NOT NULL")}
    assert partial == {(c, d) for c, d in expected if c in extracted}
    killed_id = query(store, "SELECT id, status FROM job_status WHERE job_type = 'extraction'")
    assert [s for _, s in killed_id] == ["running"]

    rerun = procs.run("--json", "extract", env=env)
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["items_ok"] == total - done
    assert scalar(store, "SELECT status FROM job_status WHERE id = :i", i=killed_id[0][0]) == "abandoned"
    assert scalar(store, "SELECT count(*) FROM comments WHERE extracted_at IS NULL") == 0
    mentions = query(store, "SELECT comment_id, domain FROM domain_mentions")
    assert len(mentions) == len(set(mentions))
    assert {(int(c), d) for c, d in mentions} == expected
    # the domains report counts every mention once
    report = json.loads(procs.run("domains", "--format", "json").stdout)
    by_domain: dict[str, int] = {}
    for _, d in expected:
        by_domain[d] = by_domain.get(d, 0) + 1
    assert {r["domain"]: r["mentions"] for r in report} == by_domain


def test_a_helper_killed_mid_extract_leaves_its_ranges_to_the_run(store, procs):
    """SQLite: the run notices, logs a warning, extracts the helper's ranges itself and succeeds."""
    if store.dialect != "sqlite":
        import pytest

        pytest.skip("extraction helper processes serve SQLite stores")
    from harvester_cli.extraction import find_mentions

    comments = _seed_comments(store, 40, 300)
    expected = {(cid, m[0]) for cid, text in comments for m in find_mentions(text)}
    env = {"HARVESTER_EXTRACT_BATCH_SIZE": "10", "HARVESTER_EXTRACT_HELPERS": "1"}
    run = procs.spawn("--json", "extract", env=env)
    helpers: list[int] = []
    wait_until(lambda: bool(helpers.extend(children(run.pid)) or helpers), timeout=60, what="a helper started")
    os.kill(helpers[0], signal.SIGKILL)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 0, err
    result = json.loads(out)
    assert result["status"] == "succeeded" and result["items_ok"] == len(comments)
    assert scalar(store, "SELECT count(*) FROM comments WHERE extracted_at IS NULL") == 0
    mentions = query(store, "SELECT comment_id, domain FROM domain_mentions")
    assert len(mentions) == len(set(mentions)) and {(int(c), d) for c, d in mentions} == expected
    warning = query(store, "SELECT level, message FROM system_logs WHERE event = 'extract.helper_failed'")
    assert len(warning) == 1 and warning[0][0] == "warning", warning
    assert f"extraction helper {helpers[0]}" in warning[0][1] and "killed by SIGKILL" in warning[0][1]
