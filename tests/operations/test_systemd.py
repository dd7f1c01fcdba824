"""examples/systemd: every unit parses (systemd-analyze verify where the machine has it), every
service is hardened, and the timers run what crontab.example runs, when it runs it."""

from __future__ import annotations

import configparser
import datetime as dt
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
CRONTAB = ROOT / "crontab.example"
UNITS = ROOT / "examples" / "systemd"
#: the schedules are compared over two weeks from a Monday (every weekday twice, a month boundary not needed)
START = dt.datetime(2024, 1, 1)
WINDOW = dt.timedelta(days=14)
STATE_DIR = "/var/lib/harvester"
HARDENING = {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes"}


# --------------------------------------------------------------------------- parsing


def crontab():
    """crontab.example: its variables, and each job as (5 schedule fields, harvester argv)."""
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
        argv = []
        for word in shlex.split(parts[5]):
            if word.startswith((">", "2>", "<", "|")):
                break  # the redirection to the log is cron's business; journald takes it under systemd
            argv.append(word)
        jobs.append((parts[:5], argv))
    return variables, jobs


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(
        strict=False, interpolation=None, delimiters=("=",), comment_prefixes=("#", ";"), empty_lines_in_values=False
    )
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(path.read_text(), source=str(path))
    return parser


def pairs():
    """{stem: (service, timer)} of examples/systemd."""
    services = {p.stem: p for p in UNITS.glob("*.service")}
    timers = {p.stem: p for p in UNITS.glob("*.timer")}
    assert set(services) == set(timers), "every .service needs its .timer and every .timer its .service"
    return {stem: (unit(services[stem]), unit(timers[stem])) for stem in sorted(services)}


def exec_argv(service) -> list[str]:
    return shlex.split(service["Service"]["ExecStart"])


# --------------------------------------------------------------------------- schedules


def _cron_field(field: str, low: int, high: int) -> set[int]:
    values = set()
    for part in field.split(","):
        body, _, step = part.partition("/")
        if body == "*":
            first, last = low, high
        elif "-" in body:
            first, last = (int(n) for n in body.split("-"))
        else:
            first = int(body)
            last = high if step else first
        values.update(range(first, last + 1, int(step or 1)))
    return values


def cron_times(fields: list[str]) -> list[dt.datetime]:
    """When a crontab schedule fires within the window (minute resolution, cron's day rule)."""
    minute, hour, dom, month, dow = fields
    minutes, hours = _cron_field(minute, 0, 59), _cron_field(hour, 0, 23)
    days, months = _cron_field(dom, 1, 31), _cron_field(month, 1, 12)
    weekdays = {d % 7 for d in _cron_field(dow, 0, 7)}  # 0 and 7 are Sunday
    times, at = [], START
    while at < START + WINDOW:
        cron_weekday = (at.weekday() + 1) % 7
        if dom != "*" and dow != "*":  # both restricted: either matches
            day_ok = at.day in days or cron_weekday in weekdays
        else:
            day_ok = at.day in days and cron_weekday in weekdays
        if at.minute in minutes and at.hour in hours and at.month in months and day_ok:
            times.append(at)
        at += dt.timedelta(minutes=1)
    return times


_WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _calendar_component(text: str, low: int, high: int) -> set[int]:
    values = set()
    for part in text.split(","):
        body, _, step = part.partition("/")
        if body == "*":
            first, last = low, high
        elif ".." in body:
            first, last = (int(n) for n in body.split(".."))
        else:
            first = int(body)
            last = high if step else first
        values.update(range(first, last + 1, int(step or 1)))
    return values


def _weekday_set(text: str) -> set[int]:
    days = set()
    for part in text.split(","):
        if ".." in part:
            first, last = (_WEEKDAYS.index(d[:3].title()) for d in part.split(".."))
            days.update(range(first, last + 1))
        else:
            days.add(_WEEKDAYS.index(part[:3].title()))
    return days


def calendar_times(spec: str) -> list[dt.datetime]:
    """When a systemd OnCalendar= expression fires within the window: the forms these units use
    (`[WEEKDAYS] [Y-M-D] H:M[:S]`, with `*`, `A..B`, `A/step` and lists), seconds at 00 only."""
    words = spec.split()
    weekdays = set(range(7))
    if words and words[0][:3].title() in _WEEKDAYS:
        weekdays = _weekday_set(words.pop(0))
    date = words.pop(0) if len(words) == 2 else "*-*-*"
    assert len(words) == 1, f"unsupported OnCalendar={spec!r} (no time zone: cron runs in the host's)"
    time = words[0].split(":")
    assert len(time) in (2, 3), spec
    hours, minutes = _calendar_component(time[0], 0, 23), _calendar_component(time[1], 0, 59)
    assert len(time) == 2 or _calendar_component(time[2], 0, 59) == {0}, f"{spec}: cron fires at second 0"
    year, month, day = date.split("-")
    years, months, days = (
        _calendar_component(year, 1970, 2200),
        _calendar_component(month, 1, 12),
        _calendar_component(day, 1, 31),
    )
    times, at = [], START
    while at < START + WINDOW:
        if (
            at.weekday() in weekdays
            and at.year in years
            and at.month in months
            and at.day in days
            and at.hour in hours
            and at.minute in minutes
        ):
            times.append(at)
        at += dt.timedelta(minutes=1)
    return times


def systemd_times(spec: str, count: int) -> list[dt.datetime]:
    """The first `count` elapses systemd itself computes from START (UTC)."""
    result = subprocess.run(
        [
            "systemd-analyze",
            "calendar",
            f"--iterations={count}",
            f"--base-time={START - dt.timedelta(seconds=1)} UTC",
            spec,
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, TZ="UTC"),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    found = re.findall(r"(?:Next elapse|Iter\. #\d+): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC", result.stdout)
    return [dt.datetime.fromisoformat(t) for t in found]


def test_the_schedule_parsers_agree_on_known_cases():
    assert cron_times(["*/10", "*", "*", "*", "*"]) == calendar_times("*:0/10")
    assert cron_times(["1-59/5", "*", "*", "*", "*"]) == calendar_times("*:1/5")
    assert cron_times(["0", "2", "*", "*", "0"]) == calendar_times("Sun *-*-* 02:00:00")
    assert cron_times(["0", "2", "*", "*", "0"]) == [dt.datetime(2024, 1, 7, 2), dt.datetime(2024, 1, 14, 2)]
    assert cron_times(["3-59/5", "*", "*", "*", "*"]) != calendar_times("*:0/5")
    assert cron_times(["0", "2", "*", "*", "1"]) != calendar_times("Sun 02:00")


# --------------------------------------------------------------------------- the tests


def test_every_crontab_job_has_a_unit_pair_running_the_same_command():
    variables, jobs = crontab()
    bin_dir = variables["PATH"].split(":")[0]
    by_argv = {}
    for stem, (service, _) in pairs().items():
        argv = exec_argv(service)
        program = PurePosixPath(argv[0])
        assert program.name == "harvester", (stem, argv)
        assert str(program.parent) == bin_dir, f"{stem}: ExecStart runs {program}, cron finds {bin_dir}/harvester"
        assert tuple(argv[1:]) not in by_argv, f"{stem} runs the same command as {by_argv.get(tuple(argv[1:]))}"
        by_argv[tuple(argv[1:])] = stem
    cron_argvs = {tuple(argv[1:]) for _, argv in jobs}
    assert all(argv[0] == "harvester" for _, argv in jobs)
    assert cron_argvs == set(by_argv), (
        f"only in crontab.example: {sorted(cron_argvs - set(by_argv))}; "
        f"only in examples/systemd: {sorted(set(by_argv) - cron_argvs)}"
    )
    assert ("-q", "discover") in by_argv and any("metrics" in argv for argv in by_argv)


def test_every_timer_fires_when_its_crontab_line_does():
    _, jobs = crontab()
    units = pairs()
    by_argv = {tuple(exec_argv(service)[1:]): (stem, timer) for stem, (service, timer) in units.items()}
    for fields, argv in jobs:
        stem, timer = by_argv[tuple(argv[1:])]
        spec = timer["Timer"]["OnCalendar"]
        expected = cron_times(fields)
        assert expected, fields
        assert calendar_times(spec) == expected, f"{stem}: OnCalendar={spec} is not `{' '.join(fields)}`"
        if shutil.which("systemd-analyze"):
            count = min(len(expected), 300)
            assert systemd_times(spec, count) == expected[:count], f"{stem}: systemd reads OnCalendar={spec} otherwise"


def test_timers_are_persistent_randomized_and_enabled_with_timers_target():
    for stem, (_, timer) in pairs().items():
        section = timer["Timer"]
        assert section.get("Persistent") == "true", stem
        assert section.get("RandomizedDelaySec"), stem
        assert section.get("OnCalendar"), stem
        assert timer["Install"]["WantedBy"] == "timers.target", stem
        assert section.get("Unit", f"{stem}.service") == f"{stem}.service", stem
        assert timer["Unit"].get("Description"), stem


def test_services_are_hardened_oneshots_reading_the_documented_env_file():
    variables, _ = crontab()
    for stem, (service, _) in pairs().items():
        section = service["Service"]
        assert service["Unit"].get("Description"), stem
        assert section["Type"] == "oneshot", stem
        assert section.get("User"), stem
        # the same env file as the crontab's: read by harvester itself, as under cron
        env = shlex.split(section.get("Environment", ""))
        assert (
            f"HARVESTER_ENV_FILE={variables['HARVESTER_ENV_FILE']}" in env
            or section.get("EnvironmentFile", "").lstrip("-") == variables["HARVESTER_ENV_FILE"]
        ), stem
        for key, value in HARDENING.items():
            assert section.get(key) == value, (stem, key)
        assert section.get("ProtectHome") in ("yes", "read-only", "tmpfs"), stem
        writable = section.get("ReadWritePaths", "").split()
        assert STATE_DIR in [p.lstrip("-") for p in writable], stem
        argv = exec_argv(service)
        if "--textfile" in argv:  # the metrics file's directory must be writable too
            directory = str(PurePosixPath(argv[argv.index("--textfile") + 1]).parent)
            assert directory in [p.lstrip("-") for p in writable], (stem, directory)


def test_skips_are_not_failures_for_the_jobs():
    for stem, (service, _) in pairs().items():
        argv = exec_argv(service)
        if argv[-1] in ("discover", "harvest", "extract", "cleanup") or "health" in argv or "dlq" in argv:
            assert set(service["Service"]["SuccessExitStatus"].split()) >= {"3", "4"}, stem


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_every_unit_passes_systemd_analyze_verify(tmp_path):
    """systemd's own parser: unknown keys, bad values and bad calendar specs are all reported.
    ExecStart must name an executable, so the copies point at a stand-in for the venv's harvester."""
    variables, _ = crontab()
    real = variables["PATH"].split(":")[0] + "/harvester"
    stand_in = tmp_path / "bin" / "harvester"
    stand_in.parent.mkdir()
    stand_in.write_text("#!/bin/sh\nexit 0\n")
    stand_in.chmod(0o755)
    copies = []
    for path in sorted(UNITS.glob("*.service")) + sorted(UNITS.glob("*.timer")):
        copy = tmp_path / path.name
        copy.write_text(path.read_text().replace(real, str(stand_in)))
        copies.append(str(copy))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *copies], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    ours = [line for line in (result.stdout + result.stderr).splitlines() if "harvester" in line]
    assert result.returncode == 0 and not ours, result.stdout + result.stderr
