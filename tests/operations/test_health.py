"""Health: every seed alert fires and clears; notifications on start and resolve only."""

import datetime as dt
import json

import pytest

from harvester_cli.store import dlq as dlq_store
from harvester_cli.store import runs
from tests.helpers.receiver import Receiver


def record(store, job_type, status, minutes_ago, duration=1.0):
    """A finished run in the past."""
    from sqlalchemy import update

    from harvester_cli.store.tables import job_status

    run_id = runs.start(
        store,
        job_type=job_type,
        status=status,
        host="h",
        pid=1,
        slot=1,
        token=None,
        lock_ref=None,
        params={},
        deadline_at=None,
    )
    at = store.now() - dt.timedelta(minutes=minutes_ago)
    with store.tx() as conn:
        conn.execute(
            update(job_status)
            .where(job_status.c.id == run_id)
            .values(started_at=at, finished_at=at + dt.timedelta(seconds=duration), duration_seconds=duration)
        )
    return run_id


def healthy_store(store):
    for job_type in ("discovery", "harvesting", "extraction", "cleanup"):
        record(store, job_type, "succeeded", 5)


def alerts(cli):
    result = cli("--json", "health")
    data = json.loads(result.stdout)
    assert result.exit_code == (0 if data["healthy"] else 1)
    assert {"healthy", "alerts", "checks"} <= set(data)
    return {a["name"] for a in data["alerts"]}


def test_fresh_store_alerts_for_missing_discovery_and_harvesting(cli):
    names = alerts(cli)
    assert {"no_successful_discovery", "no_successful_harvesting"} <= names
    assert "no_successful_cleanup" not in names  # a new store is not a week overdue


def test_healthy_store_exits_0(cli, store):
    healthy_store(store)
    assert alerts(cli) == set()
    assert cli("health").exit_code == 0


def test_kill_switch_alert_fires_and_clears(cli, store):
    healthy_store(store)
    cli("kill-switch", "on", "--reason", "incident")
    assert "kill_switch_active" in alerts(cli)
    cli("kill-switch", "off")
    assert alerts(cli) == set()


@pytest.mark.parametrize(
    "job_type,minutes,alert",
    [
        ("discovery", 31, True),
        ("discovery", 29, False),
        ("harvesting", 61, True),
        ("harvesting", 59, False),
    ],
)
def test_no_recent_success(cli, store, job_type, minutes, alert):
    healthy_store(store)
    from sqlalchemy import delete

    from harvester_cli.store.tables import job_status

    with store.tx() as conn:
        conn.execute(delete(job_status).where(job_status.c.job_type == job_type))
    record(store, job_type, "succeeded", minutes)
    assert (f"no_successful_{job_type}" in alerts(cli)) is alert


def test_success_rate_below_70_percent(cli, store):
    healthy_store(store)
    for _ in range(3):
        record(store, "harvesting", "failed", 10)
    record(store, "harvesting", "timed_out", 10)
    record(store, "harvesting", "skipped", 10)  # skips are not failures
    assert "low_success_rate_harvesting" in alerts(cli)  # 1 of 5 = 20 %
    for _ in range(10):
        record(store, "harvesting", "succeeded", 10)
    assert "low_success_rate_harvesting" not in alerts(cli)  # 11 of 15 = 73 %


def test_dead_letter_backlog_of_10(cli, store):
    healthy_store(store)
    ids = [
        dlq_store.add(
            store,
            job_type="harvesting",
            item_key=str(i),
            payload={"video_id": str(i)},
            error="e",
            error_type="E",
            run_id=None,
        )
        for i in range(10)
    ]
    assert "dead_letter_queue_backlog" in alerts(cli)
    cli("dlq", "discard", str(ids[0]))
    assert "dead_letter_queue_backlog" not in alerts(cli)


def test_cleanup_alerts_after_a_week(cli, store):
    healthy_store(store)
    from sqlalchemy import delete

    from harvester_cli.store.tables import job_status

    with store.tx() as conn:
        conn.execute(delete(job_status).where(job_status.c.job_type == "cleanup"))
    record(store, "cleanup", "succeeded", 60 * 24 * 9)
    assert "no_successful_cleanup" in alerts(cli)


def test_stale_and_overdue_runs(cli, store):
    healthy_store(store)
    from sqlalchemy import update

    from harvester_cli.store.tables import job_status

    # a run on another host: alive by its heartbeat, but past its deadline
    late = runs.start(
        store,
        job_type="harvesting",
        status="running",
        host="other-host",
        pid=1,
        slot=1,
        token="t",
        lock_ref=None,
        params={},
        deadline_at=store.now() - dt.timedelta(minutes=1),
    )
    names = alerts(cli)
    assert "runs_past_deadline" in names and "stale_running_runs" not in names
    # a run on another host whose heartbeat stopped, still inside its deadline: cannot be proven dead
    stale = runs.start(
        store,
        job_type="discovery",
        status="running",
        host="other-host",
        pid=1,
        slot=1,
        token="t",
        lock_ref=None,
        params={},
        deadline_at=store.now() + dt.timedelta(minutes=20),
    )
    with store.tx() as conn:
        conn.execute(
            update(job_status)
            .where(job_status.c.id == stale)
            .values(heartbeat_at=store.now() - dt.timedelta(minutes=30))
        )
    names = alerts(cli)
    assert "stale_running_runs" in names
    # once the late run's heartbeat is old too, the reaper proves it dead and it stops alerting
    with store.tx() as conn:
        conn.execute(
            update(job_status)
            .where(job_status.c.id == late)
            .values(heartbeat_at=store.now() - dt.timedelta(minutes=30))
        )
    names = alerts(cli)
    assert "runs_past_deadline" not in names
    assert runs.get(store, late)["status"] == "abandoned"
    assert runs.get(store, stale)["status"] == "running"


def test_budget_nearly_spent(cli, store):
    healthy_store(store)
    from harvester_cli.store import usage

    assert usage.reserve_up_to(store, "tiktok", 1000, 950) == 950
    assert "api_budget_nearly_spent" in alerts_with(cli, {"HARVESTER_SOURCE": "tiktok"})


def alerts_with(cli, env):
    result = cli("--json", "health", env=env)
    return {a["name"] for a in json.loads(result.stdout)["alerts"]}


def test_thresholds_are_system_config_keys(cli, store):
    healthy_store(store)
    ids = [
        dlq_store.add(store, job_type="harvesting", item_key=str(i), payload={}, error="e", error_type="E", run_id=None)
        for i in range(3)
    ]
    assert "dead_letter_queue_backlog" not in alerts(cli)
    assert cli("config", "set", "harvester_alert_dlq_pending", "3").exit_code == 0
    assert "dead_letter_queue_backlog" in alerts(cli)
    assert ids


def test_health_runs_and_records_even_with_kill_switch(cli, store):
    healthy_store(store)
    cli("kill-switch", "on")
    data = json.loads(cli("--json", "health").stdout)
    assert data["run_id"] and runs.get(store, data["run_id"])["status"] == "succeeded"


def test_notify_once_on_start_none_while_it_persists_once_on_resolve(cli, store):
    healthy_store(store)
    with Receiver() as hook:
        env = {"HARVESTER_ALERT_WEBHOOK_URL": hook.url}
        assert cli("health", "--notify", env=env).exit_code == 0
        assert hook.messages == []
        cli("kill-switch", "on", "--reason", "maintenance")
        for _ in range(3):
            assert cli("health", "--notify", env=env).exit_code == 1
        assert len(hook.messages) == 1
        started = hook.messages[0]
        assert "text" in started and "kill_switch_active" in started["text"]
        assert [a["name"] for a in started["alerts_started"]] == ["kill_switch_active"]
        cli("kill-switch", "off")
        assert cli("health", "--notify", env=env).exit_code == 0
        assert cli("health", "--notify", env=env).exit_code == 0
        assert len(hook.messages) == 2
        assert [a["name"] for a in hook.messages[1]["alerts_resolved"]] == ["kill_switch_active"]


def test_webhook_down_never_fails_the_health_run(cli, store):
    healthy_store(store)
    cli("kill-switch", "on")
    with Receiver() as hook:
        hook.fail_with = 503
        env = {"HARVESTER_ALERT_WEBHOOK_URL": hook.url, "HARVESTER_RETRY_MAX_WAIT_SECONDS": "0.01"}
        data = json.loads(cli("--json", "health", "--notify", env=env).stdout)
        assert data["notification"]["sent"] is False and "503" in data["notification"]["error"]
        assert hook.attempts == 3  # retried
        assert runs.get(store, data["run_id"])["status"] == "succeeded"
        hook.fail_with = None
        cli("health", "--notify", env=env)
        assert len(hook.messages) == 1  # delivered once the webhook is back


def test_notify_without_url_posts_nothing(cli, store):
    # the crontab as shipped runs `health --notify` before a webhook is configured (issue 15)
    healthy_store(store)
    result = cli("-q", "health", "--notify")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""


def test_watch_once_renders(cli, store):
    healthy_store(store)
    result = cli("watch", "--once")
    assert result.exit_code == 0
    for part in ("running", "queues", "alerts", "recent failures"):
        assert part in result.stdout
