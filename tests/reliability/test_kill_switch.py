"""The kill switch flipped during a run: the run stops within one item, marks itself
`cancelled` (exit 3), releases its claims and leaves nothing half-written; new runs are
skipped until it is off again, and then the rest of the work is done exactly once."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from tests.reliability.conftest import api_env, dataset, query, scalar, seed_videos, wait_until

WORKERS = 2
LATENCY = 0.25  # two pages per video: an item takes > 0.5 s, the kill-switch check interval


@pytest.mark.slow
def test_kill_switch_during_a_harvest_stops_it_within_one_item_and_releases_its_claims(store, procs, fake_api):
    from harvester_cli.runtime import killswitch

    data = dataset(10, 150, seed=41)
    fake = fake_api(data, latency=LATENCY)
    ids = seed_videos(store, data.promoted)
    env = api_env(fake, HARVESTER_FETCH_CONCURRENCY=WORKERS, HARVESTER_HARVEST_BATCH_SIZE=4)

    run = procs.spawn("--json", "harvest", env=env)
    wait_until(
        lambda: scalar(store, "SELECT count(*) FROM videos WHERE harvest_state = 'done'") >= 2,
        timeout=60,
        what="two videos harvested",
    )
    flipped_at = store.now()
    killswitch.set_state(store, True, reason="reliability test", by="pytest")
    flipped = time.monotonic()
    out, err = run.communicate(timeout=60)
    stopped_after = time.monotonic() - flipped

    assert run.returncode == 3, (out, err)
    result = json.loads(out)
    assert result["status"] == "cancelled" and "kill switch" in result["message"]
    assert stopped_after < 5, stopped_after
    # within one item: each worker finished at most the video it was on
    after = scalar(
        store,
        "SELECT count(*) FROM videos WHERE harvest_state = 'done' AND harvested_at > :t",
        t=flipped_at - dt.timedelta(milliseconds=5),
    )
    assert after <= WORKERS, after
    # its claims are released and nothing is half-written
    assert (
        scalar(store, "SELECT count(*) FROM videos WHERE harvest_state = 'in_progress' OR claimed_by IS NOT NULL") == 0
    )
    # every answered page was kept with the cursor to continue from; none half-written
    kept = 0
    for vid, state, pages, cursor, n in query(
        store,
        "SELECT v.id, v.harvest_state, v.comment_pages, v.comment_cursor, count(c.id) FROM videos v "
        "LEFT JOIN comments c ON c.video_id = v.id "
        "GROUP BY v.id, v.harvest_state, v.comment_pages, v.comment_cursor",
    ):
        if state == "done":
            assert (pages, n) == (2, 150), (vid, state, pages, n)
        else:
            assert (n, cursor) == (100 * pages, 100 * pages if pages else None), (vid, state, pages, cursor, n)
            kept += pages
    done = scalar(store, "SELECT count(*) FROM videos WHERE harvest_state = 'done'")
    assert done < len(ids)
    row = query(store, "SELECT status, error FROM job_status WHERE job_type = 'harvesting'")
    assert row == [("cancelled", "kill switch activated during the run")]

    skipped = procs.run("--json", "harvest", env=env)
    assert skipped.returncode == 3 and json.loads(skipped.stdout)["status"] == "skipped"

    assert procs.run("kill-switch", "off", "--reason", "test over", "--by", "pytest").returncode == 0
    resumed = procs.run("--json", "harvest", env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["items_ok"] == len(ids) - done
    # the resumed run fetched only the remaining pages: no page was fetched twice
    assert {vid: fake.comment_pages(vid) for vid in ids} == {vid: 2 for vid in ids}
    assert dict(query(store, "SELECT harvest_state, count(*) FROM videos GROUP BY harvest_state")) == {"done": len(ids)}
    stored = [int(i) for (i,) in query(store, "SELECT id FROM comments")]
    assert len(stored) == len(set(stored)) and set(stored) == data.expected_comment_ids()


def test_kill_switch_during_an_extract_stops_it_between_batches(store, procs):
    from harvester_cli.runtime import killswitch
    from tests.reliability.test_crash_recovery import _seed_comments

    comments = _seed_comments(store, 80, 300)
    # 4,800 batches of 5: several seconds of work however fast the machine, against a kill
    # switch that is read every 0.5 s
    run = procs.spawn("--json", "extract", env={"HARVESTER_EXTRACT_BATCH_SIZE": "5"})
    wait_until(
        lambda: scalar(store, "SELECT count(*) FROM comments WHERE extracted_at IS NOT NULL") >= 200,
        timeout=60,
        what="some comments extracted",
    )
    killswitch.set_state(store, True, reason="reliability test", by="pytest")
    out, err = run.communicate(timeout=60)
    assert run.returncode == 3, (out, err)
    assert json.loads(out)["status"] == "cancelled"
    done = scalar(store, "SELECT count(*) FROM comments WHERE extracted_at IS NOT NULL")
    assert 0 < done < len(comments) and done % 5 == 0
    killswitch.set_state(store, False, reason="over", by="pytest")
    rerun = procs.run("--json", "extract")
    assert rerun.returncode == 0 and json.loads(rerun.stdout)["items_ok"] == len(comments) - done
