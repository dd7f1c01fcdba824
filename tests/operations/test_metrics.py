"""`harvester metrics`: the exposition format, read back with prometheus_client's own parser,
against a store with known runs, queues, dead-letter items, budget use, ledger days, kill switch
and mentions (SQLite and PostgreSQL); `--textfile` written atomically."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import threading

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from harvester_cli import settings as settings_mod
from harvester_cli.runtime import killswitch
from harvester_cli.sources.tiktok import ledger_queries
from harvester_cli.store import dlq as dlq_store
from harvester_cli.store import ledger, runs, usage
from harvester_cli.store.tables import discovery_scans, job_status, videos
from tests.helpers.planting import Mention, add_comments, add_videos, plant

T0 = dt.datetime(2024, 3, 10, 12, 0, 0)


def epoch(value: dt.datetime) -> float:
    return value.replace(tzinfo=dt.UTC).timestamp()


def record(store, job_type, status, started, duration=None, ok=0, failed=0, host="h", heartbeat=None):
    """A run row as the runner leaves it, at a known time."""
    run_id = runs.start(
        store,
        job_type=job_type,
        status="running",
        host=host,
        pid=1,
        slot=1,
        token="t",
        lock_ref=None,
        params={},
        deadline_at=None,
    )
    values = {
        "status": status,
        "started_at": started,
        "items_ok": ok,
        "items_failed": failed,
        "heartbeat_at": heartbeat or started,
    }
    if status != "running":
        values.update(finished_at=started + dt.timedelta(seconds=duration or 0), duration_seconds=duration)
    with store.tx() as conn:
        conn.execute(update(job_status).where(job_status.c.id == run_id).values(**values))
    return run_id


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of the exposition, parsed by prometheus_client: {(name, labels): value}."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            key = (sample.name, frozenset(sample.labels.items()))
            assert key not in found, key
            found[key] = sample.value
    return found


def value(found, name, **labels):
    return found[(name, frozenset(labels.items()))]


def names(found) -> set[str]:
    return {name for name, _ in found}


@pytest.fixture
def planted(store):
    """A store whose numbers are known."""
    # discovery: a success, a later failure, then a skipped run (cron fired while the switch was on)
    record(store, "discovery", "succeeded", T0, duration=12.5, ok=3, failed=1)
    record(store, "discovery", "failed", T0 + dt.timedelta(minutes=10), duration=4.0, failed=2)
    record(store, "discovery", "skipped", T0 + dt.timedelta(minutes=20), duration=0.0)
    # extraction: two successes; the later one's duration is the last
    record(store, "extraction", "succeeded", T0, duration=30.0, ok=100)
    record(store, "extraction", "succeeded", T0 + dt.timedelta(minutes=5), duration=7.25, ok=50)
    record(store, "extraction", "abandoned", T0 + dt.timedelta(minutes=9))
    # harvesting: never succeeded; one run in progress on another host, its heartbeat fresh
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    record(store, "harvesting", "running", now - dt.timedelta(seconds=30), ok=2, host="elsewhere", heartbeat=now)

    # queues: 3 videos queued, 1 done (with 4 comments waiting for extraction)
    add_videos(store, [11, 12, 13])
    with store.tx() as conn:
        conn.execute(update(videos).where(videos.c.id.in_([11, 12, 13])).values(harvest_state="queued"))
    add_comments(store, [(100 + n, 20, f"comment {n}", T0) for n in range(4)])
    # the dead-letter queue: 2 pending, 1 discarded
    for key in ("a", "b", "c"):
        dlq_store.add(
            store,
            job_type="harvesting",
            item_key=key,
            payload={"video_id": 1},
            error="boom",
            error_type="Boom",
            run_id=None,
        )
    [discarded] = [i["id"] for i in dlq_store.list_items(store) if i["item_key"] == "c"]
    dlq_store.set_status(store, [discarded], "discarded", from_statuses=("pending",))
    # today's API requests: 7 discovery, 5 harvesting, 2 other
    usage.reserve_up_to(store, "tiktok", 1000, 7, "discovery")
    usage.reserve_up_to(store, "tiktok", 1000, 5, "harvesting")
    usage.reserve_up_to(store, "tiktok", 1000, 2)
    # mentions: 3 comments mention shop.com, 1 mentions blog.net (one comment mentions both)
    plant(
        store,
        [
            Mention(200, 30, "shop.com", "shop.com", T0),
            Mention(201, 30, "shop.com", "shop.com", T0),
            Mention(202, 31, "shop.com", "SHOP.com", T0),
            Mention(202, 31, "blog.net", "blog.net", T0),
        ],
    )
    # the discovery ledger (tiktok source, default query): yesterday settled, the day before partial
    queries = ledger_queries(settings_mod.load({"HARVESTER_SOURCE": "tiktok"}))
    today = store.now().date()
    with store.tx() as conn:
        for back, state in ((1, "settled"), (2, "partial")):
            conn.execute(
                discovery_scans.insert().values(
                    fingerprint=queries[0].fingerprint,
                    day=ledger.day_key(today - dt.timedelta(days=back)),
                    source="tiktok",
                    state=state,
                    created_at=T0,
                    updated_at=T0,
                )
            )
    return store


def test_exposition_has_the_stores_numbers(cli, planted):
    result = cli("metrics", env={"HARVESTER_SOURCE": "tiktok", "HARVESTER_DAILY_REQUEST_BUDGET": "500"})
    assert result.exit_code == 0, result.output
    found = samples(result.stdout)

    # per job type: last success (finished), last run (started, skipped included), last duration
    assert value(found, "harvester_job_last_success_timestamp_seconds", job_type="discovery") == epoch(
        T0 + dt.timedelta(seconds=12.5)
    )
    assert value(found, "harvester_job_last_run_timestamp_seconds", job_type="discovery") == epoch(
        T0 + dt.timedelta(minutes=20)
    )
    assert value(found, "harvester_job_last_duration_seconds", job_type="discovery") == 4.0  # not the skip's 0
    assert value(found, "harvester_job_last_duration_seconds", job_type="extraction") == 7.25
    assert value(found, "harvester_job_last_success_timestamp_seconds", job_type="extraction") == epoch(
        T0 + dt.timedelta(minutes=5, seconds=7.25)
    )
    # never succeeded, never ran: no sample rather than a made-up time
    assert ("harvester_job_last_success_timestamp_seconds", frozenset({("job_type", "harvesting")})) not in found
    assert ("harvester_job_last_run_timestamp_seconds", frozenset({("job_type", "cleanup")})) not in found

    # runs by status: a counter, every status present, 0 included
    runs_total = {
        (dict(labels)["job_type"], dict(labels)["status"]): v
        for (name, labels), v in found.items()
        if name == "harvester_job_runs_total"
    }
    assert runs_total[("discovery", "succeeded")] == 1
    assert runs_total[("discovery", "failed")] == 1
    assert runs_total[("discovery", "skipped")] == 1
    assert runs_total[("discovery", "timed_out")] == 0
    assert runs_total[("extraction", "succeeded")] == 2
    assert runs_total[("extraction", "abandoned")] == 1
    assert runs_total[("harvesting", "running")] == 1
    assert runs_total[("cleanup", "succeeded")] == 0
    assert sum(runs_total.values()) == 7
    assert value(found, "harvester_job_items_total", job_type="discovery", result="ok") == 3
    assert value(found, "harvester_job_items_total", job_type="discovery", result="failed") == 3
    assert value(found, "harvester_job_items_total", job_type="extraction", result="ok") == 150
    assert value(found, "harvester_job_running", job_type="harvesting") == 1
    assert value(found, "harvester_job_running", job_type="discovery") == 0

    # queues and the dead-letter queue
    assert value(found, "harvester_queue_depth", queue="videos_queued") == 3
    assert value(found, "harvester_queue_depth", queue="comments_pending_extraction") == 4
    assert value(found, "harvester_queue_depth", queue="dead_letter_pending") == 2
    assert value(found, "harvester_dead_letter_items", status="pending") == 2
    assert value(found, "harvester_dead_letter_items", status="discarded") == 1
    assert value(found, "harvester_dead_letter_items", status="resolved") == 0

    # the budget and the ledger
    assert value(found, "harvester_api_requests_today", job_type="discovery") == 7
    assert value(found, "harvester_api_requests_today", job_type="harvesting") == 5
    assert value(found, "harvester_api_requests_today", job_type="other") == 2
    assert value(found, "harvester_api_budget_requests") == 500
    assert value(found, "harvester_api_discovery_share_requests") == 125  # 25 % of 500
    assert value(found, "harvester_discovery_days", state="settled") == 1
    assert value(found, "harvester_discovery_days", state="partial") == 1
    assert value(found, "harvester_discovery_days", state="complete") == 0
    assert value(found, "harvester_discovery_days", state="pending") == 5  # the 7-day window

    # the kill switch, and what the store holds
    assert value(found, "harvester_kill_switch_active") == 0
    assert value(found, "harvester_domains") == 2
    assert value(found, "harvester_domain_mentions") == 4
    assert value(found, "harvester_comments") == 4 + 3
    assert value(found, "harvester_videos") == 3 + 1 + 2


def test_kill_switch_is_one_while_on(cli, planted):
    killswitch.set_state(planted, True, reason="incident", by="alice")
    assert value(samples(cli("metrics").stdout), "harvester_kill_switch_active") == 1
    killswitch.set_state(planted, False, reason="resolved", by="alice")
    assert value(samples(cli("metrics").stdout), "harvester_kill_switch_active") == 0


def test_names_and_types_follow_prometheus_conventions(cli, planted):
    families = {f.name: f for f in text_string_to_metric_families(cli("metrics").stdout)}
    assert all(name.startswith("harvester_") for name in families)
    assert families["harvester_job_runs"].type == "counter"  # exposed as harvester_job_runs_total
    assert families["harvester_job_items"].type == "counter"
    for name, family in families.items():
        assert family.documentation, name
        if name.endswith(("_seconds", "_timestamp_seconds")):
            assert family.type == "gauge", name
        for sample in family.samples:  # no per-run labels: ids, hosts and pids stay out
            assert not {"run_id", "id", "host", "pid", "token"} & set(sample.labels), sample


def test_a_store_without_the_ledger_has_no_discovery_days(cli, store):
    found = samples(cli("metrics", env={"HARVESTER_SOURCE": "files"}).stdout)
    assert "harvester_discovery_days" not in names(found)
    assert value(found, "harvester_job_runs_total", job_type="discovery", status="succeeded") == 0
    assert value(found, "harvester_api_budget_requests") == 1000


def test_json_has_the_same_values(cli, planted):
    result = cli("metrics", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["jobs"]["discovery"]["runs"]["failed"] == 1
    assert data["jobs"]["discovery"]["last_duration_seconds"] == 4.0
    assert data["dead_letter"]["pending"] == 2
    assert data["kill_switch"] == {"active": False}
    assert data["store"]["domain_mentions"] == 4


def test_missing_store_is_refused(db_url, monkeypatch, tmp_path):
    if not db_url.startswith("sqlite"):
        pytest.skip("a missing store is a SQLite file")
    from typer.testing import CliRunner

    from harvester_cli.app import app

    monkeypatch.setenv("HARVESTER_LOCK_DIR", str(tmp_path / "locks"))
    missing = tmp_path / "nothing-here.db"
    result = CliRunner().invoke(app, ["--database-url", f"sqlite:///{missing}", "metrics"])
    assert result.exit_code == 2
    assert not missing.exists()


def test_textfile_is_written_atomically(cli, planted, tmp_path):
    target = tmp_path / "collector" / "harvester.prom"
    target.parent.mkdir()
    target.write_text('# an older harvester.prom\nharvester_build_info{version="0"} 1\n')
    before = os.stat(target).st_ino
    old_umask = os.umask(0o077)  # as under a hardened service: the file is still readable by node_exporter
    try:
        result = cli("-q", "metrics", "--textfile", str(target))
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # -q: silent under cron
    # a new file renamed over the old one (never the old file rewritten in place), nothing left behind
    assert os.stat(target).st_ino != before
    assert sorted(p.name for p in target.parent.iterdir()) == ["harvester.prom"]
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    written = samples(target.read_text())
    printed = samples(cli("metrics").stdout)
    assert written == printed
    assert value(written, "harvester_dead_letter_items", status="pending") == 2


def test_textfile_readers_never_see_half_a_file(cli, planted, tmp_path):
    target = tmp_path / "harvester.prom"
    assert cli("metrics", "--textfile", str(target)).exit_code == 0
    complete = target.read_text()
    seen, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            seen.append(target.read_text())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(5):
            assert cli("-q", "metrics", "--textfile", str(target)).exit_code == 0
    finally:
        stop.set()
        reader.join()
    assert seen
    for text in seen:
        assert text.endswith("\n") and "harvester_build_info" in text
        assert text == complete


def test_textfile_in_a_missing_directory_is_bad_input(cli, planted, tmp_path):
    target = tmp_path / "no-such-dir" / "harvester.prom"
    result = cli("metrics", "--textfile", str(target))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "no-such-dir" in lines[0] and "does not exist" in lines[0]
    assert not target.parent.exists()
    assert result.stdout == ""


def test_textfile_that_is_a_directory_is_bad_input(cli, planted, tmp_path):
    result = cli("metrics", "--textfile", str(tmp_path))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "is a directory" in result.stderr


def test_global_options_after_the_command(cli, planted, tmp_path):
    target = tmp_path / "m.prom"
    result = cli("metrics", "--textfile", str(target), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"textfile": str(target)}
    assert "harvester_job_runs_total" in target.read_text()


def test_the_readme_documents_every_metric_and_its_rules_use_real_ones(cli, planted):
    """The README's table lists every family exported, and its alert rules name only exported samples."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### Metrics (Prometheus)", 1)[1].split("\n### ", 1)[0]
    table, rules = section.split("```yaml", 1)
    rules = rules.split("```", 1)[0]
    text = cli("metrics", env={"HARVESTER_SOURCE": "tiktok"}).stdout
    exported = {s.name for f in text_string_to_metric_families(text) for s in f.samples}
    rows = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `harvester_")]
    documented = {name for row in rows for name in re.findall(r"`(harvester_[a-z_]+)`", row)}
    assert exported == documented
    used = set(re.findall(r"\b(harvester_[a-z_]+)\b", rules))
    assert (
        {
            "harvester_job_last_success_timestamp_seconds",
            "harvester_job_runs_total",
            "harvester_api_requests_today",
            "harvester_api_budget_requests",
        }
        <= used
        <= exported
    )
