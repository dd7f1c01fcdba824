"""Schema migrations: a store filled by the first release's own code upgrades with every row
kept; stores behind, ahead of or missing from this code are refused with one clear line.

The first release (commit c421b70) is run from its own tree, kept as
tests/fixtures/release-c421b70.tar.gz (its `harvester_cli` package and its sample data), with
this environment's interpreter and libraries.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from harvester_cli.store import engine as engine_mod
from harvester_cli.store import schema, tables
from tests.conftest import _is_ours, harvester_cmd

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / "tests" / "fixtures" / "release-c421b70.tar.gz"
FIRST_RELEASE_TABLES = (
    "videos",
    "comments",
    "domains",
    "domain_mentions",
    "job_status",
    "system_logs",
    "system_config",
    "dead_letter_queue",
    "api_usage",
)


@pytest.fixture(scope="session")
def release_tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("release-c421b70")
    with tarfile.open(RELEASE) as archive:
        archive.extractall(root, filter="data")
    return root


def _env(db_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not _is_ours(k)}
    env.update(
        {
            "HARVESTER_DATABASE_URL": db_url,
            "HARVESTER_LOCK_DIR": str(tmp_path / "locks"),
            "HARVESTER_SOURCE": "files",
            "HARVESTER_FILES_DIR": str(ROOT / "examples" / "sample"),
            "NO_COLOR": "1",
            "COLUMNS": "200",
        },
        **extra,
    )
    return env


def run_old(release: Path, db_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """The first release's `harvester`, from its own tree (its package shadows the installed one)."""
    env = _env(db_url, tmp_path, PYTHONPATH=str(release), HARVESTER_FILES_DIR=str(release / "examples" / "sample"))
    return subprocess.run(
        [sys.executable, "-m", "harvester_cli", *args],
        cwd=release,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def run_new(db_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = _env(db_url, tmp_path, PYTHONPATH=str(ROOT))
    return subprocess.run(
        harvester_cmd() + list(args), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180
    )


def baseline_tables() -> dict[str, sa.Table]:
    import importlib

    module = importlib.import_module("harvester_cli.store.migrations.versions.0001_first_release")
    return dict(module.metadata.tables)


def _snapshot(db_url: str) -> dict[str, list[tuple]]:
    """Every row of every first-release table, in its first-release columns, in key order."""
    e = engine_mod.make_engine(db_url)
    out = {}
    first_release = baseline_tables()
    with e.connect() as conn:
        for name in FIRST_RELEASE_TABLES:
            table = first_release[name]
            columns = [sa.column(c.name) for c in table.columns]
            keys = [sa.column(c.name) for c in table.primary_key.columns]
            out[name] = [
                tuple(r) for r in conn.execute(sa.select(*columns).select_from(sa.table(name)).order_by(*keys)).all()
            ]
    e.dispose()
    return out


def _schema_diff(db_url: str) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    e = engine_mod.make_engine(db_url)
    with e.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": schema.VERSION_TABLE})
        diff = compare_metadata(context, tables.metadata)
    e.dispose()
    return diff


def test_first_release_store_upgrades_with_every_row_kept(release_tree, db_url, tmp_path):
    for step in (("init",), ("run",)):
        old = run_old(release_tree, db_url, tmp_path, *step)
        assert old.returncode == 0, old.stderr
    before = _snapshot(db_url)
    assert len(before["comments"]) > 100 and len(before["domain_mentions"]) > 10 and before["job_status"]

    refused = run_new(db_url, tmp_path, "domains")
    assert refused.returncode == 2
    assert "run harvester init to upgrade (store at 0001" in refused.stderr
    assert f"this version needs {schema.head()})" in refused.stderr

    upgraded = run_new(db_url, tmp_path, "init")
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"upgraded from 0001 to {schema.head()}" in upgraded.stdout
    assert _snapshot(db_url) == before  # every row, every column, unchanged
    assert _schema_diff(db_url) == []  # the upgraded schema is exactly the head schema

    again = run_new(db_url, tmp_path, "init")
    assert again.returncode == 0 and "nothing to do" in again.stdout
    assert _snapshot(db_url) == before

    for command in (("discover",), ("harvest",), ("extract",), ("domains",), ("jobs",)):
        result = run_new(db_url, tmp_path, *command)
        assert result.returncode == 0, (command, result.stderr)
    after = _snapshot(db_url)
    assert len(after["comments"]) == len(before["comments"])  # the sample was fully harvested already
    assert len(after["job_status"]) == len(before["job_status"]) + 3


def test_a_new_store_is_created_at_head_and_equals_the_tables(db_url, tmp_path):
    result = run_new(db_url, tmp_path, "init")
    assert result.returncode == 0, result.stderr
    assert f"created the schema at {schema.head()}" in result.stdout
    assert _schema_diff(db_url) == []


def test_every_revision_from_the_baseline_reaches_the_head_schema(db_url):
    """Revision by revision from an empty store: the chain alone gives exactly the tables."""
    from alembic import command

    e = engine_mod.make_engine(db_url)
    with schema._migration_connection(e) as conn:
        command.upgrade(schema._config(conn), schema.BASELINE)
    for revision in schema.revisions()[1:]:
        with schema._migration_connection(e) as conn:
            command.upgrade(schema._config(conn), revision)
        assert schema.inspect(e).current == revision
    e.dispose()
    assert _schema_diff(db_url) == []


def test_a_store_ahead_of_this_code_is_refused(db_url, tmp_path):
    assert run_new(db_url, tmp_path, "init").returncode == 0
    e = engine_mod.make_engine(db_url)
    with e.begin() as conn:
        conn.execute(sa.text(f"UPDATE {schema.VERSION_TABLE} SET version_num = '9999'"))
    e.dispose()
    for command in (("domains",), ("discover",), ("init",)):
        result = run_new(db_url, tmp_path, *command)
        assert result.returncode == 2, command
        assert "9999" in result.stderr and "newer than this version" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_read_commands_refuse_a_missing_store_and_create_nothing(tmp_path):
    path = tmp_path / "typo" / ".." / "harvestr.db"
    url = f"sqlite:///{path}"
    (tmp_path / "typo").mkdir()
    for command in (("domains",), ("jobs",), ("config", "get", "harvester_source"), ("dlq", "list")):
        result = run_new(url, tmp_path, *command)
        assert result.returncode == 2, (command, result.stderr)
        assert "no store at" in result.stderr and "harvester init" in result.stderr
    assert not path.exists()
    created = run_new(url, tmp_path, "discover")  # a job command creates it, as init does
    assert created.returncode == 0, created.stderr
    assert path.exists()


def test_a_relative_sqlite_path_names_the_working_directory(tmp_path):
    result = run_new("sqlite:///relative.db", tmp_path, "domains")
    assert result.returncode == 2
    assert f"relative to the working directory {tmp_path}" in result.stderr


@pytest.mark.postgres
def test_postgres_database_without_the_schema_is_refused(db_url, tmp_path):
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    result = run_new(db_url, tmp_path, "domains")
    assert result.returncode == 2
    assert "no store at" in result.stderr and "run `harvester init`" in result.stderr


def test_two_inits_at_once_upgrade_once(release_tree, db_url, tmp_path):
    assert run_old(release_tree, db_url, tmp_path, "init").returncode == 0
    env = _env(db_url, tmp_path, PYTHONPATH=str(ROOT))
    procs = [
        subprocess.Popen(
            harvester_cmd() + ["init"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [o[1] for o in outs]
    said = sorted(
        "upgraded" if "upgraded from 0001" in o[0] else "nothing" if "nothing to do" in o[0] else o[0] for o in outs
    )
    assert said == ["nothing", "nothing", "upgraded"]
