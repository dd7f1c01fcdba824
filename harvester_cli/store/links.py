"""The links report: each mention's link as written, normalised (`domain_mentions.link`), with
mentions, videos, first and last seen and a sample comment per link.

`extract` writes each mention's link with it; the rows of a store upgraded to 0003 (and any
written by an older `extract` still running during the upgrade) get theirs here, from
`written`: `pending` and `save_links`, which `services/links.normalise` drives before every
report and which then finds nothing to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, DateTime, bindparam, case, func, literal_column, select, update

from harvester_cli.store.base import Store, storable
from harvester_cli.store.domains import DomainFilter, reading, top_groups
from harvester_cli.store.tables import comments
from harvester_cli.store.tables import domain_mentions as dm

#: (domain, link) pairs looked up per statement
CHUNK = 400


def pending(store: Store, *, limit: int) -> list[tuple[int, str, str]]:
    """(comment_id, domain, written) of up to `limit` mentions without a link, in key order."""
    # by comment_id alone: through the partial index of exactly these rows (ordered by the
    # whole key, SQLite scanned the key's index instead)
    query = (
        select(dm.c.comment_id, dm.c.domain, dm.c.written)
        .where(dm.c.link.is_(None))
        .order_by(dm.c.comment_id)
        .limit(limit)
    )
    with reading(store) as conn:
        return [tuple(r) for r in conn.execute(query).all()]


def save_links(store: Store, rows: Iterable[tuple[int, str, str]]) -> int:
    """Write (comment_id, domain, link) for mentions that still have no link; returns rows written."""
    params = [{"c": c, "d": d, "link": storable(link)} for c, d, link in rows]
    if not params:
        return 0
    stmt = (
        update(dm)
        .where(dm.c.comment_id == bindparam("c"), dm.c.domain == bindparam("d"), dm.c.link.is_(None))
        .values(link=bindparam("link"))
    )
    with store.tx() as conn:
        result = conn.execute(stmt, params)
        return max(result.rowcount or 0, 0)


def report(
    store: Store,
    *,
    since: dt.datetime | None,
    top: int | None,
    video_id: int | None,
    domain: str | None,
    only: DomainFilter | None = None,
) -> list[dict[str, Any]]:
    """Links ordered by mentions (comments), then videos; counts are within the window and of
    that video, first/last seen over all of the link's mentions (of that video, with `video_id`).

    With `top`, the links are picked by mentions (`domains.top_groups`: one pass over the
    (domain, link, seen_at, video_id) index, ties at the last place included) and their videos,
    first and last seen looked up for those links only: counting distinct videos and comparing
    times for every link of a large store would cost more than the whole report may.
    """
    where: list[ColumnElement[bool]] = [dm.c.link.is_not(None)]
    if since is not None:
        where.append(dm.c.seen_at >= since)
    if video_id is not None:
        where.append(dm.c.video_id == video_id)
    if domain is not None:
        where.append(dm.c.domain == domain)
    if only is not None:
        where.append(only.clause(dm.c.domain))
    # a link's host is under its domain: grouping by (domain, link) is grouping by link, in the
    # order of the (domain, link, seen_at, video_id) index
    if top:
        with reading(store) as conn:
            picked = top_groups(conn, [dm.c.domain, dm.c.link], where, top)
        rows = [{"domain": d, "link": link, "mentions": n} for d, link, n in picked]
        details = _details(store, [(r["domain"], r["link"]) for r in rows], since=since, video_id=video_id)
        for r in rows:
            r["videos"], r["first_seen"], r["last_seen"] = details.get((r["domain"], r["link"]), (0, None, None))
        rows.sort(key=lambda r: (-r["mentions"], -r["videos"], r["link"]))
        return rows[:top]
    query = (
        select(
            dm.c.domain,
            dm.c.link,
            func.count().label("mentions"),
            func.count(dm.c.video_id.distinct()).label("videos"),
            func.min(dm.c.seen_at).label("first_seen"),
            func.max(dm.c.seen_at).label("last_seen"),
        )
        .where(*where)
        .group_by(dm.c.domain, dm.c.link)
    )
    with reading(store) as conn:
        rows = [dict(r) for r in conn.execute(query).mappings().all()]
    if since is not None and rows:  # first and last seen over all the link's mentions
        details = _details(store, [(r["domain"], r["link"]) for r in rows], since=None, video_id=video_id)
        for r in rows:
            _, r["first_seen"], r["last_seen"] = details.get(
                (r["domain"], r["link"]), (0, r["first_seen"], r["last_seen"])
            )
    rows.sort(key=lambda r: (-r["mentions"], -r["videos"], r["link"]))
    return rows


def _details(
    store: Store, pairs: list[tuple[str, str]], *, since: dt.datetime | None, video_id: int | None
) -> dict[tuple[str, str], tuple[int, dt.datetime, dt.datetime]]:
    """(videos within the window, first seen, last seen) of each (domain, link), over the
    mentions of that video with `video_id`."""
    out: dict[tuple[str, str], tuple[int, dt.datetime, dt.datetime]] = {}
    videos = dm.c.video_id if since is None else case((dm.c.seen_at >= since, dm.c.video_id))
    with reading(store) as conn:
        for start in range(0, len(pairs), CHUNK):
            chunk = pairs[start : start + CHUNK]
            query = (
                select(
                    dm.c.domain,
                    dm.c.link,
                    func.count(videos.distinct()),
                    func.min(dm.c.seen_at),
                    func.max(dm.c.seen_at),
                )
                .where(
                    dm.c.domain.in_(sorted({d for d, _ in chunk})), dm.c.link.in_(sorted({link for _, link in chunk}))
                )
                .group_by(dm.c.domain, dm.c.link)
            )
            if video_id is not None:
                query = query.where(dm.c.video_id == video_id)
            wanted = set(chunk)
            for d, link, n, first, last in conn.execute(query).all():
                if (d, link) in wanted:
                    out[(d, link)] = (n, first, last)
    return out


def samples(
    store: Store, pairs: list[tuple[str, str]], *, since: dt.datetime | None = None, video_id: int | None = None
) -> dict[tuple[str, str], dict[str, Any]]:
    """The most recent comment of each (domain, link) (within the window, of that video): its
    id, the form as written and its text."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    with reading(store) as conn:
        for d, link in pairs:
            query = (
                select(dm.c.comment_id, dm.c.written, comments.c.text)
                .join(comments, comments.c.id == dm.c.comment_id)
                .where(dm.c.domain == d, dm.c.link == link)
            )
            if since is not None:
                query = query.where(dm.c.seen_at >= since)
            if video_id is not None:
                query = query.where(dm.c.video_id == video_id)
            # the latest by seen_at alone: read backwards along the (domain, link, seen_at) index
            row = conn.execute(query.order_by(dm.c.seen_at.desc()).limit(1)).first()
            if row is not None:
                out[(d, link)] = {"comment_id": row[0], "written": row[1], "text": row[2]}
    return out


def _harvested(start: dt.datetime, end: dt.datetime):
    """Mentions joined to their comments, those harvested in [start, end)."""
    return (
        dm.join(comments, comments.c.id == dm.c.comment_id),
        [comments.c.harvested_at >= start, comments.c.harvested_at < end],
    )


def harvested_counts(store: Store, *, start: dt.datetime, end: dt.datetime) -> list[tuple]:
    """The digest's pass over the mentions of the comments harvested in [start, end): per link
    (None: not normalised yet), (domain, link, mentions, distinct videos, first seen, last seen,
    the latest comment's id)."""
    source, where = _harvested(start, end)
    query = (
        select(
            dm.c.domain,
            dm.c.link,
            func.count(),
            func.count(dm.c.video_id.distinct()),
            func.min(dm.c.seen_at),
            func.max(dm.c.seen_at),
            func.max(dm.c.comment_id),
        )
        .select_from(source)
        .where(*where)
        .group_by(dm.c.domain, dm.c.link)
    )
    with reading(store) as conn:
        return [tuple(r) for r in conn.execute(query).all()]


def harvested_domain_counts(store: Store, *, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """Mentions per domain in the comments harvested in [start, end): read from the indexes
    alone (comments by harvest time, the mentions' key), no mention row."""
    source, where = _harvested(start, end)
    query = select(dm.c.domain, func.count()).select_from(source).where(*where).group_by(dm.c.domain)
    with reading(store) as conn:
        return dict(conn.execute(query).all())


def comment_texts(store: Store, ids: list[int]) -> dict[int, str]:
    """The text of each comment."""
    out: dict[int, str] = {}
    with reading(store) as conn:
        for at in range(0, len(ids), CHUNK):
            out.update(
                dict(
                    conn.execute(
                        select(comments.c.id, comments.c.text).where(comments.c.id.in_(ids[at : at + CHUNK]))
                    ).all()
                )
            )
    return out


def harvested_videos(store: Store, names: list[str], *, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """Distinct videos of each domain among the comments harvested in [start, end)."""
    source, where = _harvested(start, end)
    out: dict[str, int] = {}
    with reading(store) as conn:
        for at in range(0, len(names), CHUNK):
            query = (
                select(dm.c.domain, func.count(dm.c.video_id.distinct()))
                .select_from(source)
                .where(*where, dm.c.domain.in_(names[at : at + CHUNK]))
                .group_by(dm.c.domain)
            )
            out.update(dict(conn.execute(query).all()))
    return out


def harvested_pending(store: Store, *, before: dt.datetime) -> int:
    """Comments harvested before `before` that `extract` has not read yet."""
    with reading(store) as conn:
        harvested: ColumnElement[dt.datetime] = comments.c.harvested_at
        if conn.dialect.name == "sqlite":
            # +harvested_at: not through its index, so SQLite reads the (few) pending comments
            # through their partial index instead of every comment harvested before `before`
            harvested = literal_column("+comments.harvested_at", DateTime)
        query = select(func.count()).select_from(comments).where(comments.c.extracted_at.is_(None), harvested < before)
        return conn.execute(query).scalar_one()
