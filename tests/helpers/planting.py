"""Rows planted at known times: videos and comments (for `extract` to read, or already
extracted together with their mentions and domains), through SQLAlchemy Core on any store."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from harvester_cli.store.tables import comments, domain_mentions, domains, videos
from harvester_cli.store.upsert import insert_ignore

VIDEO_BASE = 7800000000000000000
COMMENT_BASE = 7900000000000000000


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def add_videos(store, ids, when: dt.datetime | None = None) -> None:
    when = when or utcnow()
    with store.tx() as conn:
        insert_ignore(
            conn,
            videos,
            [
                {
                    "id": v,
                    "source": "files",
                    "username": "u",
                    "description": "#ad",
                    "promoted_reason": "#ad",
                    "discovered_at": when,
                    "last_seen_at": when,
                    "created_at": when,
                    "harvest_state": "done",
                }
                for v in ids
            ],
            ["id"],
        )


def add_comments(store, rows) -> None:
    """rows: (comment_id, video_id, text, written_at[, harvested_at]) — pending extraction."""
    add_videos(store, sorted({r[1] for r in rows}))
    with store.tx() as conn:
        insert_ignore(
            conn,
            comments,
            [
                {
                    "id": r[0],
                    "video_id": r[1],
                    "text": r[2],
                    "created_at": r[3],
                    "harvested_at": r[4] if len(r) > 4 else r[3],
                }
                for r in rows
            ],
            ["id"],
        )


@dataclass
class Mention:
    """One comment mentioning one domain, already extracted."""

    comment_id: int
    video_id: int
    domain: str
    written: str
    seen_at: dt.datetime
    harvested_at: dt.datetime | None = None
    extracted_at: dt.datetime | None = None
    text: str | None = None


def plant(store, mentions: list[Mention]) -> None:
    """Comments, mentions and domains as `extract` leaves them (link not normalised yet); a
    domain's first_extracted_at is its first mention's extracted_at (unless it exists already)."""
    add_videos(store, sorted({m.video_id for m in mentions}))
    with store.tx() as conn:
        for m in mentions:
            harvested = m.harvested_at or m.seen_at
            insert_ignore(
                conn,
                comments,
                [
                    {
                        "id": m.comment_id,
                        "video_id": m.video_id,
                        "text": m.text if m.text is not None else f"see {m.written}",
                        "created_at": m.seen_at,
                        "harvested_at": harvested,
                        "extracted_at": m.extracted_at or harvested,
                    }
                ],
                ["id"],
            )
        by_domain: dict[str, list[Mention]] = {}
        for m in mentions:
            by_domain.setdefault(m.domain, []).append(m)
        for name, ms in by_domain.items():
            exists = conn.execute(select(func.count()).select_from(domains).where(domains.c.domain == name)).scalar()
            first = min(m.seen_at for m in ms)
            last = max(m.seen_at for m in ms)
            if exists:
                row = conn.execute(
                    select(domains.c.first_seen, domains.c.last_seen).where(domains.c.domain == name)
                ).one()
                conn.execute(
                    domains.update()
                    .where(domains.c.domain == name)
                    .values(first_seen=min(first, row[0]), last_seen=max(last, row[1]))
                )
            else:
                found = min((m.extracted_at or m.harvested_at or m.seen_at) for m in ms)
                conn.execute(
                    domains.insert().values(domain=name, first_seen=first, last_seen=last, first_extracted_at=found)
                )
        insert_ignore(
            conn,
            domain_mentions,
            [
                {
                    "comment_id": m.comment_id,
                    "domain": m.domain,
                    "video_id": m.video_id,
                    "written": m.written,
                    "seen_at": m.seen_at,
                }
                for m in mentions
            ],
            ["comment_id", "domain"],
        )
