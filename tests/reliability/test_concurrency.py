"""20 `harvest` processes at once with MAX_CONCURRENT_HARVESTING_JOBS=10.

PostgreSQL: as if from several hosts (a lock directory each, advisory-lock slots).
SQLite: one host (one lock directory, file-lock slots), and never "database is locked".

PostgreSQL runs in a private database: advisory locks are per database, so other test
sessions sharing the server cannot take our slots.

The fake API holds every request at a gate until all 20 processes have either taken a slot
or given up on one, so the limit is really exercised: exactly 10 run, 10 exit 4. Then the
gate opens and the 10 share the queue; each video must be harvested exactly once.
"""

from __future__ import annotations

import threading
import time

import pytest

from harvester_cli.runtime.slots import advisory_key
from tests.fakes.tiktok_server import FakeTikTok
from tests.reliability.conftest import api_env, dataset, query, scalar, seed_videos, wait_until

PROCESSES = 20
LIMIT = 10


class GatedTikTok(FakeTikTok):
    """Every request waits for `gate` before it is served."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()

    def _serve(self, h):
        self.gate.wait(120)
        super()._serve(h)


class Sampler(threading.Thread):
    """Samples, while the runs work, how many harvesting runs are `running` and slots are held."""

    def __init__(self, store):
        super().__init__(daemon=True)
        self.store = store
        self.done = threading.Event()
        self.max_running = 0
        self.max_locks = 0
        self.samples = 0

    def run(self):
        while not self.done.is_set():
            running = scalar(
                self.store, "SELECT count(*) FROM job_status WHERE job_type = 'harvesting' AND status = 'running'"
            )
            self.max_running = max(self.max_running, running)
            if self.store.dialect == "postgresql":
                locks = scalar(
                    self.store,
                    "SELECT count(*) FROM pg_locks l JOIN pg_database d "
                    "ON d.oid = l.database AND d.datname = current_database() "
                    "WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = :k",
                    k=advisory_key("harvesting"),
                )
                self.max_locks = max(self.max_locks, locks)
            self.samples += 1
            time.sleep(0.02)


def _max_overlap(intervals) -> int:
    events = sorted(
        [(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals], key=lambda e: (e[0], e[1])
    )  # an end before a start at the same instant
    best = current = 0
    for _, delta in events:
        current += delta
        best = max(best, current)
    return best


@pytest.mark.slow
def test_twenty_concurrent_harvests_respect_the_limit_and_harvest_each_video_once(isolated, fake_api, tmp_path):
    store, procs = isolated.store, isolated.procs
    data = dataset(40, 150, seed=21)
    fake = fake_api(data, cls=GatedTikTok, latency=0.02)
    ids = seed_videos(store, data.promoted)
    base = api_env(
        fake, MAX_CONCURRENT_HARVESTING_JOBS=LIMIT, HARVESTER_FETCH_CONCURRENCY=1, HARVESTER_HARVEST_BATCH_SIZE=1
    )
    postgres = store.dialect == "postgresql"

    def env_for(i: int) -> dict:
        if postgres:  # another "host": its own lock directory, slots are advisory locks
            return dict(base, HARVESTER_LOCK_BACKEND="postgres", HARVESTER_LOCK_DIR=str(tmp_path / f"host{i}"))
        return base

    children = [procs.spawn("harvest", env=env_for(i)) for i in range(PROCESSES)]
    sampler = Sampler(store)
    sampler.start()
    try:
        # all 20 have decided: 10 hold a slot (blocked at the gate), the others gave up
        wait_until(
            lambda: sum(1 for c in children if c.poll() is not None) >= PROCESSES - LIMIT,
            timeout=90,
            what="the processes without a slot to exit",
        )
        wait_until(
            lambda: (
                scalar(
                    store,
                    "SELECT count(*) FROM job_status WHERE job_type = 'harvesting' "
                    "AND status IN ('running', 'skipped')",
                )
                == PROCESSES
            ),
            timeout=90,
            what="every process to record its run",
        )
        early = [c.returncode for c in children if c.poll() is not None]
        assert early == [4] * (PROCESSES - LIMIT), early
        fake.gate.set()
        outputs = [c.communicate(timeout=120) for c in children]
    finally:
        fake.gate.set()
        sampler.done.set()
        sampler.join(timeout=10)

    codes = [c.returncode for c in children]
    for code, (out, err) in zip(codes, outputs, strict=True):
        assert code in (0, 4), (code, out, err)
        assert "database is locked" not in err and "Traceback" not in err, err
        if code == 4:
            assert "slots are busy" in out + err
    assert codes.count(4) == PROCESSES - LIMIT and codes.count(0) == LIMIT

    runs = query(
        store,
        "SELECT status, started_at, finished_at, items_ok, items_failed, slot "
        "FROM job_status WHERE job_type = 'harvesting'",
    )
    statuses = sorted(r[0] for r in runs)
    assert statuses == ["skipped"] * (PROCESSES - LIMIT) + ["succeeded"] * LIMIT
    succeeded = [r for r in runs if r[0] == "succeeded"]
    assert sorted(r[5] for r in succeeded) == list(range(1, LIMIT + 1))  # each slot used once
    assert _max_overlap([(r[1], r[2]) for r in succeeded]) <= LIMIT
    assert sampler.samples > 0 and sampler.max_running <= LIMIT
    if postgres:
        assert sampler.max_locks <= LIMIT

    # exactly once: every video done, each by one run, each page fetched once, no duplicate comment
    assert dict(query(store, "SELECT harvest_state, count(*) FROM videos GROUP BY harvest_state")) == {"done": len(ids)}
    assert sum(r[3] for r in succeeded) == len(ids) and sum(r[4] for r in succeeded) == 0
    assert {vid: fake.comment_pages(vid) for vid in ids} == {vid: 2 for vid in ids}
    assert fake.count("comment/list") == 2 * len(ids)
    stored = [int(i) for (i,) in query(store, "SELECT id FROM comments")]
    assert len(stored) == len(set(stored)) and set(stored) == data.expected_comment_ids()
    assert scalar(store, "SELECT count(*) FROM dead_letter_queue") == 0
    # the work was really shared out
    assert sum(1 for r in succeeded if r[3] > 0) >= LIMIT // 2
