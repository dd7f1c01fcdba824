"""Issue 15, what a new operator trips over: kill switch history, no literal `None` in any read
command, `config get` with its origin, `dlq show` payloads, `dlq discard` of closed items,
`cleanup --help` saying what --days counts from."""

import json
import re
from pathlib import Path

import pytest

from harvester_cli.store import dlq as dlq_store
from harvester_cli.store import logs, runs

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample"


def _events(store, prefix="kill_switch."):
    return [r for r in logs.recent(store, limit=1000) if r["event"].startswith(prefix)]


# --------------------------------------------------------------------------- kill switch


def test_second_on_keeps_the_first_activation_and_logs_the_repeat(cli, store):
    first = json.loads(cli("--json", "kill-switch", "on", "--reason", "TikTok ban risk", "--by", "alice").stdout)
    again = cli("kill-switch", "on")
    assert again.exit_code == 0
    assert "already ACTIVE" in again.stdout and "alice" in again.stdout and "TikTok ban risk" in again.stdout
    again_json = json.loads(cli("--json", "kill-switch", "on", "--by", "bob", "--reason", "me too").stdout)
    assert again_json == first
    status = json.loads(cli("--json", "kill-switch", "status").stdout)
    assert {k: status[k] for k in first} == first
    assert [(h["event"], h["requested_by"], h["reason"]) for h in status["history"]][:3] == [
        ("repeat", "bob", "me too"),
        ("repeat", status["history"][1]["requested_by"], None),
        ("on", "alice", "TikTok ban risk"),
    ]
    assert [e["event"] for e in _events(store)] == ["kill_switch.repeat", "kill_switch.repeat", "kill_switch.on"]
    assert "bob" in _events(store)[0]["message"]


def test_status_shows_the_last_changes(cli, store):
    cli("kill-switch", "on", "--reason", "incident 7", "--by", "alice")
    cli("kill-switch", "off", "--reason", "resolved", "--by", "carol")
    cli("kill-switch", "off", "--by", "dave")
    out = cli("kill-switch", "status").stdout
    assert out.splitlines()[0].startswith("kill switch off since") and "(by carol): resolved" in out
    for text in ("incident 7", "alice", "carol", "resolved", "dave", "already off"):
        assert text in out, text
    assert "None" not in out
    status = json.loads(cli("--json", "kill-switch", "status").stdout)
    assert (status["active"], status["requested_by"], status["reason"]) == (False, "carol", "resolved")
    assert [h["event"] for h in status["history"]] == ["repeat", "off", "on"]
    assert set(status) >= {"active", "reason", "requested_by", "changed_at", "history"}


def test_history_lists_at_most_five_newest_first(cli):
    for i in range(4):
        cli("kill-switch", "on", "--reason", f"r{i}", "--by", "a")
        cli("kill-switch", "off", "--reason", f"o{i}", "--by", "a")
    history = json.loads(cli("--json", "kill-switch", "status").stdout)["history"]
    assert [h["reason"] for h in history] == ["o3", "r3", "o2", "r2", "o1"]


def test_health_names_the_switch_without_none(cli):
    cli("kill-switch", "on", "--by", "alice")
    cli("kill-switch", "on")
    out = cli("health").stdout
    assert "None" not in out
    assert "(by alice): no reason given" in out
    alert = next(a for a in json.loads(cli("--json", "health").stdout)["alerts"] if a["name"] == "kill_switch_active")
    assert "None" not in alert["message"] and "alice" in alert["message"]


# --------------------------------------------------------------------------- no literal None


@pytest.fixture
def busy_store(cli, store):
    """A store with data in every table a read command shows, many optional fields empty."""
    env = {"HARVESTER_SOURCE": "files", "HARVESTER_FILES_DIR": str(SAMPLE)}
    result = cli("run", env=env)
    assert result.exit_code == 0, result.stderr
    runs.start(
        store,
        job_type="harvesting",
        status="running",
        host="h",
        pid=1,
        slot=None,
        token=None,
        lock_ref=None,
        params={},
        deadline_at=None,
    )
    runs.start(
        store,
        job_type="discovery",
        status="skipped",
        host="h",
        pid=1,
        slot=None,
        token=None,
        lock_ref=None,
        params={},
        deadline_at=None,
    )
    item = dlq_store.add(
        store,
        job_type="harvesting",
        item_key="7386111312293610270",
        payload={"video_id": "7386111312293610270", "cursor": None},
        error="",
        error_type=None,
        run_id=None,
    )
    dlq_store.add(
        store, job_type="extraction", item_key="1", payload={}, error="boom", error_type="StoreError", run_id=None
    )
    logs.write(store, "test.event", "an event without details")
    cli("kill-switch", "on")
    cli("kill-switch", "on")
    cli("config", "set", "harvester_max_pages", "3")
    return {"dlq_item": item, "video": "7710299779498425880"}


READ_COMMANDS = [
    ("health",),
    ("jobs",),
    ("logs",),
    ("logs", "--limit", "500"),
    ("dlq", "list"),
    ("kill-switch", "status"),
    ("config", "list"),
    ("config", "get", "harvester_source"),
    ("config", "get", "harvester_max_pages"),
    ("domains",),
    ("domains", "--format", "csv"),
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=[" ".join(a) for a in READ_COMMANDS])
def test_no_read_command_prints_a_literal_none(cli, busy_store, args):
    result = cli(*args)
    assert result.exit_code in (0, 1), result.stderr  # health exits 1: alerts fire
    assert result.stdout.strip()
    assert not re.search(r"\bNone\b", result.stdout), result.stdout


def test_no_literal_none_in_item_views(cli, busy_store):
    for args in (
        ("dlq", "show", str(busy_store["dlq_item"])),
        ("domains", "--video", busy_store["video"]),
        ("dlq", "list", "--status", "pending"),
    ):
        out = cli(*args).stdout
        assert out.strip() and not re.search(r"\bNone\b", out), (args, out)


# --------------------------------------------------------------------------- config get


def test_config_get_shows_value_and_origin(cli):
    out = cli("config", "get", "max_concurrent_discovery_jobs").stdout
    assert "max_concurrent_discovery_jobs" in out and "5" in out and "default" in out
    cli("config", "set", "max_concurrent_discovery_jobs", "8")
    out = cli("config", "get", "MAX_CONCURRENT_DISCOVERY_JOBS").stdout
    assert "8" in out and "system_config" in out
    out = cli("config", "get", "harvester_max_pages", env={"HARVESTER_MAX_PAGES": "4"}).stdout
    assert "4" in out and "environment" in out
    data = json.loads(cli("--json", "config", "get", "max_concurrent_discovery_jobs").stdout)
    assert (data["key"], data["value"], data["origin"]) == ("max_concurrent_discovery_jobs", "8", "system_config")


# --------------------------------------------------------------------------- dlq


def test_dlq_show_pretty_prints_the_payload(cli, store):
    item = dlq_store.add(
        store,
        job_type="harvesting",
        item_key="7386111312293610270",
        payload={"video_id": "7386111312293610270", "max_pages": 2, "note": "[red]x[/red]\x1b[2J\nsecond line"},
        error="HTTP 500",
        error_type="TransientSourceError",
        run_id=None,
    )
    out = cli("dlq", "show", str(item)).stdout
    lines = out.splitlines()
    assert '  "video_id": "7386111312293610270"' in lines
    assert '  "max_pages": 2,' in lines
    assert "{\\n" not in out and '\\n  "' not in out  # no JSON squeezed into one escaped line
    assert "\x1b" not in out and "[red]x[/red]" in out
    assert json.loads(cli("--json", "dlq", "show", str(item)).stdout)["payload"]["max_pages"] == 2


@pytest.mark.parametrize("close", ["discard", "resolve"])
def test_dlq_discard_of_a_closed_item_exits_2_and_changes_nothing(cli, store, close):
    closed = dlq_store.add(
        store, job_type="harvesting", item_key="1", payload={}, error="e", error_type="E", run_id=None
    )
    still_open = dlq_store.add(
        store, job_type="harvesting", item_key="2", payload={}, error="e", error_type="E", run_id=None
    )
    if close == "discard":
        assert cli("dlq", "discard", str(closed)).exit_code == 0
    else:
        dlq_store.resolve_key(store, "harvesting", "1")
    status = dlq_store.get(store, closed)["status"]
    result = cli("dlq", "discard", str(closed))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"dead-letter item {closed} is already {status}" in result.stderr
    # several ids, one closed: nothing is discarded
    result = cli("dlq", "discard", str(still_open), str(closed))
    assert result.exit_code == 2
    assert dlq_store.get(store, still_open)["status"] == "pending"
    assert dlq_store.get(store, closed)["status"] == status
    # retry says the same kind of line
    retry = cli("dlq", "retry", str(closed))
    assert retry.exit_code == 2 and f"dead-letter item {closed} is already {status}" in retry.stderr
    assert cli("dlq", "discard", str(still_open), str(still_open)).exit_code == 0
    assert dlq_store.get(store, still_open)["status"] == "discarded"


# --------------------------------------------------------------------------- cleanup --help


def test_cleanup_help_says_what_days_counts_from(cli):
    out = " ".join(cli("cleanup", "--help").stdout.split())
    assert "counted back from now" in out
    assert "harvest time (not when it was posted)" in out
