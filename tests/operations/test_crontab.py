"""crontab.example: every line is valid cron and runs as written, with the documented env file."""

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
        for field, (low, high) in zip(fields, RANGES):
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
