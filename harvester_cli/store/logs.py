"""`system_logs`: an event for every state change.

Every event is also handed to the Python logger `harvester.events` (with `event`, `job_type`
and `run_id` on the record). The app enables that logger only for `HARVESTER_LOG_FORMAT=json`,
so a log shipper reading stderr sees the job events; with text logs it stays silent.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import insert, select

from harvester_cli.redact import scrub
from harvester_cli.store.base import Store, dumps, storable
from harvester_cli.store.tables import system_logs

LEVELS = ("debug", "info", "warning", "error")
events_logger = logging.getLogger("harvester.events")
_LOGGING_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


def write(
    store: Store,
    event: str,
    message: str,
    *,
    level: str = "info",
    job_type: str | None = None,
    run_id: int | None = None,
    details: dict[str, Any] | None = None,
    conn=None,
) -> None:
    """One event; message and details pass the redaction layer (no secret is ever stored)."""
    stored_message = storable(scrub(message)[:4000])
    values = dict(
        created_at=store.now(),
        level=level,
        job_type=job_type,
        run_id=run_id,
        event=event[:64],
        message=stored_message,
        details=storable(scrub(dumps(details))) if details else None,
    )
    if conn is not None:
        conn.execute(insert(system_logs).values(**values))
    else:
        with store.tx() as c:
            c.execute(insert(system_logs).values(**values))
    _emit(event, stored_message, level, job_type, run_id)


def _emit(event: str, message: str, level: str, job_type: str | None, run_id: int | None) -> None:
    number = _LOGGING_LEVELS.get(level, logging.INFO)
    if events_logger.isEnabledFor(number):
        events_logger.log(number, "%s", message, extra={"event": event, "job_type": job_type, "run_id": run_id})


def recent(
    store: Store,
    *,
    limit: int = 50,
    level: str | None = None,
    job_type: str | None = None,
    since: dt.datetime | None = None,
    run_id: int | None = None,
) -> list[dict[str, Any]]:
    query = select(system_logs)
    if level:
        query = query.where(system_logs.c.level.in_(LEVELS[LEVELS.index(level) :]))
    if job_type:
        query = query.where(system_logs.c.job_type == job_type)
    if since:
        query = query.where(system_logs.c.created_at >= since)
    if run_id is not None:
        query = query.where(system_logs.c.run_id == run_id)
    query = query.order_by(system_logs.c.id.desc()).limit(limit)
    with store.read() as conn:
        return [dict(r) for r in conn.execute(query).mappings().all()]
