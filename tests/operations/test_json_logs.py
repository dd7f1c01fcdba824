"""HARVESTER_LOG_FORMAT=json: every line a real `harvester` process writes on stderr is one JSON
object (`ts`, `level`, `event`, `message`, and `job_type`/`run_id` where known): job events,
debug logging, warnings about runs and the error boundary's line, with -v its traceback inside."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample"
JSON_LOGS = {"HARVESTER_LOG_FORMAT": "json"}
SECRET = "s3cr3t-client-value-4242"


def json_lines(stderr: str) -> list[dict]:
    """Every stderr line parsed; a line that is not one JSON object fails the test."""
    records = []
    for line in stderr.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            pytest.fail(f"stderr line is not JSON: {line!r}")
        assert isinstance(record, dict), line
        for key in ("ts", "level", "event", "message"):
            assert key in record, (key, line)
        assert record["ts"].endswith("Z") and record["level"] in ("debug", "info", "warning", "error", "critical")
        records.append(record)
    return records


def test_a_job_run_logs_its_events_as_json(run_proc):
    result = run_proc("cleanup", env=JSON_LOGS)
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stderr)
    events = {r["event"]: r for r in records}
    assert {"job.started", "job.succeeded"} <= set(events)
    started = events["job.started"]
    assert started["job_type"] == "cleanup" and isinstance(started["run_id"], int) and started["level"] == "info"
    assert events["job.succeeded"]["run_id"] == started["run_id"]
    assert "cleanup run" in result.stdout  # the result stays on stdout, as text


def test_quiet_keeps_warnings_and_errors_only(run_proc):
    assert run_proc("kill-switch", "on", "--reason", "drill", env=JSON_LOGS).returncode == 0
    result = run_proc("-q", "discover", env=dict(JSON_LOGS, HARVESTER_SOURCE="files", HARVESTER_FILES_DIR=str(SAMPLE)))
    assert result.returncode == 3 and result.stdout == ""
    records = json_lines(result.stderr)
    assert records and all(r["level"] in ("warning", "error") for r in records)
    skipped = next(r for r in records if r["event"] == "job.skipped")
    assert skipped["job_type"] == "discovery" and "kill switch" in skipped["message"]
    assert any(r["event"] == "command.warning" and "skipped" in r["message"] for r in records)


def test_errors_are_one_json_line_with_the_traceback_inside(run_proc):
    plain = run_proc("jobs", "--type", "bogus", env=JSON_LOGS)
    assert plain.returncode == 2
    [record] = json_lines(plain.stderr)
    assert record["level"] == "error" and record["event"] == "error" and "unknown job type" in record["message"]
    assert "traceback" not in record
    verbose = run_proc("jobs", "--type", "bogus", "-v", env=JSON_LOGS)
    errors = [r for r in json_lines(verbose.stderr) if r["event"] == "error"]
    assert len(errors) == 1 and "Traceback" in errors[0]["traceback"]
    usage = run_proc("no-such-command", env=JSON_LOGS)
    assert usage.returncode == 2
    [record] = json_lines(usage.stderr)
    assert "No such command" in record["message"]


def test_verbose_debug_output_and_secrets(run_proc, tmp_path):
    """-v: library debug lines (SQL, HTTP) are JSON too, and a secret in a message stays redacted."""
    env = dict(JSON_LOGS, TIKTOK_CLIENT_SECRET=SECRET, HARVESTER_SOURCE="files", HARVESTER_FILES_DIR=str(SAMPLE))
    result = run_proc("-v", "harvest", "--video-id", SECRET, env=env)
    assert result.returncode == 2
    records = json_lines(result.stderr)
    assert any(r["level"] == "debug" for r in records)
    assert SECRET not in result.stderr and "********" in result.stderr
    ran = run_proc("-v", "run", "--limit", "2", env=env)
    assert ran.returncode == 0, ran.stderr
    records = json_lines(ran.stderr)
    assert {"discovery", "harvesting", "extraction"} <= {r.get("job_type") for r in records}


def test_the_setting_can_come_from_the_env_file_and_text_stays_the_default(run_proc, tmp_path):
    env_file = tmp_path / "harvester.env"
    env_file.write_text("HARVESTER_LOG_FORMAT=json\n")
    result = run_proc("--env-file", str(env_file), "jobs", "--type", "bogus")
    assert json_lines(result.stderr)[0]["event"] == "error"
    after = run_proc("jobs", "--type", "bogus", "--env-file", str(env_file))  # given after the command
    assert json_lines(after.stderr)[0]["event"] == "error"
    text = run_proc("jobs", "--type", "bogus")
    assert "harvester error: unknown job type" in text.stderr and not text.stderr.startswith("{")
    assert run_proc("cleanup").stderr == ""  # text logs: job events stay in the store


def test_a_bad_value_is_refused_like_every_setting(run_proc):
    result = run_proc("jobs", env={"HARVESTER_LOG_FORMAT": "xml"})
    assert result.returncode == 2
    assert "HARVESTER_LOG_FORMAT" in result.stderr and "text, json" in result.stderr
    listed = json.loads(run_proc("--json", "config", "get", "harvester_log_format").stdout)
    assert listed["value"] == "text"
    refused = run_proc("config", "set", "harvester_log_format", "json")
    assert refused.returncode == 2 and "start-up" in refused.stderr


def test_in_process_too(cli, db_url):
    """The CLI test runner swaps stderr: the handler follows it (one handler, whatever the run)."""
    result = cli("cleanup", env=JSON_LOGS)
    assert result.exit_code == 0
    assert {"job.started", "job.succeeded"} <= {r["event"] for r in json_lines(result.stderr)}
    assert cli("cleanup").stderr == ""
