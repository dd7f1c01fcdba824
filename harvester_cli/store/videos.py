"""`videos`: discovered promoted videos and their harvest queue (claims are leases)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, or_, select, update

from harvester_cli.models import Video
from harvester_cli.store import dlq as dlq_store
from harvester_cli.store.base import Store, storable
from harvester_cli.store.tables import videos
from harvester_cli.store.upsert import insert_ignore


def _created(ts: int | None) -> dt.datetime | None:
    if ts is None:
        return None
    try:
        return dt.datetime.fromtimestamp(int(ts), dt.UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None


def _region(code: str | None) -> str | None:
    """A region code as the column holds it (at most 8 characters); anything longer is not one."""
    return storable(code) if code is None or len(code) <= 8 else None


def upsert_discovered(
    store: Store, found: Sequence[Video], source: str, *, force_refresh: bool, conn=None
) -> dict[str, int]:
    """Insert new videos as queued; refresh known ones; with force_refresh re-queue them.

    With `conn`, inside the caller's transaction (discovery writes a page's videos and its
    ledger progress together)."""
    if not found:
        return {"new": 0, "known": 0, "requeued": 0}
    if conn is None:
        with store.tx() as own:
            return upsert_discovered(store, found, source, force_refresh=force_refresh, conn=own)
    now = store.now()
    rows = [
        {
            "id": v.id,
            "source": source,
            "username": storable(v.username),
            "description": storable(v.description),
            "hashtags": storable(json.dumps(list(v.hashtags), ensure_ascii=False)),
            "region_code": _region(v.region_code),
            "video_tag": json.dumps(v.video_tag) if v.video_tag is not None else None,
            "created_at": _created(v.create_time),
            "promoted_reason": storable(v.promoted_reason) or "",
            "discovered_at": now,
            "last_seen_at": now,
            "harvest_state": "queued",
            "comment_count": v.comment_count if v.comment_count is None or 0 <= v.comment_count < 2**63 else None,
        }
        for v in {v.id: v for v in found}.values()
    ]
    ids = [r["id"] for r in rows]
    known = {i for (i,) in conn.execute(select(videos.c.id).where(videos.c.id.in_(ids))).all()}
    insert_ignore(conn, videos, [r for r in rows if r["id"] not in known], ["id"])
    requeued = 0
    for row in rows:
        if row["id"] not in known:
            continue
        values = {
            k: row[k]
            for k in (
                "username",
                "description",
                "hashtags",
                "region_code",
                "video_tag",
                "promoted_reason",
                "comment_count",
            )
            if row[k] is not None
        }
        values["last_seen_at"] = now
        conn.execute(update(videos).where(videos.c.id == row["id"]).values(**values))
    if force_refresh and known:
        requeued = conn.execute(
            update(videos)
            .where(videos.c.id.in_(known), videos.c.harvest_state.in_(("done", "failed")))
            .values(
                harvest_state="queued", claimed_by=None, claim_expires_at=None, comment_cursor=None, comment_pages=0
            )
        ).rowcount
    return {"new": len(rows) - len(known), "known": len(known), "requeued": requeued}


@dataclass(frozen=True)
class Claimed:
    """A video claimed for harvesting, with where its comments resume."""

    id: int
    cursor: int | None  # None: from the first page
    pages: int  # pages stored already


_HARVESTABLE = or_(videos.c.comment_count.is_(None), videos.c.comment_count > 0)


def harvestable_count(store: Store, at_most: int | None = None) -> int:
    """Queued videos a harvest would fetch (those that reported 0 comments wait for discovery)."""
    query = select(videos.c.id).where(videos.c.harvest_state == "queued", _HARVESTABLE)
    if at_most is not None:
        query = query.limit(at_most)
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(query.subquery())).scalar() or 0


def _yield_order(max_pages: int):
    """Most expected new comments first (capped at what `max_pages` can bring), then newest."""
    cap = max(1, max_pages) * 100
    left = videos.c.comment_count - func.coalesce(videos.c.comment_cursor, 0)
    expected = case((videos.c.comment_count.is_(None), cap), (left > cap, cap), else_=left)
    return [expected.desc(), case((videos.c.created_at.is_(None), 1), else_=0), videos.c.created_at.desc(), videos.c.id]


def claim(
    store: Store,
    run_id: int,
    limit: int,
    lease_until: dt.datetime,
    video_ids: Sequence[int] | None = None,
    *,
    order: str = "fifo",
    max_pages: int = 2,
) -> list[Claimed]:
    """Claim up to `limit` queued videos (or expired leases) for this run; never the same video twice.

    Without `video_ids`, videos that reported 0 comments are left queued. `order`: fifo (oldest
    discovered first) or yield (`_yield_order`)."""
    now = store.now()
    # Two picks rather than one OR, so each walks an index instead of sorting the whole queue:
    # leases that expired (a crashed run on another host) first, then the queue.
    expired = select(videos.c.id).where(videos.c.harvest_state == "in_progress", videos.c.claim_expires_at < now)
    queued = select(videos.c.id).where(videos.c.harvest_state == "queued")
    if video_ids:
        expired = expired.where(videos.c.id.in_(list(video_ids)))
        queued = queued.where(videos.c.id.in_(list(video_ids)))
    else:
        queued = queued.where(_HARVESTABLE)
    ordering = _yield_order(max_pages) if order == "yield" else [videos.c.discovered_at, videos.c.id]
    picks = [
        expired.order_by(videos.c.id).with_for_update(skip_locked=True),
        queued.order_by(*ordering).with_for_update(skip_locked=True),
    ]
    with store.tx() as conn:
        ids: list[int] = []
        for pick in picks:
            if len(ids) < limit:
                ids += [i for (i,) in conn.execute(pick.limit(limit - len(ids))).all()]
        if not ids:
            return []
        conn.execute(
            update(videos)
            .where(videos.c.id.in_(ids))
            .values(
                harvest_state="in_progress",
                claimed_by=run_id,
                claim_expires_at=lease_until,
                harvest_attempts=videos.c.harvest_attempts + 1,
            )
        )
        where = {
            i: (c, p)
            for i, c, p in conn.execute(
                select(videos.c.id, videos.c.comment_cursor, videos.c.comment_pages).where(videos.c.id.in_(ids))
            ).all()
        }
    return [Claimed(i, where[i][0], where[i][1] or 0) for i in ids]


def finish_empty(store: Store, posted_before: dt.datetime) -> int:
    """Finish queued videos that reported 0 comments and were posted before `posted_before`."""
    with store.tx() as conn:
        return conn.execute(
            update(videos)
            .where(videos.c.harvest_state == "queued", videos.c.comment_count == 0, videos.c.created_at < posted_before)
            .values(harvest_state="done", harvested_at=store.now(), last_error=None)
        ).rowcount


def requeue(store: Store, ids: Sequence[int]) -> int:
    """Put videos back in the queue (a dead-letter replay); claimed ones are left alone."""
    with store.tx() as conn:
        return conn.execute(
            update(videos)
            .where(videos.c.id.in_(list(ids)), videos.c.harvest_state.in_(("done", "failed", "queued")))
            .values(harvest_state="queued", claimed_by=None, claim_expires_at=None)
        ).rowcount


def existing(store: Store, ids: Sequence[int]) -> set[int]:
    with store.read() as conn:
        return {i for (i,) in conn.execute(select(videos.c.id).where(videos.c.id.in_(list(ids)))).all()}


def save_page(conn, store: Store, video_id: int, run_id: int, *, cursor: int | None, last: bool) -> bool:
    """Record one stored comment page of a claimed video (inside the transaction that stored its
    comments): where the next page starts, and with `last` the video is done."""
    now = store.now()
    values: dict[str, Any] = {"comment_pages": videos.c.comment_pages + 1, "comment_cursor": cursor}
    if last:
        values.update(harvest_state="done", claimed_by=None, claim_expires_at=None, harvested_at=now, last_error=None)
    saved = (
        conn.execute(
            update(videos).where(videos.c.id == video_id, videos.c.claimed_by == run_id).values(**values)
        ).rowcount
        == 1
    )
    if saved and last:
        dlq_store.resolve_key(store, "harvesting", str(video_id), conn=conn)
    return saved


def finish_harvest(conn, store: Store, video_id: int, run_id: int) -> bool:
    """Mark a claimed video done without a new page (nothing left to fetch)."""
    done = (
        conn.execute(
            update(videos)
            .where(videos.c.id == video_id, videos.c.claimed_by == run_id)
            .values(
                harvest_state="done", claimed_by=None, claim_expires_at=None, harvested_at=store.now(), last_error=None
            )
        ).rowcount
        == 1
    )
    if done:
        dlq_store.resolve_key(store, "harvesting", str(video_id), conn=conn)
    return done


def fail_harvest(store: Store, video_id: int, run_id: int, error: str) -> None:
    with store.tx() as conn:
        conn.execute(
            update(videos)
            .where(videos.c.id == video_id, videos.c.claimed_by == run_id)
            .values(harvest_state="failed", claimed_by=None, claim_expires_at=None, last_error=error[:2000])
        )


def release_one(store: Store, video_id: int, run_id: int) -> None:
    with store.tx() as conn:
        conn.execute(
            update(videos)
            .where(videos.c.id == video_id, videos.c.claimed_by == run_id)
            .values(harvest_state="queued", claimed_by=None, claim_expires_at=None)
        )


def get(store: Store, video_id: int) -> dict[str, Any] | None:
    with store.read() as conn:
        row = conn.execute(select(videos).where(videos.c.id == video_id)).mappings().first()
    return dict(row) if row else None
