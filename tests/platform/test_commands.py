"""CliRunner tests of the operator commands: exit codes, JSON keys, safe rendering."""

import datetime as dt
import json

from harvester_cli.store import dlq as dlq_store
from harvester_cli.store import logs, runs


def test_help_lists_the_commands(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for name in ("init", "cleanup", "jobs", "logs", "kill-switch", "dlq", "config"):
        assert name in result.stdout


def test_unknown_command_and_bad_option_exit_2_with_one_line(cli):
    for args in (
        ("nope",),
        ("jobs", "--hours", "x"),
        ("cleanup", "--days", "0"),
        ("jobs", "--type", "bogus"),
        ("logs", "--level", "loud"),
        ("dlq", "list", "--status", "weird"),
    ):
        result = cli(*args)
        assert result.exit_code == 2, args
        assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_jobs_json_has_the_contract_keys(cli, store):
    cli("cleanup")
    data = json.loads(cli("--json", "jobs").stdout)
    run = data["runs"][0]
    for key in ("id", "job_type", "status", "started_at", "finished_at", "items_ok", "items_failed"):
        assert key in run
    cleanup = data["metrics"]["cleanup"]
    for key in ("success_rate", "avg_seconds", "p95_seconds", "last_success_at"):
        assert key in cleanup
    assert cleanup["success_rate"] == 1.0
    assert "videos_queued" in data["queues"]


def test_metrics_success_rate_ignores_skips_and_cancels(store, cli):
    for status in ("succeeded", "succeeded", "failed", "timed_out", "skipped", "cancelled", "abandoned"):
        runs.start(
            store,
            job_type="discovery",
            status=status,
            host="h",
            pid=1,
            slot=None,
            token=None,
            lock_ref=None,
            params={},
            deadline_at=None,
        )
    metrics = json.loads(cli("--json", "jobs", "--type", "discovery").stdout)["metrics"]["discovery"]
    assert metrics["success_rate"] == 0.4


def test_job_command_json_prints_its_run(cli):
    data = json.loads(cli("--json", "cleanup").stdout)
    for key in ("run_id", "job_type", "status", "items_ok", "items_failed", "duration_seconds"):
        assert key in data
    assert data["status"] == "succeeded"


def test_dlq_list_show_discard(cli, store):
    item = dlq_store.add(
        store,
        job_type="harvesting",
        item_key="7386111312293610270",
        payload={"video_id": "7386111312293610270", "max_pages": 2},
        error="HTTP 500 [red]boom[/red]\x1b[2J",
        error_type="TransientSourceError",
        run_id=None,
    )
    listed = json.loads(cli("--json", "dlq", "list").stdout)
    assert listed[0]["id"] == item
    for key in ("id", "job_type", "status", "attempts", "error", "created_at"):
        assert key in listed[0]
    table = cli("dlq", "list").stdout
    assert "[red]boom[/red]" in table and "\x1b" not in table and "\\x1b[2J" in table
    shown = json.loads(cli("--json", "dlq", "show", str(item)).stdout)
    assert shown["payload"]["video_id"] == "7386111312293610270"
    assert cli("dlq", "show", "999").exit_code == 2
    assert cli("dlq", "discard", str(item)).exit_code == 0
    assert json.loads(cli("--json", "dlq", "list", "--status", "discarded").stdout)[0]["id"] == item
    assert cli("dlq", "retry", str(item)).exit_code == 2  # already discarded
    assert cli("dlq", "retry").exit_code == 2  # nothing named


def test_logs_render_untrusted_text_literally(cli, store):
    logs.write(store, "test.event", "comment said [bold]hi[/bold] \x1b]8;;http://evil\x07link\x1b]8;;\x07 \x9b31m")
    out = cli("logs").stdout
    assert "[bold]hi[/bold]" in out
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "\\x1b]8;;http://evil\\x07" in out
    data = cli("--json", "logs").stdout
    assert "\x1b" not in data and "\x9b" not in data
    assert json.loads(data)[0]["message"].startswith("comment said [bold]hi[/bold] \x1b]8")


def test_cleanup_dry_run_counts_and_deletes_nothing(cli, store):
    old = store.now() - dt.timedelta(days=200)
    from sqlalchemy import insert

    from harvester_cli.store.tables import system_logs

    with store.tx() as conn:
        conn.execute(
            insert(system_logs),
            [{"created_at": old, "level": "info", "event": "x", "message": str(i)} for i in range(30)],
        )
    data = json.loads(cli("--json", "cleanup", "--dry-run").stdout)
    assert data["would_delete"]["system_logs"] == 30
    assert json.loads(cli("--json", "cleanup", "--dry-run").stdout)["would_delete"]["system_logs"] == 30
    assert "system_logs" in cli("cleanup", "--dry-run").stdout
    result = json.loads(cli("--json", "cleanup").stdout)
    assert result["deleted"]["system_logs"] == 30


def test_cleanup_keeps_pending_dlq_running_runs_and_domains(cli, store):
    from sqlalchemy import insert, select, update

    from harvester_cli.store.tables import dead_letter_queue, domains, job_status

    old = store.now() - dt.timedelta(days=400)
    pending = dlq_store.add(
        store, job_type="harvesting", item_key="1", payload={}, error="e", error_type="E", run_id=None
    )
    resolved = dlq_store.add(
        store, job_type="harvesting", item_key="2", payload={}, error="e", error_type="E", run_id=None
    )
    dlq_store.set_status(store, [resolved], "resolved", from_statuses=("pending",))
    running = runs.start(
        store,
        job_type="harvesting",
        status="running",
        host="h",
        pid=1,
        slot=1,
        token="t",
        lock_ref=None,
        params={},
        deadline_at=None,
    )
    finished = runs.start(
        store,
        job_type="harvesting",
        status="failed",
        host="h",
        pid=1,
        slot=1,
        token="t",
        lock_ref=None,
        params={},
        deadline_at=None,
    )
    with store.tx() as conn:
        conn.execute(update(dead_letter_queue).values(created_at=old, updated_at=old, resolved_at=old))
        conn.execute(update(job_status).where(job_status.c.id.in_([running, finished])).values(started_at=old))
        conn.execute(insert(domains).values(domain="shein.com", first_seen=old, last_seen=old, first_extracted_at=old))
    result = cli("--json", "cleanup", "--days", "90")
    assert json.loads(result.stdout)["status"] == "succeeded"
    with store.tx() as conn:
        dlq_ids = {i for (i,) in conn.execute(select(dead_letter_queue.c.id)).all()}
        run_ids = {i for (i,) in conn.execute(select(job_status.c.id)).all()}
        assert conn.execute(select(domains.c.domain)).scalars().all() == ["shein.com"]
    assert dlq_ids == {pending}
    assert running in run_ids and finished not in run_ids


def test_kill_switch_json_keys(cli):
    data = json.loads(cli("--json", "kill-switch", "on", "--reason", "r", "--by", "me").stdout)
    assert data == {"active": True, "reason": "r", "requested_by": "me", "changed_at": data["changed_at"]}
    assert json.loads(cli("--json", "kill-switch", "status").stdout)["active"] is True
    assert cli("cleanup").exit_code == 3
    assert json.loads(cli("--json", "kill-switch", "off").stdout)["active"] is False
