"""Engine setup: SQLite pragmas and immediate transactions, PostgreSQL through psycopg 3."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Dialect, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.schema import CreateIndex, CreateTable

from harvester_cli import errors, filesafety
from harvester_cli.settings import named, redact_url
from harvester_cli.store import tables

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_WAL_AUTOCHECKPOINT_PAGES = 10_000
SQLITE_JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for another dialect or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(url: str, *, must_exist: bool = False) -> Engine:
    """Build an engine and prove it can connect; a bad URL raises StoreUnavailable (exit 2).

    `must_exist`: a SQLite file that does not exist is refused instead of created (a typo in
    the path must not silently start an empty store).
    """
    shown = redact_url(url)
    name = named("HARVESTER_DATABASE_URL", url)  # --database-url when the user typed that
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
        raise errors.StoreUnavailable(
            f"database URL {shown!r} is malformed; use sqlite:///path/to.db or postgresql+psycopg://user@host/db"
        ) from None
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite":
            path = sqlite_path(url)
            if path is None:
                raise errors.StoreUnavailable(
                    f"database URL {shown!r} is an in-memory SQLite database, which keeps nothing between "
                    "runs; give a file, e.g. sqlite:////var/lib/harvester/harvester.db"
                )
            if not path.parent.exists():
                raise errors.StoreUnavailable(
                    f"database directory {path.parent} does not exist; create it or fix {name}"
                )
            if must_exist and not path.exists():
                where = (
                    "" if path.is_absolute() else f" (a relative path: relative to the working directory {Path.cwd()})"
                )
                raise errors.StoreUnavailable(
                    f"no store at {path}{where}; run `harvester init` to create it, or fix "
                    f"{name} (use an absolute path: sqlite:////var/lib/harvester/harvester.db)"
                )
            # the store and its -wal/-shm: ours, not writable by others, never a link (exit 2 with
            # the fix); a new store is created 0600, and SQLite gives -wal/-shm the same mode
            for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                filesafety.check_private_file(
                    file, what="SQLite store file", link_fix=(f"point {name} at the real file")
                )
            filesafety.create_private_file(path)
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
            _configure_sqlite(engine)
        elif backend == "postgresql":
            if parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            engine = create_engine(
                parsed,
                pool_pre_ping=True,
                pool_size=5,
                max_overflow=20,
                connect_args={"connect_timeout": 10, "application_name": "harvester"},
            )
        else:
            raise errors.StoreUnavailable(f"database URL {shown!r}: only sqlite and postgresql are supported")
    except (ArgumentError, NoSuchModuleError) as exc:
        raise errors.StoreUnavailable(f"database URL {shown!r} is unusable: {exc}") from None
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise errors.StoreUnavailable(
            f"cannot connect to database {shown}: {reason}; check {name} and that the server runs"
        ) from None
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE itself.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Checkpoint every ~40 MB of WAL rather than SQLite's default ~4 MB: a checkpoint
        # copies every page changed since the last one and syncs twice, so rare ones copy a
        # busy index page once instead of ten times (extract over 200k comments spent a third
        # of its writing time in checkpoints; bench/RESULTS.md). The WAL file is cut back to
        # 64 MB after a checkpoint that found it larger.
        cursor.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_WAL_AUTOCHECKPOINT_PAGES}")
        cursor.execute(f"PRAGMA journal_size_limit = {SQLITE_JOURNAL_SIZE_LIMIT}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        # Writers take the write lock up front, so a claim never fails half way on a lock
        # upgrade; readers (Store.read) use a deferred BEGIN and never wait for writers (WAL).
        if conn.get_execution_options().get("harvester_read"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_schema(engine: Engine):
    """Create the schema at head, or upgrade it (idempotent): `harvester init`'s work."""
    from harvester_cli.store import schema

    return schema.upgrade(engine)


def schema_sql(dialect_name: str) -> str:
    """DDL of every table and index for `postgresql` or `sqlite`, as `schema.sql` holds it."""
    dialect: Dialect
    if dialect_name == "postgresql":
        from sqlalchemy.dialects import postgresql

        dialect = postgresql.dialect()
    elif dialect_name == "sqlite":
        from sqlalchemy.dialects import sqlite

        dialect = sqlite.dialect()
    else:
        raise errors.BadInput(f"unknown dialect {dialect_name!r}; use sqlite or postgresql")
    parts = [
        "-- harvester schema, generated from harvester_cli/store/tables.py by\n"
        f"-- `harvester init --print-sql --dialect {dialect_name}`. Do not edit by hand.\n"
    ]
    for table in tables.metadata.sorted_tables:
        ddl = str(CreateTable(table, if_not_exists=True).compile(dialect=dialect)).strip()
        parts.append(ddl + ";\n")
        for index in sorted(table.indexes, key=lambda i: str(i.name)):  # every index is named (tables.py)
            parts.append(str(CreateIndex(index, if_not_exists=True).compile(dialect=dialect)).strip() + ";\n")
    return "\n".join(parts)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def default_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "harvester"
