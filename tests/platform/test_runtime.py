"""The job runtime on a real store: lifecycle, kill switch, deadline, token guard, DLQ, retries."""

import datetime as dt
import threading

import pytest

from harvester_cli import errors
from harvester_cli.runtime import killswitch, retry, runner
from harvester_cli.store import dlq as dlq_store
from harvester_cli.store import logs, runs


def run(store, settings, slots, work, job_type="cleanup"):
    return runner.run_job(store, settings, slots, job_type, {"test": True}, work, handle_signals=False)


def test_succeeded_run_is_recorded_with_counts(store, settings, slots):
    def work(rc):
        rc.ok(3)
        rc.failed(0)
        return "done"

    result = run(store, settings, slots, work)
    assert (result.status, result.exit_code, result.items_ok) == ("succeeded", 0, 3)
    row = runs.get(store, result.run_id)
    assert row["status"] == "succeeded" and row["items_ok"] == 3 and row["finished_at"] is not None
    events = {r["event"] for r in logs.recent(store, limit=20)}
    assert {"job.started", "job.succeeded"} <= events


def test_failed_run(store, settings, slots):
    def work(rc):
        raise errors.StoreError("disk full")

    result = run(store, settings, slots, work)
    assert (result.status, result.exit_code) == ("failed", 1)
    assert runs.get(store, result.run_id)["error"] == "disk full"


def test_unexpected_error_is_recorded_then_raised(store, settings, slots):
    def work(rc):
        raise ZeroDivisionError("boom")

    with pytest.raises(ZeroDivisionError):
        run(store, settings, slots, work)
    row = runs.recent(store, since=dt.datetime(2000, 1, 1))[0]
    assert row["status"] == "failed" and row["error_type"] == "ZeroDivisionError"


def test_items_in_the_dead_letter_queue_exit_1(store, settings, slots):
    def work(rc):
        rc.dead_letter("42", {"video_id": "42"}, errors.TransientSourceError("HTTP 500"))
        rc.failed()
        rc.ok()

    result = run(store, settings, slots, work)
    assert result.exit_code == 1
    [item] = dlq_store.list_items(store)
    # a transient error is dead-lettered after every attempt of the retry policy (3 by default)
    assert item["payload"] == {"video_id": "42"} and item["status"] == "pending" and item["attempts"] == 3
    dlq_store.add(
        store, job_type="cleanup", item_key="42", payload={"video_id": "42"}, error="again", error_type="X", run_id=None
    )
    [item] = dlq_store.list_items(store)
    assert item["attempts"] == 4


def test_a_permanent_error_is_dead_lettered_after_one_attempt(store, settings, slots):
    def work(rc):
        rc.dead_letter("43", {"video_id": "43"}, errors.PermanentSourceError("HTTP 400"))
        rc.failed()

    run(store, settings, slots, work)
    [item] = dlq_store.list_items(store)
    assert item["attempts"] == 1


def test_kill_switch_at_start_skips_with_exit_3(store, settings, slots):
    killswitch.set_state(store, True, reason="incident", by="ops")
    called = []
    result = run(store, settings, slots, lambda rc: called.append(1))
    assert (result.status, result.exit_code, called) == ("skipped", 3, [])
    assert runs.get(store, result.run_id)["status"] == "skipped"


def test_kill_switch_between_items_cancels(store, settings, slots):
    seen = []

    def work(rc):
        for i in range(100):
            rc.checkpoint()
            seen.append(i)
            rc.ok()
            if i == 2:
                killswitch.set_state(store, True, reason="stop now", by="ops")
                rc._last_kill_check = 0.0

    result = run(store, settings, slots, work)
    assert (result.status, result.exit_code) == ("cancelled", 3)
    assert seen == [0, 1, 2]


def test_deadline_times_out(store, settings, slots):
    def work(rc):
        rc.deadline = store.now() - dt.timedelta(seconds=1)
        rc.checkpoint()

    result = run(store, settings, slots, work)
    assert (result.status, result.exit_code) == ("timed_out", 1)


def test_final_update_is_guarded_by_the_token(store, settings, slots):
    def work(rc):
        # another process (the reaper) decided this run was dead
        runs.mark_abandoned(store, rc.run_id, store.now() + dt.timedelta(seconds=5), "abandoned: test")
        rc.ok()

    result = run(store, settings, slots, work)
    assert runs.get(store, result.run_id)["status"] == "abandoned"
    assert any(r["event"] == "job.lost_ownership" for r in logs.recent(store, limit=20))


def test_all_slots_busy_skips_with_exit_4(store, settings, slots):
    held = [slots.acquire("cleanup", 1)]
    try:
        result = run(store, settings, slots, lambda rc: None)
    finally:
        for s in held:
            s.release()
    assert (result.status, result.exit_code) == ("skipped", 4)
    assert run(store, settings, slots, lambda rc: None).exit_code == 0


def test_stale_run_with_free_slot_is_reaped(store, settings, slots):
    from harvester_cli.runtime import reaper
    from harvester_cli.store import claims

    slot = slots.acquire("harvesting", 10)
    ref = slot.ref
    slot.release()  # the process "died": its lock is free
    run_id = runs.start(
        store,
        job_type="harvesting",
        status="running",
        host="elsewhere",
        pid=999999,
        slot=1,
        token="t",
        lock_ref=ref,
        params={},
        deadline_at=store.now() + dt.timedelta(hours=1),
    )
    assert reaper.reap(store, settings, slots) == [run_id]
    assert runs.get(store, run_id)["status"] == "abandoned"
    assert claims.release(store, run_id) == {"videos": 0, "discovery_days": 0}


def test_run_with_held_slot_is_not_reaped(store, settings, slots):
    from harvester_cli.runtime import reaper

    slot = slots.acquire("harvesting", 10)
    try:
        runs.start(
            store,
            job_type="harvesting",
            status="running",
            host="elsewhere",
            pid=999999,
            slot=1,
            token="t",
            lock_ref=slot.ref,
            params={},
            deadline_at=store.now() + dt.timedelta(hours=1),
        )
        assert reaper.reap(store, settings, slots) == []
    finally:
        slot.release()


def test_retry_policy_retries_transient_then_gives_up():
    calls = []
    policy = retry.RetryPolicy(attempts=3, initial_wait=0.001, max_wait=0.002, jitter=0)

    def flaky():
        calls.append(1)
        raise errors.TransientSourceError("HTTP 503")

    with pytest.raises(errors.TransientSourceError):
        retry.call(flaky, policy)
    assert len(calls) == 3


def test_retry_policy_does_not_retry_permanent_errors():
    calls = []

    def bad():
        calls.append(1)
        raise errors.PermanentSourceError("invalid_params")

    with pytest.raises(errors.PermanentSourceError):
        retry.call(bad, retry.RetryPolicy(attempts=5, initial_wait=0.001))
    assert len(calls) == 1


def test_retry_policy_recovers():
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise errors.TransientSourceError("timeout")
        return "ok"

    assert retry.call(flaky, retry.RetryPolicy(attempts=3, initial_wait=0.001, max_wait=0.001, jitter=0)) == "ok"


def test_retry_after_is_honoured():
    waits = []
    policy = retry.RetryPolicy(attempts=2, initial_wait=0.001, max_wait=0.001, jitter=0)

    def limited():
        raise errors.TransientSourceError("429", retry_after=0.2)

    with pytest.raises(errors.TransientSourceError):
        retry.call(limited, policy, on_retry=lambda n, exc, wait: waits.append(wait))
    assert waits and waits[0] >= 0.2


def test_retry_wait_is_cut_short_by_stop():
    stop = threading.Event()
    stop.set()

    def limited():
        raise errors.TransientSourceError("429", retry_after=60)

    with pytest.raises(errors.RunStopped):
        retry.call(limited, retry.RetryPolicy(attempts=3), stop=stop)


def test_postgres_slots_hold_across_engines_and_are_per_schema(db_url, store):
    """Two engines (as two hosts) share a limit; another schema (another install) does not."""
    if store.dialect != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    from harvester_cli.runtime.slots import PostgresSlots
    from harvester_cli.store import engine

    other = engine.make_engine(db_url)
    try:
        first, second = PostgresSlots(store.engine), PostgresSlots(other)
        held = first.acquire("discovery", 1)
        with pytest.raises(errors.NoFreeSlot):
            second.acquire("discovery", 1)
        assert second.is_held(held.ref) is True
        public = engine.make_engine(db_url.split("?")[0])
        try:
            elsewhere = PostgresSlots(public).acquire("discovery", 1)  # schema public: its own keys
            elsewhere.release()
        finally:
            public.dispose()
        held.release()
        assert second.is_held(held.ref) is False
        second.acquire("discovery", 1).release()
    finally:
        other.dispose()


def test_budget_reserves_in_chunks_and_refunds_what_was_not_sent(store):
    from harvester_cli.services.budget import Budget
    from harvester_cli.store import usage

    budget = Budget(store, "tiktok", limit=10, chunk=4)
    for _ in range(5):
        budget.spend()
    assert usage.used_today(store, "tiktok") == 8  # two chunks reserved
    budget.release()
    assert usage.used_today(store, "tiktok") == 5
    other = Budget(store, "tiktok", limit=10, chunk=4)
    for _ in range(5):
        other.spend()
    with pytest.raises(errors.QuotaExhausted):
        other.spend()
    other.release()
    assert usage.used_today(store, "tiktok") == 10


def test_claims_never_overlap_and_expired_leases_are_taken_over(store):
    from harvester_cli.models import Video
    from harvester_cli.store import videos

    videos.upsert_discovered(
        store, [Video(id=10**18 + i, promoted_reason="hashtag #ad") for i in range(5)], "files", force_refresh=False
    )
    now = store.now()
    first = videos.claim(store, 1, 3, now - dt.timedelta(seconds=1))  # a lease that already expired
    second = videos.claim(store, 2, 10, now + dt.timedelta(hours=1))
    assert len(first) == 3 and {c.id for c in second} == {10**18 + i for i in range(5)}  # took over the expired three
    assert videos.claim(store, 3, 10, now + dt.timedelta(hours=1)) == []
