"""`job_status`: one row per run, written through the run's lifecycle."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, func, insert, select, update

from harvester_cli.redact import scrub
from harvester_cli.store.base import Store, dumps, storable
from harvester_cli.store.tables import job_status

FINAL_STATUSES = ("succeeded", "failed", "cancelled", "timed_out", "skipped", "abandoned")


def _error(text: str | None) -> str | None:
    """An error as stored: through the redaction layer, storable on every store."""
    return None if text is None else storable(scrub(str(text)))


def _error_type(text: str | None) -> str | None:
    return None if text is None else str(text)[:64]


def start(
    store: Store,
    *,
    job_type: str,
    status: str,
    host: str,
    pid: int,
    slot: int | None,
    token: str | None,
    lock_ref: str | None,
    params: dict[str, Any],
    deadline_at: dt.datetime | None,
    error: str | None = None,
    error_type: str | None = None,
) -> int:
    now = store.now()
    finished = None if status == "running" else now
    with store.tx() as conn:
        result = conn.execute(
            insert(job_status).values(
                job_type=job_type,
                status=status,
                started_at=now,
                finished_at=finished,
                heartbeat_at=now,
                deadline_at=deadline_at,
                host=host,
                pid=pid,
                slot=slot,
                lock_ref=lock_ref,
                token=token,
                params=storable(scrub(dumps(params))),
                error=_error(error),
                error_type=_error_type(error_type),
                duration_seconds=0.0 if finished else None,
            )
        )
        key = result.inserted_primary_key
        assert key is not None  # an INSERT of one row reports its key
        return int(key[0])


def heartbeat(store: Store, run_id: int, token: str) -> bool:
    with store.tx() as conn:
        result = conn.execute(
            update(job_status)
            .where(job_status.c.id == run_id, job_status.c.token == token, job_status.c.status == "running")
            .values(heartbeat_at=store.now())
        )
        return result.rowcount == 1


def finish(
    store: Store,
    run_id: int,
    token: str,
    *,
    status: str,
    items_ok: int,
    items_failed: int,
    error: str | None = None,
    error_type: str | None = None,
) -> bool:
    """Write the final state, only if this run (its token) still owns a `running` row."""
    now = store.now()
    with store.tx() as conn:
        started = conn.execute(select(job_status.c.started_at).where(job_status.c.id == run_id)).scalar()
        duration = (now - started).total_seconds() if started else None
        result = conn.execute(
            update(job_status)
            .where(job_status.c.id == run_id, job_status.c.token == token, job_status.c.status == "running")
            .values(
                status=status,
                finished_at=now,
                heartbeat_at=now,
                items_ok=items_ok,
                items_failed=items_failed,
                duration_seconds=duration,
                error=_error(error),
                error_type=_error_type(error_type),
            )
        )
        return result.rowcount == 1


def update_counts(store: Store, run_id: int, token: str, items_ok: int, items_failed: int) -> None:
    with store.tx() as conn:
        conn.execute(
            update(job_status)
            .where(job_status.c.id == run_id, job_status.c.token == token, job_status.c.status == "running")
            .values(items_ok=items_ok, items_failed=items_failed, heartbeat_at=store.now())
        )


def get(store: Store, run_id: int) -> dict[str, Any] | None:
    with store.read() as conn:
        row = conn.execute(select(job_status).where(job_status.c.id == run_id)).mappings().first()
        return dict(row) if row else None


def running(store: Store) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = (
            conn.execute(select(job_status).where(job_status.c.status == "running").order_by(job_status.c.started_at))
            .mappings()
            .all()
        )
        return [dict(r) for r in rows]


def mark_abandoned(store: Store, run_id: int, heartbeat_before: dt.datetime, reason: str) -> bool:
    """Mark a stale run abandoned, unless it beat its heartbeat in the meantime."""
    now = store.now()
    with store.tx() as conn:
        result = conn.execute(
            update(job_status)
            .where(
                job_status.c.id == run_id,
                job_status.c.status == "running",
                job_status.c.heartbeat_at < heartbeat_before,
            )
            .values(status="abandoned", finished_at=now, error=_error(reason), error_type="Abandoned")
        )
        return result.rowcount == 1


def recent(store: Store, *, since: dt.datetime, job_type: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    query = select(job_status).where(job_status.c.started_at >= since)
    if job_type:
        query = query.where(job_status.c.job_type == job_type)
    query = query.order_by(job_status.c.started_at.desc(), job_status.c.id.desc()).limit(limit)
    with store.read() as conn:
        return [dict(r) for r in conn.execute(query).mappings().all()]


def finished_in_window(store: Store, *, since: dt.datetime, job_type: str | None = None) -> list[dict[str, Any]]:
    """Status, type and duration of every run started since `since` (for metrics)."""
    query = select(
        job_status.c.job_type,
        job_status.c.status,
        job_status.c.duration_seconds,
        job_status.c.error_type,
        job_status.c.finished_at,
    ).where(job_status.c.started_at >= since)
    if job_type:
        query = query.where(job_status.c.job_type == job_type)
    with store.read() as conn:
        return [dict(r) for r in conn.execute(query).mappings().all()]


def last_success(store: Store) -> dict[str, dt.datetime]:
    query = (
        select(job_status.c.job_type, func.max(job_status.c.finished_at))
        .where(job_status.c.status == "succeeded")
        .group_by(job_status.c.job_type)
    )
    with store.read() as conn:
        return {t: ts for t, ts in conn.execute(query).all()}


def past_deadline(store: Store, now: dt.datetime) -> list[dict[str, Any]]:
    query = select(job_status).where(and_(job_status.c.status == "running", job_status.c.deadline_at < now))
    with store.read() as conn:
        return [dict(r) for r in conn.execute(query).mappings().all()]


def totals_by_type(store: Store, worked: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Per job type and status over every run kept: runs, items ok/failed, the last start and
    the last finish; and per job type the duration of the latest run in `worked` statuses.
    Grouped in the database (a metrics scrape every minute must not read every row)."""
    grouped = select(
        job_status.c.job_type,
        job_status.c.status,
        func.count(),
        func.coalesce(func.sum(job_status.c.items_ok), 0),
        func.coalesce(func.sum(job_status.c.items_failed), 0),
        func.max(job_status.c.started_at),
        func.max(job_status.c.finished_at),
    ).group_by(job_status.c.job_type, job_status.c.status)
    out: dict[str, dict[str, Any]] = {}
    with store.read() as conn:
        for job_type, status, n, ok, failed, started, finished in conn.execute(grouped).all():
            out.setdefault(job_type, {"statuses": {}, "last_duration_seconds": None})["statuses"][status] = {
                "runs": int(n),
                "items_ok": int(ok),
                "items_failed": int(failed),
                "last_started_at": started,
                "last_finished_at": finished,
            }
        for job_type, entry in out.items():
            entry["last_duration_seconds"] = conn.execute(
                select(job_status.c.duration_seconds)
                .where(
                    job_status.c.job_type == job_type,
                    job_status.c.status.in_(worked),
                    job_status.c.duration_seconds.is_not(None),
                )
                .order_by(job_status.c.started_at.desc())
                .limit(1)
            ).scalar()
    return out
