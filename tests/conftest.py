"""Shared fixtures: a clean environment, a real store on SQLite and (when configured) PostgreSQL,
a CliRunner, and helpers to run the real `harvester` executable as separate processes."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("HARVESTER_TEST_DATABASE_URL", "")
_ENV_PREFIXES = ("HARVESTER_", "TIKTOK_", "WORKER_", "MAX_CONCURRENT_")
_pg_passed = 0


def _is_ours(name: str) -> bool:
    return name.startswith(_ENV_PREFIXES) or name.endswith("_JOB_TIMEOUT_MINUTES")


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch, tmp_path):
    """No setting leaks in from the machine; the working directory holds no .env."""
    for name in list(os.environ):
        if _is_ours(name):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("LINES", raising=False)  # no height limit unless a test sets one
    monkeypatch.chdir(tmp_path)


def _pg_schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh database URL: a SQLite file, or a private schema on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'harvester.db'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need HARVESTER_TEST_DATABASE_URL (set by .ci/run)")
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1) if PG_URL.startswith("postgresql://") else PG_URL
    )
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def init_store(url: str) -> None:
    """What `harvester init` does: tests that use a store start after it."""
    from harvester_cli.store import engine
    from harvester_cli.store.base import Store

    s = Store.open(url)
    try:
        engine.create_schema(s.engine)
    finally:
        s.dispose()


@pytest.fixture
def store(db_url):
    from harvester_cli.store import engine
    from harvester_cli.store.base import Store

    s = Store.open(db_url)
    engine.create_schema(s.engine)
    yield s
    s.dispose()


@pytest.fixture
def settings(db_url, tmp_path):
    from harvester_cli import settings as settings_mod

    return settings_mod.load({"HARVESTER_DATABASE_URL": db_url, "HARVESTER_LOCK_DIR": str(tmp_path / "locks")})


@pytest.fixture
def slots(settings, store, tmp_path):
    from harvester_cli.runtime import slots as slots_mod

    return slots_mod.backend_for(settings, store.engine, None, tmp_path / "state")


@pytest.fixture
def cli(db_url, monkeypatch, tmp_path):
    """Invoke the real Typer app in-process against db_url; returns the Result."""
    from harvester_cli.app import app

    monkeypatch.setenv("HARVESTER_DATABASE_URL", db_url)
    monkeypatch.setenv("HARVESTER_LOCK_DIR", str(tmp_path / "locks"))
    init_store(db_url)
    runner = CliRunner()

    def invoke(*args: str, env: dict | None = None, input: str | None = None):
        return runner.invoke(app, list(args), env=env, input=input, catch_exceptions=False)

    return invoke


def harvester_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("harvester")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "harvester_cli"]


@pytest.fixture
def proc_env(db_url, tmp_path):
    """Environment for separate `harvester` processes."""
    init_store(db_url)
    env = {k: v for k, v in os.environ.items() if not _is_ours(k)}
    env.update(
        {
            "HARVESTER_DATABASE_URL": db_url,
            "HARVESTER_LOCK_DIR": str(tmp_path / "locks"),
            "PYTHONPATH": str(ROOT),
            "NO_COLOR": "1",
        }
    )
    return env


@pytest.fixture
def run_proc(proc_env):
    def run(*args: str, env: dict | None = None, timeout: float = 120, input: str | None = None):
        merged = dict(proc_env, **(env or {}))
        return subprocess.run(
            harvester_cmd() + list(args), env=merged, capture_output=True, text=True, timeout=timeout, input=input
        )

    return run


def pytest_collection_modifyitems(config, items):
    """The slow cases first: with the suite spread over processes (make test), a minute-long case
    started last would leave the other workers idle while it runs."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_runtest_logreport(report):
    global _pg_passed
    if report.when == "call" and report.passed and "[postgresql" in report.nodeid:
        _pg_passed += 1


def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput"):
        return  # a pytest-xdist worker: the controller sees every report and writes the count
    marker = os.environ.get("HARVESTER_PG_MARKER")
    if marker:
        Path(marker).write_text(str(_pg_passed))
    if os.environ.get("HARVESTER_REQUIRE_POSTGRES") == "1" and _pg_passed == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    # skips, one line per reason (pyproject's -rfE lists failures and errors only; -rs lists them all)
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        terminalreporter.write_line(f"{count} skipped: {reason}")
    terminalreporter.write_line(
        f"PostgreSQL tests passed: {_pg_passed}" + ("" if PG_URL else " (HARVESTER_TEST_DATABASE_URL not set)")
    )
