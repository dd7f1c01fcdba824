"""The store's schema version: Alembic migrations, and the check every command makes.

`harvester init` calls `upgrade`: a new store is created at head, a first-release store (its
tables without a version table) is stamped as revision 0001 and upgraded, a store behind head
is upgraded. The whole upgrade is one transaction (PostgreSQL and SQLite both have
transactional DDL) under the same cross-host lock as before, so two hosts running `init` at
once upgrade once and a failed upgrade leaves the store as it was. Every other command calls
`require_current`, which refuses a store that is missing, behind or ahead of this code.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from harvester_cli import errors
from harvester_cli.settings import named
from harvester_cli.store import tables

VERSION_TABLE = "harvester_schema_version"
BASELINE = "0001"
SCHEMA_LOCK_KEY = 4802134  # pg_advisory_xact_lock key: the one `init` has always taken

_MIGRATIONS = Path(__file__).with_name("migrations")


def _config(connection: Connection | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def head() -> str:
    """The revision this code needs."""
    return _script().get_current_head()


def revisions() -> list[str]:
    """Every revision, oldest first."""
    return [r.revision for r in reversed(list(_script().walk_revisions()))]


@dataclass(frozen=True)
class SchemaState:
    """What schema a store holds. `current` is None when it has no version table."""

    current: str | None
    head: str
    tables: frozenset[str]

    @property
    def status(self) -> str:
        """missing | unversioned (a first-release store) | behind | current | ahead."""
        ours = self.tables & {t.name for t in tables.metadata.sorted_tables}
        if self.current is None:
            return "unversioned" if ours else "missing"
        if self.current == self.head:
            return "current"
        return "behind" if self.current in revisions() else "ahead"

    def as_json(self) -> dict:
        return {"revision": self.current, "head": self.head, "status": self.status}


def _current(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def inspect(engine: Engine) -> SchemaState:
    try:
        with engine.connect() as conn:
            names = frozenset(sa_inspect(conn).get_table_names())
            current = _current(conn) if VERSION_TABLE in names else None
    except SQLAlchemyError as exc:
        raise errors.StoreUnavailable(f"cannot read the store's schema: {_first_line(exc)}") from None
    return SchemaState(current, head(), names)


def require_current(engine: Engine, shown_url: str) -> SchemaState:
    """Refuse (exit 2) a store this code cannot work on: missing, behind or ahead of head."""
    state = inspect(engine)
    status = state.status
    if status == "current":
        return state
    if status == "missing":
        raise errors.StoreUnavailable(
            f"no store at {shown_url}: it has no harvester tables; run `harvester init` to create one "
            f"(or fix {named('HARVESTER_DATABASE_URL', shown_url)})"
        )
    if status == "ahead":
        raise errors.StoreUnavailable(
            f"the store at {shown_url} is at schema {state.current}, newer than this version of harvester "
            f"knows (it needs {state.head}); upgrade harvester, or restore the backup taken before the upgrade"
        )
    current = state.current or f"{BASELINE} (first release, no version recorded)"
    raise errors.StoreUnavailable(
        f"run harvester init to upgrade (store at {current}, this version needs {state.head})"
    )


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None  # None: the store was new
    after: str
    created: bool

    @property
    def changed(self) -> bool:
        return self.created or self.before != self.after

    def describe(self) -> str:
        if self.created:
            return f"created the schema at {self.after}"
        if self.before == self.after:
            return f"schema already at {self.after}; nothing to do"
        return f"upgraded from {self.before} to {self.after}"


@contextlib.contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    """One connection in one transaction, holding the schema lock.

    SQLite: foreign keys are switched off for the migration (a table rebuilt by a batch
    migration must not cascade-delete its children when the old copy is dropped) and checked
    before the commit; BEGIN IMMEDIATE takes the write lock, so a second `init` waits.
    """
    with engine.connect() as conn:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            _driver_execute(conn, "PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                if engine.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK_KEY})
                yield conn
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise errors.StoreError(
                            f"the upgrade would break {len(broken)} foreign key(s) (first: {tuple(broken[0])}); "
                            "nothing was changed"
                        )
        finally:
            if sqlite:
                _driver_execute(conn, "PRAGMA foreign_keys = ON")


def _driver_execute(conn: Connection, sql: str) -> None:
    """Run `sql` on the driver's own connection, outside SQLAlchemy's transaction handling."""
    driver = conn.connection.driver_connection
    assert driver is not None  # a connection checked out of the pool holds its driver connection
    driver.execute(sql)


def upgrade(engine: Engine) -> UpgradeResult:
    """Create a new store at head or upgrade an existing one (idempotent)."""
    from alembic import command

    target = head()
    try:
        with _migration_connection(engine) as conn:
            names = set(sa_inspect(conn).get_table_names())
            before = _current(conn) if VERSION_TABLE in names else None
            ours = names & {t.name for t in tables.metadata.sorted_tables}
            config = _config(conn)
            if before is None and not ours:
                tables.metadata.create_all(conn)
                command.stamp(config, target)
                return UpgradeResult(None, target, created=True)
            if before is None:
                command.stamp(config, BASELINE)  # a first-release store
                before = BASELINE
            if before not in revisions():
                raise errors.StoreUnavailable(
                    f"the store is at schema {before}, newer than this version of harvester knows "
                    f"(it needs {target}); upgrade harvester instead"
                )
            if before != target:
                command.upgrade(config, target)
            return UpgradeResult(before, target, created=False)
    except errors.HarvesterError:
        raise
    except SQLAlchemyError as exc:
        raise errors.StoreUnavailable(
            f"cannot create or upgrade the schema: {_first_line(exc)}; nothing was changed"
        ) from None


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
