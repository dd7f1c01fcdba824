"""`videos`: discovered promoted videos and their harvest queue (claims are leases)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Sequence

from sqlalchemy import select, update

from harvester_cli.models import Video
from harvester_cli.store import dlq as dlq_store
from harvester_cli.store.base import Store, storable
from harvester_cli.store.tables import videos
from harvester_cli.store.upsert import insert_ignore


def _created(ts: int | None) -> dt.datetime | None:
    if ts is None:
        return None
    try:
        return dt.datetime.fromtimestamp(int(ts), dt.timezone.utc).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None


def _region(code: str | None) -> str | None:
    """A region code as the column holds it (at most 8 characters); anything longer is not one."""
    return storable(code) if code is None or len(code) <= 8 else None


def upsert_discovered(store: Store, found: Sequence[Video], source: str, *, force_refresh: bool) -> dict[str, int]:
    """Insert new videos as queued; refresh known ones; with force_refresh re-queue them."""
    if not found:
        return {"new": 0, "known": 0, "requeued": 0}
    now = store.now()
    rows = [{
        "id": v.id, "source": source, "username": storable(v.username), "description": storable(v.description),
        "hashtags": storable(json.dumps(list(v.hashtags), ensure_ascii=False)), "region_code": _region(v.region_code),
        "video_tag": json.dumps(v.video_tag) if v.video_tag is not None else None,
        "created_at": _created(v.create_time), "promoted_reason": storable(v.promoted_reason) or "",
        "discovered_at": now, "last_seen_at": now, "harvest_state": "queued",
    } for v in {v.id: v for v in found}.values()]
    ids = [r["id"] for r in rows]
    with store.tx() as conn:
        known = {i for (i,) in conn.execute(select(videos.c.id).where(videos.c.id.in_(ids))).all()}
        insert_ignore(conn, videos, [r for r in rows if r["id"] not in known], ["id"])
        requeued = 0
        for row in rows:
            if row["id"] not in known:
                continue
            values = {k: row[k] for k in ("username", "description", "hashtags", "region_code", "video_tag",
                                          "promoted_reason") if row[k] is not None}
            values["last_seen_at"] = now
            conn.execute(update(videos).where(videos.c.id == row["id"]).values(**values))
        if force_refresh and known:
            requeued = conn.execute(
                update(videos).where(videos.c.id.in_(known), videos.c.harvest_state.in_(("done", "failed")))
                .values(harvest_state="queued", claimed_by=None, claim_expires_at=None)
            ).rowcount
    return {"new": len(rows) - len(known), "known": len(known), "requeued": requeued}


def claim(store: Store, run_id: int, limit: int, lease_until: dt.datetime,
          video_ids: Sequence[int] | None = None) -> list[int]:
    """Claim up to `limit` queued videos (or expired leases) for this run; never the same video twice."""
    now = store.now()
    # Two picks rather than one OR, so each walks an index instead of sorting the whole queue:
    # leases that expired (a crashed run on another host) first, then the oldest queued.
    expired = select(videos.c.id).where(videos.c.harvest_state == "in_progress",
                                        videos.c.claim_expires_at < now)
    queued = select(videos.c.id).where(videos.c.harvest_state == "queued")
    if video_ids:
        expired = expired.where(videos.c.id.in_(list(video_ids)))
        queued = queued.where(videos.c.id.in_(list(video_ids)))
    picks = [expired.order_by(videos.c.id).with_for_update(skip_locked=True),
             queued.order_by(videos.c.discovered_at, videos.c.id).with_for_update(skip_locked=True)]
    with store.tx() as conn:
        ids: list[int] = []
        for pick in picks:
            if len(ids) < limit:
                ids += [i for (i,) in conn.execute(pick.limit(limit - len(ids))).all()]
        if not ids:
            return []
        conn.execute(
            update(videos).where(videos.c.id.in_(ids))
            .values(harvest_state="in_progress", claimed_by=run_id, claim_expires_at=lease_until,
                    harvest_attempts=videos.c.harvest_attempts + 1)
        )
    return ids


def requeue(store: Store, ids: Sequence[int]) -> int:
    """Put videos back in the queue (a dead-letter replay); claimed ones are left alone."""
    with store.tx() as conn:
        return conn.execute(
            update(videos).where(videos.c.id.in_(list(ids)), videos.c.harvest_state.in_(("done", "failed", "queued")))
            .values(harvest_state="queued", claimed_by=None, claim_expires_at=None)
        ).rowcount


def existing(store: Store, ids: Sequence[int]) -> set[int]:
    with store.read() as conn:
        return {i for (i,) in conn.execute(select(videos.c.id).where(videos.c.id.in_(list(ids)))).all()}


def finish_harvest(conn, store: Store, video_id: int, run_id: int, *, pages: int) -> bool:
    """Mark a claimed video done (inside the transaction that stored its comments)."""
    now = store.now()
    done = conn.execute(
        update(videos).where(videos.c.id == video_id, videos.c.claimed_by == run_id)
        .values(harvest_state="done", claimed_by=None, claim_expires_at=None, harvested_at=now,
                comment_pages=pages, last_error=None)
    ).rowcount == 1
    if done:
        dlq_store.resolve_key(store, "harvesting", str(video_id), conn=conn)
    return done


def fail_harvest(store: Store, video_id: int, run_id: int, error: str) -> None:
    with store.tx() as conn:
        conn.execute(
            update(videos).where(videos.c.id == video_id, videos.c.claimed_by == run_id)
            .values(harvest_state="failed", claimed_by=None, claim_expires_at=None, last_error=error[:2000])
        )


def release_one(store: Store, video_id: int, run_id: int) -> None:
    with store.tx() as conn:
        conn.execute(
            update(videos).where(videos.c.id == video_id, videos.c.claimed_by == run_id)
            .values(harvest_state="queued", claimed_by=None, claim_expires_at=None)
        )


def get(store: Store, video_id: int) -> dict[str, Any] | None:
    with store.read() as conn:
        row = conn.execute(select(videos).where(videos.c.id == video_id)).mappings().first()
    return dict(row) if row else None
