"""The domains report: mentions (comments) and videos per domain, first and last seen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from harvester_cli.store.base import Store
from harvester_cli.store.tables import comments, domain_mentions as dm, domains


def report(store: Store, *, since: dt.datetime | None, top: int | None, video_id: int | None) -> list[dict[str, Any]]:
    """Domains ordered by mentions; counts are within the window, first/last seen are overall."""
    counts = select(dm.c.domain, func.count(dm.c.comment_id.distinct()).label("mentions"),
                    func.count(dm.c.video_id.distinct()).label("videos"),
                    func.min(dm.c.seen_at).label("window_first"), func.max(dm.c.seen_at).label("window_last"))
    if since is not None:
        counts = counts.where(dm.c.seen_at >= since)
    if video_id is not None:
        counts = counts.where(dm.c.video_id == video_id)
    counts = counts.group_by(dm.c.domain).subquery()
    query = (select(counts.c.domain, counts.c.mentions, counts.c.videos, domains.c.first_seen, domains.c.last_seen)
             .join(domains, domains.c.domain == counts.c.domain)
             .order_by(counts.c.mentions.desc(), counts.c.videos.desc(), counts.c.domain))
    if top:
        query = query.limit(top)
    with store.read() as conn:
        return [dict(r) for r in conn.execute(query).mappings().all()]


def samples(store: Store, names: list[str]) -> dict[str, dict[str, Any]]:
    """One recent comment per domain: the form as written and the comment text."""
    if not names:
        return {}
    latest = (select(dm.c.domain, func.max(dm.c.comment_id).label("comment_id"))
              .where(dm.c.domain.in_(names)).group_by(dm.c.domain).subquery())
    query = (select(latest.c.domain, dm.c.written, comments.c.text)
             .join(dm, (dm.c.domain == latest.c.domain) & (dm.c.comment_id == latest.c.comment_id))
             .join(comments, comments.c.id == latest.c.comment_id))
    with store.read() as conn:
        return {d: {"written": w, "text": t} for d, w, t in conn.execute(query).all()}
