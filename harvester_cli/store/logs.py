"""`system_logs`: an event for every state change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert, select

from harvester_cli.store.base import Store, dumps, storable
from harvester_cli.store.tables import system_logs

LEVELS = ("debug", "info", "warning", "error")


def write(store: Store, event: str, message: str, *, level: str = "info", job_type: str | None = None,
          run_id: int | None = None, details: dict[str, Any] | None = None, conn=None) -> None:
    values = dict(created_at=store.now(), level=level, job_type=job_type, run_id=run_id, event=event,
                  message=storable(message[:4000]), details=dumps(details) if details else None)
    if conn is not None:
        conn.execute(insert(system_logs).values(**values))
        return
    with store.tx() as c:
        c.execute(insert(system_logs).values(**values))


def recent(store: Store, *, limit: int = 50, level: str | None = None, job_type: str | None = None,
           since: dt.datetime | None = None) -> list[dict[str, Any]]:
    query = select(system_logs)
    if level:
        query = query.where(system_logs.c.level.in_(LEVELS[LEVELS.index(level):]))
    if job_type:
        query = query.where(system_logs.c.job_type == job_type)
    if since:
        query = query.where(system_logs.c.created_at >= since)
    query = query.order_by(system_logs.c.id.desc()).limit(limit)
    with store.read() as conn:
        return [dict(r) for r in conn.execute(query).mappings().all()]
