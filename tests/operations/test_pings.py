"""Cron-monitor pings (healthchecks.io protocol) against a real HTTP receiver on 127.0.0.1:
start and finish with one rid, /fail and /<code>, skipped runs, per-type URLs, a receiver that
hangs or is down, the body (size, redaction), and the settings' secrecy."""

import json
import socket
import time
import uuid
from pathlib import Path

import pytest

from harvester_cli import errors
from harvester_cli import settings as settings_mod
from harvester_cli.runtime import killswitch, pings, runner
from harvester_cli.store import logs, runs
from tests.helpers.receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample"
SECRET = "tt-secret-0f1e2d3c4b5a"


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def load(db_url, tmp_path, **env):
    return settings_mod.load({"HARVESTER_DATABASE_URL": db_url, "HARVESTER_LOCK_DIR": str(tmp_path / "locks"), **env})


def run(store, settings, slots, work, job_type="cleanup", secrets=None, **options):
    return runner.run_job(
        store, settings, slots, job_type, {"test": True}, work, secrets=secrets, handle_signals=False, **options
    )


def ok_work(rc):
    rc.log("test.step", "did the thing")
    rc.ok(2)
    return "done"


def closed_port_url() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/ping/down"


def ping_warnings(store, run_id):
    return [r for r in logs.recent(store, limit=100, run_id=run_id) if r["event"] == "ping.failed"]


def test_success_sends_start_then_success_with_one_rid(store, slots, receiver, db_url, tmp_path):
    settings = load(db_url, tmp_path, HARVESTER_PING_URL=f"{receiver.base_url}/ping/abc")
    result = run(store, settings, slots, ok_work)
    assert result.status == "succeeded" and result.exit_code == 0
    start, finish = receiver.pings("/ping/")
    assert (start.method, start.path) == ("GET", "/ping/abc/start")
    assert (finish.method, finish.path) == ("POST", "/ping/abc")
    assert start.rid == finish.rid and str(uuid.UUID(start.rid)) == start.rid
    assert finish.headers["content-type"].startswith("text/plain")
    body = finish.text
    assert body.startswith(f"harvester cleanup run {result.run_id}: succeeded, exit 0, ok 2")
    assert "test.step: did the thing" in body and "job.started" in body and "job.succeeded" in body
    assert ping_warnings(store, result.run_id) == []


def test_the_rid_is_the_runs_token(store, slots, receiver, db_url, tmp_path):
    settings = load(db_url, tmp_path, HARVESTER_PING_URL=f"{receiver.base_url}/ping/abc")
    result = run(store, settings, slots, ok_work)
    token = runs.get(store, result.run_id)["token"]
    assert receiver.pings()[0].rid == str(uuid.UUID(hex=token))


@pytest.mark.parametrize(
    "error, path",
    [
        (errors.StoreError("disk full"), "/ping/x/fail"),
        (errors.ConfigError("HARVESTER_SOURCE is not set"), "/ping/x/2"),
    ],
)
def test_a_failed_run_sends_fail_or_its_exit_code(store, slots, receiver, db_url, tmp_path, error, path):
    settings = load(db_url, tmp_path, HARVESTER_PING_URL=f"{receiver.base_url}/ping/x")

    def work(rc):
        raise error

    result = run(store, settings, slots, work)
    start, finish = receiver.pings()
    assert start.path == "/ping/x/start" and finish.path == path and finish.rid == start.rid
    assert str(error) in finish.text and f"exit {result.exit_code}" in finish.text


def test_an_unexpected_error_sends_fail_before_it_reaches_the_boundary(store, slots, receiver, db_url, tmp_path):
    settings = load(db_url, tmp_path, HARVESTER_PING_URL=f"{receiver.base_url}/ping/x")

    def work(rc):
        raise ZeroDivisionError("boom")

    with pytest.raises(ZeroDivisionError):
        run(store, settings, slots, work)
    assert [h.path for h in receiver.pings()] == ["/ping/x/start", "/ping/x/fail"]
    assert "ZeroDivisionError: boom" in receiver.pings()[1].text


def test_skipped_by_the_kill_switch_sends_3(store, slots, receiver, db_url, tmp_path):
    settings = load(db_url, tmp_path, HARVESTER_PING_URL=f"{receiver.base_url}/ping/x")
    killswitch.set_state(store, True, reason="incident", by="ops")
    result = run(store, settings, slots, ok_work)
    assert result.exit_code == errors.EXIT_KILL_SWITCH
    [hit] = receiver.pings()  # no /start: a skipped run never started
    assert (hit.method, hit.path) == ("POST", "/ping/x/3")
    assert str(uuid.UUID(hit.rid)) == hit.rid
    assert "skipped, exit 3" in hit.text and "kill switch is active" in hit.text and "job.skipped" in hit.text


def test_skipped_without_a_free_slot_sends_4(store, slots, receiver, db_url, tmp_path):
    settings = load(db_url, tmp_path, HARVESTER_PING_URL=f"{receiver.base_url}/ping/x")
    held = slots.acquire("cleanup", 1)
    try:
        result = run(store, settings, slots, ok_work)
    finally:
        held.release()
    assert result.exit_code == errors.EXIT_NO_SLOT
    [hit] = receiver.pings()
    assert hit.path == "/ping/x/4" and "skipped, exit 4" in hit.text


def test_cancelled_by_the_kill_switch_mid_run_sends_3(store, slots, receiver, db_url, tmp_path):
    settings = load(db_url, tmp_path, HARVESTER_PING_URL=f"{receiver.base_url}/ping/x")

    def work(rc):
        killswitch.set_state(store, True, reason="stop", by="ops")
        rc._last_kill_check = -1e9
        rc.checkpoint()

    result = run(store, settings, slots, work)
    assert (result.status, result.exit_code) == ("cancelled", 3)
    assert [h.path for h in receiver.pings()] == ["/ping/x/start", "/ping/x/3"]


def test_the_per_type_url_wins(store, slots, receiver, db_url, tmp_path):
    settings = load(
        db_url,
        tmp_path,
        HARVESTER_PING_URL=f"{receiver.base_url}/all",
        HARVESTER_PING_URL_CLEANUP=f"{receiver.base_url}/cleanup-check",
    )
    run(store, settings, slots, ok_work, job_type="cleanup")
    run(store, settings, slots, ok_work, job_type="health", check_kill_switch=False)
    assert [h.path for h in receiver.requests] == ["/cleanup-check/start", "/cleanup-check", "/all/start", "/all"]


def test_no_url_no_ping(store, slots, receiver, db_url, tmp_path):
    result = run(store, load(db_url, tmp_path), slots, ok_work)
    assert result.exit_code == 0 and receiver.requests == []


@pytest.mark.parametrize(
    "stall",
    [
        {"hang": 30},  # no answer at all
        # every byte arrives well within the timeout, but the whole answer never does: the
        # timeout is one deadline for the request, not a limit per read
        {"trickle": 0.2},
    ],
    ids=["hanging", "trickling"],
)
def test_a_stalling_receiver_delays_the_run_by_the_timeout_at_most(store, slots, receiver, db_url, tmp_path, stall):
    for name, value in stall.items():
        setattr(receiver, name, value)
    settings = load(
        db_url, tmp_path, HARVESTER_PING_URL=f"{receiver.base_url}/ping/x", HARVESTER_PING_TIMEOUT_SECONDS="1"
    )
    began = time.monotonic()
    result = run(store, settings, slots, ok_work)
    took = time.monotonic() - began
    assert result.status == "succeeded" and result.exit_code == 0
    assert took < 1 + 1.5, took
    [warning] = ping_warnings(store, result.run_id)
    assert warning["level"] == "warning" and "no answer within 1s" in warning["message"], warning


def test_a_receiver_answering_endlessly_is_not_read_past_a_small_limit(store, slots, receiver, db_url, tmp_path):
    """Only the status of a ping's answer matters: a monitor (or whatever answers at its URL)
    sending gigabytes is cut off after ANSWER_LIMIT bytes, not read into memory."""
    receiver.flood = True
    settings = load(db_url, tmp_path, HARVESTER_PING_URL=f"{receiver.base_url}/ping/x")
    result = run(store, settings, slots, ok_work)
    assert result.status == "succeeded" and result.exit_code == 0
    time.sleep(1)  # a reader left behind would go on reading meanwhile
    assert receiver.flooded < 16 * 2**20, receiver.flooded  # the limit plus what socket buffers hold
    warnings = ping_warnings(store, result.run_id)
    assert warnings and "byte limit" in warnings[0]["message"], warnings


def test_a_slow_start_ping_still_lets_the_end_follow_it(store, slots, receiver, db_url, tmp_path):
    """The start ping is in flight while the work runs; the finishing ping goes out after it."""
    receiver.hang = 0.3
    settings = load(
        db_url, tmp_path, HARVESTER_PING_URL=f"{receiver.base_url}/ping/x", HARVESTER_PING_TIMEOUT_SECONDS="3"
    )
    result = run(store, settings, slots, ok_work)
    assert [h.path for h in receiver.pings()] == ["/ping/x/start", "/ping/x"]
    assert ping_warnings(store, result.run_id) == []


def test_a_receiver_that_is_down_costs_one_warning(store, slots, db_url, tmp_path):
    settings = load(db_url, tmp_path, HARVESTER_PING_URL=closed_port_url())
    began = time.monotonic()
    result = run(store, settings, slots, ok_work)
    assert result.status == "succeeded" and result.exit_code == 0
    assert time.monotonic() - began < 5
    [warning] = ping_warnings(store, result.run_id)
    assert warning["job_type"] == "cleanup" and "/start" in warning["message"]
    assert "127.0.0.1" not in warning["message"]  # the URL is a secret: named by its setting


def test_an_error_status_is_retried_once_then_logged(store, slots, receiver, db_url, tmp_path):
    receiver.fail_with = 503
    settings = load(db_url, tmp_path, HARVESTER_PING_URL=f"{receiver.base_url}/ping/x")
    result = run(store, settings, slots, ok_work)
    assert result.exit_code == 0
    assert [h.path for h in receiver.requests] == ["/ping/x/start"] * 2 + ["/ping/x"] * 2
    [warning] = ping_warnings(store, result.run_id)
    assert "HTTP 503" in warning["message"]


def test_the_body_is_at_most_10_kb_newest_lines_kept(store, slots, receiver, db_url, tmp_path):
    settings = load(db_url, tmp_path, HARVESTER_PING_URL=f"{receiver.base_url}/ping/x")

    def work(rc):
        for n in range(60):
            rc.log("test.line", f"line {n:03d} " + "é" * 300)  # 2 bytes a character

    run(store, settings, slots, work)
    body = receiver.pings()[-1].body
    assert len(body) <= pings.BODY_LIMIT
    text = body.decode("utf-8")  # still valid UTF-8 after the cut
    assert text.startswith("harvester cleanup run") and "job.succeeded" in text
    assert "line 059" in text and "line 000" not in text and "earlier log line(s) left out" in text


def test_a_secret_in_the_log_lines_is_redacted(store, slots, receiver, db_url, tmp_path):
    settings = load(db_url, tmp_path, HARVESTER_PING_URL=f"{receiver.base_url}/ping/x")

    def work(rc):  # written around the run's own scrubbing, as a careless caller might
        logs.write(
            rc.store,
            "test.leak",
            f"token request failed: client_secret={SECRET}",
            job_type=rc.job_type,
            run_id=rc.run_id,
        )
        raise errors.StoreError(f"echoed {SECRET}")

    run(store, settings, slots, work, secrets=[SECRET])
    body = receiver.pings()[-1].text
    assert SECRET not in body and "client_secret=********" in body


def test_job_commands_ping_per_job_type(cli, receiver, monkeypatch):
    """discover, harvest and extract (`run`), health and cleanup all go through the runner."""
    monkeypatch.setenv("HARVESTER_SOURCE", "files")
    monkeypatch.setenv("HARVESTER_FILES_DIR", str(SAMPLE))
    monkeypatch.setenv("HARVESTER_PING_URL", f"{receiver.base_url}/all")
    monkeypatch.setenv("HARVESTER_PING_URL_DISCOVERY", f"{receiver.base_url}/discovery")
    monkeypatch.setenv("HARVESTER_PING_URL_HARVESTING", f"{receiver.base_url}/harvesting")
    assert cli("-q", "run", "--limit", "2").exit_code == 0
    assert cli("-q", "cleanup").exit_code == 0
    cli("-q", "health")
    paths = [h.path for h in receiver.requests]
    assert paths == [
        "/discovery/start",
        "/discovery",
        "/harvesting/start",
        "/harvesting",
        "/all/start",
        "/all",
        "/all/start",
        "/all",
        "/all/start",
        "/all",
    ]
    assert len({h.rid for h in receiver.requests}) == 5
    # the kill switch: the command exits 3 and the monitor hears /3
    assert cli("kill-switch", "on", "--reason", "drill").exit_code == 0
    assert cli("-q", "discover").exit_code == 3
    assert receiver.requests[-1].path == "/discovery/3"


def test_ping_urls_are_secrets(cli, receiver, monkeypatch):
    url = f"{receiver.base_url}/ping/0b8f5e4c-secret-check"
    monkeypatch.setenv("HARVESTER_PING_URL_CLEANUP", url)
    listed = cli("--json", "config", "list")
    assert listed.exit_code == 0 and "secret-check" not in listed.stdout
    item = next(i for i in json.loads(listed.stdout) if i["key"] == "harvester_ping_url_cleanup")
    assert item["value"] == settings_mod.REDACTED and item["secret"] and item["origin"] == "environment"
    for key in ("harvester_ping_url", "harvester_ping_url_discovery"):
        refused = cli("config", "set", key, "https://hc-ping.com/x")
        assert refused.exit_code == 2 and "secret" in refused.stderr
    assert cli("config", "set", "harvester_ping_timeout_seconds", "2").exit_code == 0
    assert cli("config", "set", "harvester_ping_timeout_seconds", "0").exit_code == 2
    bad = cli("cleanup", env={"HARVESTER_PING_URL": "ftp://example.com/x"})
    assert bad.exit_code == 2 and "HARVESTER_PING_URL" in bad.stderr
