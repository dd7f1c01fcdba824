"""Retention cleanup: delete what is older than the retention period, in small batches.

Never removed: unresolved dead-letter items, running runs, and the domains found.
Each batch is its own short transaction, so a large table never holds a long write lock.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, not_, or_, select

from harvester_cli.store import tables as t
from harvester_cli.store.base import Store

BATCH_SIZE = 5000
# SQLite has one write lock and its busy handler polls rather than queues: a process waiting
# for the lock only gets it if the lock is free when it looks. Between batches the cleanup
# steps aside for RATIO times as long as the batch took (at least MIN, at most MAX seconds),
# longer than a waiter's poll interval (which grows to 100 ms), so waiting writers (harvest,
# extract, logs) get in instead of starving across many short batches (bench/cleanup.py).
SQLITE_PAUSE_RATIO = 1.0
SQLITE_PAUSE_MIN_SECONDS = 0.01
SQLITE_PAUSE_MAX_SECONDS = 0.1


@dataclass(frozen=True)
class Rule:
    table: str
    key: ColumnElement[Any]  # the column used to pick a batch
    condition: Callable[[dt.datetime], ColumnElement[bool]]
    # (table, column referencing `key`): rows deleted together with each batch, first
    children: tuple[tuple[str, str], ...] = ()


def rules() -> list[Rule]:
    """What each table keeps; order matters (children before parents)."""
    return [
        # A comment's domain mentions go with it, in the same batch: picking mentions by
        # "comment_id IN (old comments)" re-read every old comment on every batch.
        Rule(
            "comments",
            t.comments.c.id,
            lambda cutoff: t.comments.c.harvested_at < cutoff,
            children=(("domain_mentions", "comment_id"),),
        ),
        # A video goes once none of its comments is kept (the comments rule runs first; counting
        # only kept comments also makes the dry run predict the videos the real run deletes).
        Rule(
            "videos",
            t.videos.c.id,
            lambda cutoff: and_(
                t.videos.c.last_seen_at < cutoff,
                t.videos.c.harvest_state.in_(("done", "failed")),
                not_(
                    select(t.comments.c.id)
                    .where(t.comments.c.video_id == t.videos.c.id, t.comments.c.harvested_at >= cutoff)
                    .exists()
                ),
            ),
        ),
        Rule("system_logs", t.system_logs.c.id, lambda cutoff: t.system_logs.c.created_at < cutoff),
        Rule(
            "job_status",
            t.job_status.c.id,
            lambda cutoff: and_(t.job_status.c.started_at < cutoff, t.job_status.c.status != "running"),
        ),
        Rule(
            "dead_letter_queue",
            t.dead_letter_queue.c.id,
            lambda cutoff: and_(
                t.dead_letter_queue.c.status.in_(("resolved", "discarded")),
                or_(
                    t.dead_letter_queue.c.resolved_at < cutoff,
                    and_(t.dead_letter_queue.c.resolved_at.is_(None), t.dead_letter_queue.c.updated_at < cutoff),
                ),
            ),
        ),
        Rule("api_usage", t.api_usage.c.day, lambda cutoff: t.api_usage.c.day < cutoff.strftime("%Y-%m-%d")),
    ]


def count(store: Store, cutoff: dt.datetime) -> dict[str, int]:
    """How many rows each table would lose (the dry run: a read transaction, no write lock)."""
    result = {}
    with store.read() as conn:
        for rule in rules():
            table = t.metadata.tables[rule.table]
            for child, column in rule.children:
                ctable = t.metadata.tables[child]
                result[child] = (
                    conn.execute(
                        select(func.count())
                        .select_from(ctable)
                        .where(ctable.c[column].in_(select(rule.key).where(rule.condition(cutoff))))
                    ).scalar()
                    or 0
                )
            result[rule.table] = (
                conn.execute(select(func.count()).select_from(table).where(rule.condition(cutoff))).scalar() or 0
            )
    return result


def purge(
    store: Store,
    cutoff: dt.datetime,
    *,
    batch_size: int = BATCH_SIZE,
    checkpoint: Callable[[], None] = lambda: None,
    progress: Callable[[str, int], None] = lambda table, n: None,
    pause: Callable[[float], None] | None = None,
) -> dict[str, int]:
    """Delete in batches of `batch_size` rows (and their children), one short transaction each.

    `pause(seconds_the_batch_took)` runs between batches; by default it sleeps on SQLite
    (see SQLITE_PAUSE_*) and does nothing on PostgreSQL, whose row locks do not block inserts.
    """
    if pause is None:
        pause = _sqlite_pause if store.dialect == "sqlite" else (lambda elapsed: None)
    deleted: dict[str, int] = {}
    for rule in rules():
        table = t.metadata.tables[rule.table]
        for child, _column in rule.children:
            deleted.setdefault(child, 0)
        deleted[rule.table] = 0
        while True:
            checkpoint()
            started = time.monotonic()
            counts: dict[str, int] = {}
            with store.tx() as conn:
                ids = conn.execute(select(rule.key).where(rule.condition(cutoff)).limit(batch_size)).scalars().all()
                if ids:
                    for child, column in rule.children:
                        ctable = t.metadata.tables[child]
                        counts[child] = conn.execute(delete(ctable).where(ctable.c[column].in_(ids))).rowcount
                    counts[rule.table] = conn.execute(delete(table).where(rule.key.in_(ids))).rowcount
            for name, n in counts.items():
                deleted[name] += n
                if n:
                    progress(name, n)
            if ids:
                pause(time.monotonic() - started)
            if len(ids) < batch_size:
                break
    return deleted


def _sqlite_pause(elapsed: float) -> None:
    time.sleep(min(max(elapsed * SQLITE_PAUSE_RATIO, SQLITE_PAUSE_MIN_SECONDS), SQLITE_PAUSE_MAX_SECONDS))


def cutoff_for(store: Store, days: int) -> dt.datetime:
    return store.now() - dt.timedelta(days=days)
