"""`domain_mentions` and `domains`: the extraction queue and its results.

A batch of pending comments is claimed, extracted and written in one transaction: on
PostgreSQL the rows are locked with SKIP LOCKED so concurrent runs take different batches;
on SQLite the transaction holds the write lock. A crash rolls the batch back untouched.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable

from sqlalchemy import any_, case, func, select, update

from harvester_cli.store.base import Store
from harvester_cli.store.tables import comments, domain_mentions, domains
from harvester_cli.store.upsert import _insert, insert_ignore

# (comment_id, text) -> [(domain, written), ...]
Extractor = Callable[[str], Iterable[Any]]


def process_batch(store: Store, size: int, extract: Extractor) -> tuple[int, int]:
    """Extract one batch of pending comments. Returns (comments processed, mentions written).

    One statement claims the batch and marks it extracted: UPDATE ... WHERE id is one of the
    first `size` pending ids (locked FOR UPDATE SKIP LOCKED on PostgreSQL) RETURNING the texts;
    no second pass over the batch with thousands of bound ids. The mentions and domains are
    written in the same transaction, so a failure rolls the whole batch back to pending.
    """
    now = store.now()
    with store.tx() as conn:
        rows = conn.execute(_claim(conn, size, now)).all()
        if not rows:
            return 0, 0
        rows.sort(key=lambda r: r[0])  # RETURNING has no order; write mentions in key order
        mention_rows: list[dict[str, Any]] = []
        seen: dict[str, list[dt.datetime]] = {}
        for comment_id, video_id, text, created_at in rows:
            if not text:
                continue
            for mention in extract(text):
                seen_at = created_at or now
                mention_rows.append({"comment_id": comment_id, "domain": mention[0], "video_id": video_id,
                                     "written": mention[1], "seen_at": seen_at})
                bounds = seen.get(mention[0])
                if bounds is None:
                    seen[mention[0]] = [seen_at, seen_at]
                else:
                    bounds[0] = min(bounds[0], seen_at)
                    bounds[1] = max(bounds[1], seen_at)
        if seen:
            _upsert_domains(conn, [{"domain": d, "first_seen": b[0], "last_seen": b[1], "first_extracted_at": now}
                                   for d, b in sorted(seen.items())])
        if mention_rows:
            insert_ignore(conn, domain_mentions, mention_rows, ["comment_id", "domain"])
    return len(rows), len(mention_rows)


def _claim(conn, size: int, now: dt.datetime):
    pending = (select(comments.c.id).where(comments.c.extracted_at.is_(None)).order_by(comments.c.id)
               .limit(size).with_for_update(skip_locked=True))
    if conn.dialect.name == "postgresql":
        # id = ANY(ARRAY(pending)): the batch is picked and locked once, then found through the
        # primary key. With id IN (pending) the planner hash-joined it against a sequential scan
        # of the whole comments table, on every batch.
        batch = comments.c.id == any_(func.array(pending.scalar_subquery()))
    else:
        batch = comments.c.id.in_(pending)
    return (update(comments).where(batch).values(extracted_at=now)
            .returning(comments.c.id, comments.c.video_id, comments.c.text, comments.c.created_at))


def _upsert_domains(conn, rows: list[dict[str, Any]]) -> None:
    stmt = _insert(conn, domains)
    stmt = stmt.on_conflict_do_update(index_elements=["domain"], set_={
        "first_seen": case((stmt.excluded.first_seen < domains.c.first_seen, stmt.excluded.first_seen),
                           else_=domains.c.first_seen),
        "last_seen": case((stmt.excluded.last_seen > domains.c.last_seen, stmt.excluded.last_seen),
                          else_=domains.c.last_seen),
    }, where=(stmt.excluded.first_seen < domains.c.first_seen) | (stmt.excluded.last_seen > domains.c.last_seen))
    # Only a domain whose bounds move is rewritten. An unconditional DO UPDATE wrote a new row
    # version of every domain in every batch: on PostgreSQL a popular domain piled up dead
    # versions that each mention's foreign-key check then had to walk past.
    conn.execute(stmt, rows)


def pending_count(store: Store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(comments)
                            .where(comments.c.extracted_at.is_(None))).scalar() or 0
