"""crontab.example: every line is valid cron and runs as written, with the documented env file."""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]
CRONTAB = ROOT / "crontab.example"
FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")
RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
#: the metrics line's --textfile directory (node_exporter's): a test's temporary directory stands in
TEXTFILE_DIR = "/var/lib/node_exporter/textfile_collector"


def entries():
    variables, jobs = {}, []
    for line in CRONTAB.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if re.match(r"^[A-Z_]+=", line):
            key, value = line.split("=", 1)
            variables[key] = value
            continue
        parts = line.split(None, 5)
        jobs.append((parts[:5], parts[5]))
    return variables, jobs


def valid_field(field, low, high):
    if not FIELD.match(field):
        return False
    numbers = [int(n) for n in re.findall(r"\d+", re.sub(r"/\d+", "", field))]
    return all(low <= n <= high for n in numbers)


def test_every_line_is_valid_cron():
    variables, jobs = entries()
    assert {"SHELL", "PATH", "HARVESTER_ENV_FILE"} <= set(variables)
    assert len(jobs) >= 5
    for fields, command in jobs:
        assert len(fields) == 5
        for field, (low, high) in zip(fields, RANGES, strict=True):
            assert valid_field(field, low, high), (field, command)
        assert command.startswith("harvester "), command


def test_schedules_match_the_operations_guide():
    _, jobs = entries()
    by_command = {shlex.split(c)[2] if shlex.split(c)[1] == "-q" else shlex.split(c)[1]: f for f, c in jobs}
    assert by_command["discover"][0] == "*/10"
    assert by_command["health"][0] == "*/5"
    assert by_command["cleanup"] == ["0", "2", "*", "*", "0"]
    assert "harvest" in by_command and "extract" in by_command


@pytest.fixture
def cron_env(tmp_path, db_url):
    """The documented env file, and the environment cron gives a job."""
    sample = ROOT / "examples" / "sample"
    env_file = tmp_path / "harvester.env"
    hook = Receiver().__enter__()
    env_file.write_text(
        f"HARVESTER_DATABASE_URL={db_url}\nHARVESTER_SOURCE=files\nHARVESTER_FILES_DIR={sample}\n"
        f"HARVESTER_LOCK_DIR={tmp_path / 'locks'}\nHARVESTER_ALERT_WEBHOOK_URL={hook.url}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "TIKTOK_", "WORKER_"))}
    variables, _ = entries()
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + variables["PATH"]
    env["HARVESTER_ENV_FILE"] = str(env_file)
    env["PYTHONPATH"] = str(ROOT)
    yield env
    hook.__exit__(None, None, None)


def test_every_line_runs_as_written(cron_env, tmp_path):
    _, jobs = entries()
    log = tmp_path / "harvester.log"
    for _, command in jobs:
        line = command.replace("/var/log/harvester.log", str(log)).replace(TEXTFILE_DIR, str(tmp_path))
        result = subprocess.run(["/bin/sh", "-c", line], env=cron_env, capture_output=True, text=True, timeout=120)
        allowed = (0, 1) if " health" in line else (0,)
        assert result.returncode in allowed, (line, result.returncode, log.read_text() if log.exists() else "")
    # quiet under cron: the pipeline's successful runs printed nothing
    text = log.read_text() if log.exists() else ""
    assert "Traceback" not in text
    assert "discovery run" not in text and "harvesting run" not in text


# ------------------------------------------------------------- issue 15: the crontab as shipped


TIMESTAMPED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ harvester ")


def minimal_env(tmp_path, db_url, **extra):
    """The README's minimal env file (files source on the sample instead of tiktok), and the
    environment cron gives a job: HOME, LOGNAME, SHELL and the crontab's own variables."""
    env_file = tmp_path / "harvester.env"
    lines = [
        f"HARVESTER_DATABASE_URL={db_url}",
        "HARVESTER_SOURCE=files",
        f"HARVESTER_FILES_DIR={ROOT / 'examples' / 'sample'}",
    ]
    env_file.write_text("\n".join(lines + [f"{k}={v}" for k, v in extra.items()]) + "\n")
    env_file.chmod(0o600)
    variables, _ = entries()
    env = {
        "HOME": str(tmp_path),
        "LOGNAME": os.environ.get("LOGNAME", "cron"),
        "SHELL": variables["SHELL"],
        "PATH": str(Path(sys.executable).parent) + os.pathsep + variables["PATH"],
        "HARVESTER_ENV_FILE": str(env_file),
        "PYTHONPATH": str(ROOT),
    }
    return env


def run_line(command, env, log):
    """One crontab line as cron runs it; returns (exit code, what it added to the log)."""
    before = log.read_text() if log.exists() else ""
    line = command.replace("/var/log/harvester.log", str(log)).replace(TEXTFILE_DIR, str(log.parent))
    result = subprocess.run(
        [variables_shell(), "-c", line], env=env, capture_output=True, text=True, timeout=120, cwd=env["HOME"]
    )
    after = log.read_text() if log.exists() else ""
    assert result.stdout == result.stderr == "", line  # everything goes to the log
    return result.returncode, after[len(before) :]


def variables_shell():
    variables, _ = entries()
    return variables["SHELL"]


def _subcommand(command):
    words = shlex.split(command.split(">>")[0])
    return " ".join(w for w in words[1:] if w != "-q" and not w.startswith("--"))


def test_every_line_runs_clean_with_the_minimal_env_file(tmp_path, db_url):
    """A fresh store, no webhook: every line exits 0 and writes nothing to the log, in crontab
    order (discover, harvest, extract, then health finds them all fresh)."""
    env = minimal_env(tmp_path, db_url)
    log = tmp_path / "harvester.log"
    _, jobs = entries()
    for _, command in jobs:
        if _subcommand(command) == "digest":
            continue  # test_digest_line_runs_clean_with_the_minimal_env_file
        code, output = run_line(command, env, log)
        assert (code, output) == (0, ""), command


def test_digest_line_runs_clean_with_the_minimal_env_file(tmp_path):
    env = minimal_env(tmp_path, f"sqlite:///{tmp_path / 'harvester.db'}")
    log = tmp_path / "harvester.log"
    _, jobs = entries()
    for _, command in jobs:
        if _subcommand(command) in ("init", "discover", "harvest", "extract", "digest"):
            code, output = run_line(command, env, log)
    assert (code, output) == (0, "")


def test_health_line_without_webhook_is_quiet_and_posts_nothing(tmp_path):
    env = minimal_env(tmp_path, f"sqlite:///{tmp_path / 'harvester.db'}")
    log = tmp_path / "harvester.log"
    health = next(c for _, c in entries()[1] if _subcommand(c) == "health")
    # a fresh store: discovery and harvesting never succeeded, so alerts fire
    code, output = run_line(health, env, log)
    assert code == 1
    lines = output.splitlines()
    assert lines and all(TIMESTAMPED.match(line) for line in lines), output
    assert "HARVESTER_ALERT_WEBHOOK_URL" not in output  # --notify without a webhook is no error


def test_health_line_with_a_webhook_prints_one_timestamped_line_per_alert(tmp_path, db_url):
    with Receiver() as hook:
        env = minimal_env(tmp_path, db_url, HARVESTER_ALERT_WEBHOOK_URL=hook.url)
        log = tmp_path / "harvester.log"
        _, jobs = entries()
        health = next(c for _, c in jobs if _subcommand(c) == "health")
        for _, command in jobs:  # the pipeline once: discovery, harvesting and extraction are fresh
            if _subcommand(command) in ("discover", "harvest", "extract"):
                assert run_line(command, env, log) == (0, "")
        assert run_line(health, env, log) == (0, "")  # all is well: nothing
        assert hook.messages == []
        cli = [str(Path(sys.executable).parent / "harvester")]
        subprocess.run(
            cli + ["kill-switch", "on", "--reason", "maintenance", "--by", "ops"],
            env=env,
            check=True,
            capture_output=True,
            cwd=tmp_path,
        )
        code, output = run_line(health, env, log)
        alerts = json.loads(
            subprocess.run(cli + ["--json", "health"], env=env, capture_output=True, text=True, cwd=tmp_path).stdout
        )["alerts"]
        assert code == 1 and [a["name"] for a in alerts] == ["kill_switch_active"]
        lines = output.splitlines()
        assert len(lines) == len(alerts), output  # was the whole 16-line table, on stdout
        assert TIMESTAMPED.match(lines[0]) and "kill_switch_active" in lines[0] and "maintenance" in lines[0]
        assert len(hook.messages) == 1 and "kill_switch_active" in hook.messages[0]["text"]
        code, output = run_line(health, env, log)  # still firing: the line again, no second post
        assert code == 1 and len(output.splitlines()) == 1 and len(hook.messages) == 1


def test_help_crontab_lines_match_crontab_example():
    """`harvester CMD --help` says how to schedule CMD: exactly as crontab.example does."""
    _, jobs = entries()
    shipped = {" ".join(fields) + "  " + command.split(">>")[0].strip() for fields, command in jobs}
    said = {}
    for sub in ("discover", "harvest", "extract", "health", "digest", "cleanup", "dlq retry", "run"):
        out = subprocess.run(
            [str(Path(sys.executable).parent / "harvester"), *sub.split(), "--help"],
            capture_output=True,
            text=True,
            env=dict(os.environ, COLUMNS="200"),
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        match = re.search(r"Crontab: (\S+ \S+ \S+ \S+ \S+)\s+(harvester [^(\n]*?)\s*(?:\(|$)", out.stdout, re.M)
        if match:
            said[sub] = f"{match.group(1)}  {match.group(2)}"
    assert {"discover", "harvest", "extract", "health", "cleanup"} <= set(said)
    for sub, line in said.items():
        assert line in shipped, (sub, line, sorted(shipped))
