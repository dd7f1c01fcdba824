"""Dialect-aware INSERT ... ON CONFLICT, the one idempotent write every table uses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def _insert(conn: Connection, table: Table):
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def upsert(
    conn: Connection,
    table: Table,
    rows: dict[str, Any] | Sequence[dict[str, Any]],
    keys: Iterable[str],
    update: Iterable[str] | None = None,
) -> int:
    """Insert rows; on a key conflict update `update` columns (default: every non-key column)."""
    batch = [rows] if isinstance(rows, dict) else list(rows)
    if not batch:
        return 0
    keys = list(keys)
    stmt = _insert(conn, table)
    columns = list(update) if update is not None else [c for c in batch[0] if c not in keys]
    if columns:
        stmt = stmt.on_conflict_do_update(index_elements=keys, set_={c: stmt.excluded[c] for c in columns})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=keys)
    return conn.execute(stmt, batch).rowcount


def insert_ignore(conn: Connection, table: Table, rows: Sequence[dict[str, Any]], keys: Iterable[str]) -> int:
    """Insert rows, skipping those whose key exists."""
    return upsert(conn, table, rows, keys, update=[])
