"""`dead_letter_queue`: items that still failed after retries, with a replayable payload."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update

from harvester_cli.redact import scrub
from harvester_cli.store.base import Store, dumps, loads, storable
from harvester_cli.store.tables import dead_letter_queue as dlq

STATUSES = ("pending", "retrying", "resolved", "discarded")


def add(
    store: Store,
    *,
    job_type: str,
    item_key: str,
    payload: dict[str, Any],
    error: str,
    error_type: str,
    run_id: int | None,
    conn=None,
    attempts: int = 1,
) -> int:
    """Record a failed item after `attempts` tries (the retries it was given); a pending item
    with the same key gets them added to its count.

    The error and the payload pass the redaction layer (no secret is ever stored)."""
    now = store.now()
    stored_error = storable(scrub(error or "")[:4000])
    stored_error_type = (error_type or "")[:64] or None
    stored_payload = storable(scrub(dumps(payload)))

    def write(c) -> int:
        existing = c.execute(
            select(dlq.c.id).where(
                dlq.c.job_type == job_type, dlq.c.item_key == item_key, dlq.c.status.in_(("pending", "retrying"))
            )
        ).scalar()
        if existing is not None:
            c.execute(
                update(dlq)
                .where(dlq.c.id == existing)
                .values(
                    attempts=dlq.c.attempts + attempts,
                    error=stored_error,
                    error_type=stored_error_type,
                    run_id=run_id,
                    updated_at=now,
                    status="pending",
                    payload=stored_payload,
                )
            )
            return int(existing)
        result = c.execute(
            insert(dlq).values(
                job_type=job_type,
                item_key=item_key,
                payload=stored_payload,
                status="pending",
                attempts=attempts,
                error=stored_error,
                error_type=stored_error_type,
                run_id=run_id,
                created_at=now,
                updated_at=now,
            )
        )
        return int(result.inserted_primary_key[0])

    if conn is not None:
        return write(conn)
    with store.tx() as c:
        return write(c)


def _row(row) -> dict[str, Any]:
    item = dict(row)
    item["payload"] = loads(item["payload"], {})
    return item


def list_items(
    store: Store, *, status: str | None = None, job_type: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    query = select(dlq)
    if status:
        query = query.where(dlq.c.status == status)
    if job_type:
        query = query.where(dlq.c.job_type == job_type)
    query = query.order_by(dlq.c.id.desc()).limit(limit)
    with store.read() as conn:
        return [_row(r) for r in conn.execute(query).mappings().all()]


def get(store: Store, item_id: int) -> dict[str, Any] | None:
    with store.read() as conn:
        row = conn.execute(select(dlq).where(dlq.c.id == item_id)).mappings().first()
    return _row(row) if row else None


def set_status(store: Store, item_ids: list[int], status: str, *, from_statuses: tuple[str, ...]) -> int:
    now = store.now()
    resolved = now if status in ("resolved", "discarded") else None
    with store.tx() as conn:
        return conn.execute(
            update(dlq)
            .where(dlq.c.id.in_(item_ids), dlq.c.status.in_(from_statuses))
            .values(status=status, updated_at=now, resolved_at=resolved)
        ).rowcount


def resolve_key(store: Store, job_type: str, item_key: str, conn=None) -> int:
    """An item that later succeeded is resolved."""
    now = store.now()
    stmt = (
        update(dlq)
        .where(dlq.c.job_type == job_type, dlq.c.item_key == item_key, dlq.c.status.in_(("pending", "retrying")))
        .values(status="resolved", updated_at=now, resolved_at=now)
    )
    if conn is not None:
        return conn.execute(stmt).rowcount
    with store.tx() as c:
        return c.execute(stmt).rowcount


def counts(store: Store) -> dict[str, int]:
    with store.read() as conn:
        rows = conn.execute(select(dlq.c.status, func.count()).group_by(dlq.c.status)).all()
    return {status: n for status, n in rows}
