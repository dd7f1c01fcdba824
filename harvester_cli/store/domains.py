"""The domains reports: mentions (comments) and videos per domain, first and last seen; the
domains first seen in a window (`--new`) and those mentioned more than in the window before
(`--rising`).

A category filter is a `DomainFilter`: the category's domains and the public suffixes whose
registrable domains belong to it (`*.myshopify.com`), applied in SQL before counting and
`--top`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, FromClause, case, cast, false, func, literal, or_, select

from harvester_cli.store.base import Store
from harvester_cli.store.tables import comments, domains
from harvester_cli.store.tables import domain_mentions as dm

#: domains looked up per statement
CHUNK = 500
#: PostgreSQL: the memory each sort or hash of a report may use, in the report's own transaction
#: (the default 4 MB made grouping a million mentions sort on disk, in parallel workers that
#: compete for the same two cores: twice as slow)
REPORT_WORK_MEM = "64MB"
#: groups read beyond --top, to find the ties at the last place in the same pass
TIES = 200


@dataclass(frozen=True)
class DomainFilter:
    """Registrable domains by name or by public suffix (a category's members)."""

    names: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()

    def clause(self, column):
        parts = []
        if self.names:
            parts.append(column.in_(self.names))
        parts.extend(column.like("%." + suffix) for suffix in self.suffixes)
        return or_(*parts) if parts else false()


@contextlib.contextmanager
def reading(store: Store) -> Iterator[Any]:
    """A read transaction for a report (on PostgreSQL with REPORT_WORK_MEM, SET LOCAL)."""
    with store.read() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        yield conn


def _filtered(query, column, only: DomainFilter | None):
    return query if only is None else query.where(only.clause(column))


def top_groups(conn, keys: list, where: list, top: int) -> list[tuple]:
    """The groups (of `keys`) with the `top` most rows under `where`, ties at the last place
    included: [(*key, mentions)], in no particular order. Counting rows alone, this is one pass
    over an index; the caller then looks up the rest for these groups only."""
    count = func.count()
    base = select(*keys, count.label("mentions")).where(*where).group_by(*keys)
    rows = conn.execute(base.order_by(count.desc(), *keys).limit(top + TIES)).all()
    if len(rows) <= top:
        return [tuple(r) for r in rows]
    last = rows[top - 1][-1]
    if len(rows) == top + TIES and rows[-1][-1] == last:  # the tie at the last place goes on
        rows = conn.execute(base.having(count >= last)).all()
    return [tuple(r) for r in rows if r[-1] >= last]


def report(
    store: Store, *, since: dt.datetime | None, top: int | None, video_id: int | None, only: DomainFilter | None = None
) -> list[dict[str, Any]]:
    """Domains ordered by mentions, then videos, then name; counts are within the window,
    first/last seen are overall.

    With `video_id` everything comes from that video's mentions only: the counts, and first
    and last seen (over all of the video's mentions, like the overall ones).

    With `top`, the domains are picked by mentions (`top_groups`) and their distinct videos
    counted for those domains only, which spares a distinct count per domain over the store.
    """
    where = []
    if since is not None:
        where.append(dm.c.seen_at >= since)
    if video_id is not None:
        where.append(dm.c.video_id == video_id)
    if only is not None:
        where.append(only.clause(dm.c.domain))
    # a comment mentions a domain once (the key is comment_id, domain): its rows are its mentions
    with reading(store) as conn:
        if top:
            picked = {d: n for d, n in top_groups(conn, [dm.c.domain], where, top)}
            rows = []
            names = sorted(picked)
            for at in range(0, len(names), CHUNK):
                chunk = names[at : at + CHUNK]
                tally = (
                    select(dm.c.domain, func.count(dm.c.video_id.distinct()).label("videos"))
                    .where(dm.c.domain.in_(chunk), *where)
                    .group_by(dm.c.domain)
                )
                rows += [{"domain": d, "mentions": picked[d], "videos": v} for d, v in conn.execute(tally).all()]
            rows.sort(key=lambda r: (-r["mentions"], -r["videos"], r["domain"]))
            rows = rows[:top]
            _add_seen(conn, rows, video_id)
            return rows
        counts = (
            select(dm.c.domain, func.count().label("mentions"), func.count(dm.c.video_id.distinct()).label("videos"))
            .where(*where)
            .group_by(dm.c.domain)
            .subquery()
        )
        seen: FromClause
        if video_id is None:
            seen = domains
        else:
            seen = (
                select(
                    dm.c.domain, func.min(dm.c.seen_at).label("first_seen"), func.max(dm.c.seen_at).label("last_seen")
                )
                .where(dm.c.video_id == video_id)
                .group_by(dm.c.domain)
                .subquery()
            )
        query = (
            select(counts.c.domain, counts.c.mentions, counts.c.videos, seen.c.first_seen, seen.c.last_seen)
            .join(seen, seen.c.domain == counts.c.domain)
            .order_by(counts.c.mentions.desc(), counts.c.videos.desc(), counts.c.domain)
        )
        return [dict(r) for r in conn.execute(query).mappings().all()]


def _add_seen(conn, rows: list[dict[str, Any]], video_id: int | None) -> None:
    """First and last seen of each row's domain: overall, or over that video's mentions."""
    names = [r["domain"] for r in rows]
    seen: dict[str, tuple] = {}
    for at in range(0, len(names), CHUNK):
        chunk = names[at : at + CHUNK]
        if video_id is None:
            query = select(domains.c.domain, domains.c.first_seen, domains.c.last_seen).where(
                domains.c.domain.in_(chunk)
            )
        else:
            query = (
                select(dm.c.domain, func.min(dm.c.seen_at), func.max(dm.c.seen_at))
                .where(dm.c.video_id == video_id, dm.c.domain.in_(chunk))
                .group_by(dm.c.domain)
            )
        seen.update({d: (first, last) for d, first, last in conn.execute(query).all()})
    for r in rows:
        r["first_seen"], r["last_seen"] = seen.get(r["domain"], (None, None))


def new(store: Store, *, since: dt.datetime, top: int | None, only: DomainFilter | None = None) -> list[dict[str, Any]]:
    """Domains first seen at or after `since` (a comment written then), with their mentions and
    videos since then (which are all of them), by mentions."""
    fresh = _filtered(
        select(domains.c.domain, domains.c.first_seen, domains.c.last_seen).where(domains.c.first_seen >= since),
        domains.c.domain,
        only,
    ).subquery()
    return _with_counts(store, fresh, top=top, seen_since=since, then=(fresh.c.first_seen.desc(),))


def found(store: Store, *, start: dt.datetime, end: dt.datetime, top: int | None) -> list[dict[str, Any]]:
    """Domains harvester found for the first time in [start, end) (`first_extracted_at`: the
    extraction that wrote their first mention), with all their mentions and videos so far."""
    fresh = (
        select(domains.c.domain, domains.c.first_seen, domains.c.last_seen, domains.c.first_extracted_at)
        .where(domains.c.first_extracted_at >= start, domains.c.first_extracted_at < end)
        .subquery()
    )
    return _with_counts(store, fresh, top=top)


def _with_counts(
    store: Store, fresh, *, top: int | None, seen_since: dt.datetime | None = None, then: tuple = ()
) -> list[dict[str, Any]]:
    """The rows of `fresh` (a subquery of domains) with their mentions and distinct videos (those
    seen at or after `seen_since` when given), most mentioned first, then by `then` and domain."""
    counts = (
        select(dm.c.domain, func.count().label("mentions"), func.count(dm.c.video_id.distinct()).label("videos"))
        .where(
            dm.c.domain.in_(select(fresh.c.domain)), *([dm.c.seen_at >= seen_since] if seen_since is not None else [])
        )
        .group_by(dm.c.domain)
        .subquery()
    )
    mentions = func.coalesce(counts.c.mentions, 0)
    query = (
        select(
            fresh.c.domain,
            mentions.label("mentions"),
            func.coalesce(counts.c.videos, 0).label("videos"),
            *(column for column in fresh.c if column.name != "domain"),
        )
        .outerjoin(counts, counts.c.domain == fresh.c.domain)
        .order_by(mentions.desc(), *then, fresh.c.domain)
    )
    if top:
        query = query.limit(top)
    with reading(store) as conn:
        return [dict(r) for r in conn.execute(query).mappings().all()]


def rising(
    store: Store,
    *,
    start: dt.datetime,
    length: dt.timedelta,
    top: int | None,
    min_mentions: int,
    only: DomainFilter | None = None,
) -> list[dict[str, Any]]:
    """Domains mentioned at least `min_mentions` times since `start` and more than in the
    window of the same length before it, ordered by growth = mentions / max(previous, 1), with
    their distinct videos since `start`. The windows are over when the comments were written
    (`seen_at`), read from the (seen_at, domain, video_id) index alone."""
    clock = dm.c.seen_at
    current = func.sum(case((clock >= start, 1), else_=0))
    previous = func.sum(case((clock < start, 1), else_=0))
    counts = _filtered(
        select(
            dm.c.domain,
            current.label("mentions"),
            previous.label("previous"),
            func.count(case((clock >= start, dm.c.video_id)).distinct()).label("videos"),
        ).where(clock >= start - length),
        dm.c.domain,
        only,
    )
    counts = counts.group_by(dm.c.domain).having(current >= min_mentions).having(current > previous).subquery()
    growth = cast(counts.c.mentions, Float) / case((counts.c.previous > 1, counts.c.previous), else_=literal(1))
    query = (
        select(*counts.c, growth.label("growth"), domains.c.first_seen, domains.c.last_seen)
        .join(domains, domains.c.domain == counts.c.domain)
        .order_by(growth.desc(), counts.c.mentions.desc(), counts.c.domain)
    )
    if top:
        query = query.limit(top)
    with reading(store) as conn:
        return [dict(r) for r in conn.execute(query).mappings().all()]


def seen(store: Store, names: list[str]) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """First and last seen of each domain."""
    out: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    with reading(store) as conn:
        for at in range(0, len(names), CHUNK):
            query = select(domains.c.domain, domains.c.first_seen, domains.c.last_seen).where(
                domains.c.domain.in_(names[at : at + CHUNK])
            )
            out.update({d: (first, last) for d, first, last in conn.execute(query).all()})
    return out


def samples(store: Store, names: list[str], *, video_id: int | None = None) -> dict[str, dict[str, Any]]:
    """One recent comment per domain (of that video only, with `video_id`): the form as written
    and the comment text. Looked up `CHUNK` domains per statement (a store may hold more
    domains than a statement may carry parameters)."""
    out: dict[str, dict[str, Any]] = {}
    with reading(store) as conn:
        for start in range(0, len(names), CHUNK):
            chunk = names[start : start + CHUNK]
            newest = select(dm.c.domain, func.max(dm.c.comment_id).label("comment_id")).where(dm.c.domain.in_(chunk))
            if video_id is not None:
                newest = newest.where(dm.c.video_id == video_id)
            latest = newest.group_by(dm.c.domain).subquery()
            query = (
                select(latest.c.domain, dm.c.written, comments.c.text)
                .join(dm, (dm.c.domain == latest.c.domain) & (dm.c.comment_id == latest.c.comment_id))
                .join(comments, comments.c.id == latest.c.comment_id)
            )
            out.update({d: {"written": w, "text": t} for d, w, t in conn.execute(query).all()})
    return out
