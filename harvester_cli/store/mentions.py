"""`domain_mentions` and `domains`: the extraction queue and its results.

Two ways through the queue, one per kind of store:

* PostgreSQL (`process_batch`): a batch of pending comments is claimed, extracted and written
  in one transaction, its rows locked with SKIP LOCKED so concurrent runs on any number of
  hosts take different batches.
* SQLite (`pending.next_range`, `pending.extract_range`, `save_range`): there is one writer, so the
  reading and the extracting happen outside the write lock (in helper processes too) and
  each range is then marked and written in one short transaction. The extractor no longer
  waits for the database, nor the database for the extractor.

Either way a crash rolls the unwritten batch or range back to pending, untouched.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import any_, case, func, select, update

from harvester_cli.store import pending
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
        # RETURNING has no order; write mentions in key order
        rows = sorted(conn.execute(_claim(conn, size, now)).all(), key=lambda r: r[0])
        if not rows:
            return 0, 0
        found = pending.extract_rows(rows, extract)
        return len(rows), _write_found(conn, now, found)


def save_range(store: Store, extracted: pending.ExtractedRange, extract: Extractor) -> tuple[int, int]:
    """SQLite: mark a range that was read and extracted outside the write lock, and write its
    mentions, in one transaction. Returns (comments marked, mentions written).

    The range was read earlier, so the transaction marks exactly the comments of (lo, hi] still
    pending now: one taken meanwhile by another run, or deleted, keeps no mention from this
    run; one stored meanwhile (a harvest running alongside) is read and extracted here.

    Written in SQLite's own SQL, one statement per table: the ids are read as plain tuples and
    the mentions go in as one JSON array, from which SQLite also derives each domain's first
    and last seen. Through SQLAlchemy's per-row parameter processing this transaction cost the
    run's process more time than the extraction it waits for (bench/RESULTS.md).
    """
    now = store.now()
    with store.tx() as conn:
        stamp = _sqlite_time(conn)
        now_text = stamp(now)
        dbapi_connection = conn.connection.dbapi_connection
        assert dbapi_connection is not None  # checked out of the pool: it holds its DBAPI connection
        cursor = dbapi_connection.cursor()  # plain tuples, no per-row wrapping
        try:
            # the write lock is held: what is pending in the range now is exactly what the UPDATE marks
            now_pending = [row[0] for row in cursor.execute(_SQLITE_PENDING_IDS, (extracted.lo, extracted.hi))]
            cursor.execute(_SQLITE_MARK, (now_text, extracted.lo, extracted.hi))
            found = extracted.found
            if now_pending != extracted.ids:  # both in id order
                marked = set(now_pending)
                found = [f for f in found if f.comment_id in marked]
                late = sorted(marked.difference(extracted.ids))
                for start in range(0, len(late), 500):
                    chunk = late[start : start + 500]
                    rows = cursor.execute(_SQLITE_READ_IDS.format(marks=", ".join("?" * len(chunk))), chunk).fetchall()
                    found = found + pending.extract_rows(rows, extract)
            if found:
                payload = json.dumps(
                    [
                        (
                            f.comment_id,
                            f.domain,
                            f.video_id,
                            f.written,
                            f.created_at
                            if isinstance(f.created_at, str) or f.created_at is None
                            else stamp(f.created_at),
                            f.link,
                        )
                        for f in found
                    ]
                )
                cursor.execute(_SQLITE_DOMAINS, (now_text, now_text, now_text, payload))
                cursor.execute(_SQLITE_MENTIONS, (now_text, payload))
        finally:
            cursor.close()
        return len(now_pending), len(found)


def _sqlite_time(conn) -> Callable[[dt.datetime], str]:
    """How SQLAlchemy stores a DateTime on SQLite (text that sorts as the time does)."""
    process = comments.c.extracted_at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    assert process is not None  # SQLite's DateTime is bound as text
    return process


# UPDATE ... RETURNING id cost 40% more than the UPDATE plus this index-only read of the ids
_SQLITE_PENDING_IDS = "SELECT id FROM comments WHERE id > ? AND id <= ? AND extracted_at IS NULL ORDER BY id"
_SQLITE_MARK = "UPDATE comments SET extracted_at = ? WHERE id > ? AND id <= ? AND extracted_at IS NULL"
_SQLITE_READ_IDS = "SELECT id, video_id, text, created_at FROM comments WHERE id IN ({marks})"
# json_each(payload): one [comment_id, domain, video_id, written, created_at, link] array per mention
_SQLITE_DOMAINS = (
    "INSERT INTO domains (domain, first_seen, last_seen, first_extracted_at) "
    "SELECT json_extract(value, '$[1]'), min(coalesce(json_extract(value, '$[4]'), ?)), "
    "max(coalesce(json_extract(value, '$[4]'), ?)), ? FROM json_each(?) WHERE true GROUP BY 1 "
    "ON CONFLICT (domain) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen), "
    "last_seen = max(last_seen, excluded.last_seen) "
    "WHERE excluded.first_seen < first_seen OR excluded.last_seen > last_seen"
)
_SQLITE_MENTIONS = (
    "INSERT INTO domain_mentions (comment_id, domain, video_id, written, seen_at, link) "
    "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), "
    "json_extract(value, '$[3]'), coalesce(json_extract(value, '$[4]'), ?), json_extract(value, '$[5]') "
    "FROM json_each(?) WHERE true "
    "ON CONFLICT (comment_id, domain) DO NOTHING"
)


def _write_found(conn, now: dt.datetime, found: list[pending.Found]) -> int:
    """Insert the mentions and move their domains' first/last seen; returns mentions written."""
    if not found:
        return 0
    rows: list[dict[str, Any]] = []
    seen: dict[str, list[dt.datetime]] = {}
    for f in sorted(found, key=lambda f: (f.comment_id, f.domain)):
        seen_at = f.created_at or now
        assert isinstance(seen_at, dt.datetime)  # these rows came through SQLAlchemy, not raw from SQLite
        rows.append(
            {
                "comment_id": f.comment_id,
                "domain": f.domain,
                "video_id": f.video_id,
                "written": f.written,
                "seen_at": seen_at,
                "link": f.link,
            }
        )
        bounds = seen.get(f.domain)
        if bounds is None:
            seen[f.domain] = [seen_at, seen_at]
        else:
            bounds[0] = min(bounds[0], seen_at)
            bounds[1] = max(bounds[1], seen_at)
    _upsert_domains(
        conn,
        [
            {"domain": d, "first_seen": b[0], "last_seen": b[1], "first_extracted_at": now}
            for d, b in sorted(seen.items())
        ],
    )
    insert_ignore(conn, domain_mentions, rows, ["comment_id", "domain"])
    return len(rows)


def _claim(conn, size: int, now: dt.datetime):
    queue = (
        select(comments.c.id)
        .where(comments.c.extracted_at.is_(None))
        .order_by(comments.c.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    )
    if conn.dialect.name == "postgresql":
        # id = ANY(ARRAY(pending)): the batch is picked and locked once, then found through the
        # primary key. With id IN (pending) the planner hash-joined it against a sequential scan
        # of the whole comments table, on every batch.
        batch = comments.c.id == any_(func.array(queue.scalar_subquery()))
    else:
        batch = comments.c.id.in_(queue)
    return (
        update(comments)
        .where(batch)
        .values(extracted_at=now)
        .returning(comments.c.id, comments.c.video_id, comments.c.text, comments.c.created_at)
    )


def _upsert_domains(conn, rows: list[dict[str, Any]]) -> None:
    stmt = _insert(conn, domains)
    stmt = stmt.on_conflict_do_update(
        index_elements=["domain"],
        set_={
            "first_seen": case(
                (stmt.excluded.first_seen < domains.c.first_seen, stmt.excluded.first_seen), else_=domains.c.first_seen
            ),
            "last_seen": case(
                (stmt.excluded.last_seen > domains.c.last_seen, stmt.excluded.last_seen), else_=domains.c.last_seen
            ),
        },
        where=(stmt.excluded.first_seen < domains.c.first_seen) | (stmt.excluded.last_seen > domains.c.last_seen),
    )
    # Only a domain whose bounds move is rewritten. An unconditional DO UPDATE wrote a new row
    # version of every domain in every batch: on PostgreSQL a popular domain piled up dead
    # versions that each mention's foreign-key check then had to walk past.
    conn.execute(stmt, rows)


def count(store: Store) -> int:
    """Every mention kept (one per comment and domain it mentions)."""
    from sqlalchemy import func, select

    from harvester_cli.store.tables import domain_mentions

    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(domain_mentions)).scalar() or 0


def pending_count(store: Store) -> int:
    with store.read() as conn:
        return (
            conn.execute(select(func.count()).select_from(comments).where(comments.c.extracted_at.is_(None))).scalar()
            or 0
        )
