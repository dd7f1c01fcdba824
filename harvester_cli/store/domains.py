"""The domains report: mentions (comments) and videos per domain, first and last seen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from harvester_cli.store.base import Store
from harvester_cli.store.tables import comments, domain_mentions as dm, domains


def report(store: Store, *, since: dt.datetime | None, top: int | None, video_id: int | None) -> list[dict[str, Any]]:
    """Domains ordered by mentions; counts are within the window, first/last seen are overall.

    With `video_id` everything comes from that video's mentions only: the counts, and first
    and last seen (over all of the video's mentions, like the overall ones).
    """
    counts = select(dm.c.domain, func.count(dm.c.comment_id.distinct()).label("mentions"),
                    func.count(dm.c.video_id.distinct()).label("videos"))
    if since is not None:
        counts = counts.where(dm.c.seen_at >= since)
    if video_id is not None:
        counts = counts.where(dm.c.video_id == video_id)
    counts = counts.group_by(dm.c.domain).subquery()
    if video_id is None:
        seen = domains
    else:
        seen = (select(dm.c.domain, func.min(dm.c.seen_at).label("first_seen"),
                       func.max(dm.c.seen_at).label("last_seen"))
                .where(dm.c.video_id == video_id).group_by(dm.c.domain).subquery())
    query = (select(counts.c.domain, counts.c.mentions, counts.c.videos, seen.c.first_seen, seen.c.last_seen)
             .join(seen, seen.c.domain == counts.c.domain)
             .order_by(counts.c.mentions.desc(), counts.c.videos.desc(), counts.c.domain))
    if top:
        query = query.limit(top)
    with store.read() as conn:
        return [dict(r) for r in conn.execute(query).mappings().all()]


def samples(store: Store, names: list[str], *, video_id: int | None = None) -> dict[str, dict[str, Any]]:
    """One recent comment per domain (of that video only, with `video_id`): the form as written
    and the comment text."""
    if not names:
        return {}
    latest = select(dm.c.domain, func.max(dm.c.comment_id).label("comment_id")).where(dm.c.domain.in_(names))
    if video_id is not None:
        latest = latest.where(dm.c.video_id == video_id)
    latest = latest.group_by(dm.c.domain).subquery()
    query = (select(latest.c.domain, dm.c.written, comments.c.text)
             .join(dm, (dm.c.domain == latest.c.domain) & (dm.c.comment_id == latest.c.comment_id))
             .join(comments, comments.c.id == latest.c.comment_id))
    with store.read() as conn:
        return {d: {"written": w, "text": t} for d, w, t in conn.execute(query).all()}
