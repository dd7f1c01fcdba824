"""Retention cleanup: delete what is older than the retention period, in small batches.

Never removed: unresolved dead-letter items, running runs, and the domains found.
Each batch is its own short transaction, so a large table never holds a long write lock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import and_, delete, func, not_, or_, select

from harvester_cli.store import tables as t
from harvester_cli.store.base import Store

BATCH_SIZE = 5000


@dataclass(frozen=True)
class Rule:
    table: str
    key: object  # the column used to pick a batch
    condition: Callable[[dt.datetime], object]


def rules() -> list[Rule]:
    """What each table keeps; order matters (children before parents)."""
    return [
        Rule("domain_mentions", t.domain_mentions.c.comment_id,
             lambda cutoff: t.domain_mentions.c.comment_id.in_(
                 select(t.comments.c.id).where(t.comments.c.harvested_at < cutoff))),
        Rule("comments", t.comments.c.id, lambda cutoff: t.comments.c.harvested_at < cutoff),
        Rule("videos", t.videos.c.id, lambda cutoff: and_(
            t.videos.c.last_seen_at < cutoff,
            t.videos.c.harvest_state.in_(("done", "failed")),
            not_(select(t.comments.c.id).where(t.comments.c.video_id == t.videos.c.id).exists()))),
        Rule("system_logs", t.system_logs.c.id, lambda cutoff: t.system_logs.c.created_at < cutoff),
        Rule("job_status", t.job_status.c.id, lambda cutoff: and_(
            t.job_status.c.started_at < cutoff, t.job_status.c.status != "running")),
        Rule("dead_letter_queue", t.dead_letter_queue.c.id, lambda cutoff: and_(
            t.dead_letter_queue.c.status.in_(("resolved", "discarded")),
            or_(t.dead_letter_queue.c.resolved_at < cutoff,
                and_(t.dead_letter_queue.c.resolved_at.is_(None), t.dead_letter_queue.c.updated_at < cutoff)))),
        Rule("api_usage", t.api_usage.c.day, lambda cutoff: t.api_usage.c.day < cutoff.strftime("%Y-%m-%d")),
    ]


def count(store: Store, cutoff: dt.datetime) -> dict[str, int]:
    """How many rows each table would lose (the dry run)."""
    result = {}
    with store.tx() as conn:
        for rule in rules():
            table = t.metadata.tables[rule.table]
            result[rule.table] = conn.execute(select(func.count()).select_from(table)
                                              .where(rule.condition(cutoff))).scalar() or 0
    return result


def purge(store: Store, cutoff: dt.datetime, *, batch_size: int = BATCH_SIZE,
          checkpoint: Callable[[], None] = lambda: None,
          progress: Callable[[str, int], None] = lambda table, n: None) -> dict[str, int]:
    """Delete in batches of `batch_size` rows, one short transaction each."""
    deleted: dict[str, int] = {}
    for rule in rules():
        table = t.metadata.tables[rule.table]
        total = 0
        while True:
            checkpoint()
            with store.tx() as conn:
                batch = select(rule.key).where(rule.condition(cutoff)).limit(batch_size)
                if rule.table == "domain_mentions":
                    ids = [r[0] for r in conn.execute(batch.distinct()).all()]
                else:
                    ids = [r[0] for r in conn.execute(batch).all()]
                if ids:
                    conn.execute(delete(table).where(rule.key.in_(ids)))
            total += len(ids)
            if ids:
                progress(rule.table, len(ids))
            if len(ids) < batch_size:
                break
        deleted[rule.table] = total
    return deleted


def cutoff_for(store: Store, days: int) -> dt.datetime:
    return store.now() - dt.timedelta(days=days)
