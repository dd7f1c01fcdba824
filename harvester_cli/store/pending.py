"""Pending comments read straight through sqlite3, for extraction on SQLite.

An extract run on SQLite reads pending comments by id range outside the write lock (here),
extracts them, possibly in a helper process, and then marks and writes each range in one
short write transaction (`mentions.save_range`). This module imports nothing but the
standard library, so a helper process that uses it starts in a tenth of a second.

Comment ids are positive (TikTok ids; every source refuses others), so the first range
starts after 0.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

FIRST = 0  # every range is (lo, hi]: the first starts after id 0

# the partial index of pending ids walked `size` entries at a time; the last range takes the rest
NEXT_BOUNDARY = "SELECT id FROM comments WHERE extracted_at IS NULL AND id > ? ORDER BY id LIMIT 1 OFFSET ?"
LAST_RANGE = "SELECT max(id), count(*) FROM comments WHERE extracted_at IS NULL AND id > ?"
READ_RANGE = (
    "SELECT id, video_id, text, created_at FROM comments WHERE id > ? AND id <= ? AND extracted_at IS NULL ORDER BY id"
)


class Found(NamedTuple):
    """One domain mention: the comment, its video, the domain, the form as written, and the
    comment's creation time as the store gave it (text read raw from SQLite, a datetime through
    SQLAlchemy, None when unknown: the writer then uses the extraction time)."""

    comment_id: int
    video_id: int
    domain: str
    written: str
    created_at: str | dt.datetime | None
    link: str | None = None  # normalised for grouping, when the extractor gave one


class ExtractedRange(NamedTuple):
    """The pending comments of (lo, hi] as read, and the mentions found in them."""

    lo: int
    hi: int
    ids: list[int]
    found: list[Found]


def connect(path: str | Path) -> sqlite3.Connection:
    """A read-only connection: it never takes the write lock and never blocks the writer (WAL)."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    # timeout: the busy timeout, as the store's own connections have it
    return sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None, check_same_thread=False)


def next_range(conn: sqlite3.Connection, after: int, size: int) -> tuple[int, int] | None:
    """(hi, n): the range (after, hi] holds the next n <= size pending comments; None when none are left."""
    row = conn.execute(NEXT_BOUNDARY, (after, size - 1)).fetchone()
    if row is not None:
        return row[0], size
    hi, n = conn.execute(LAST_RANGE, (after,)).fetchone()
    return (hi, n) if n else None


def extract_rows(rows: Iterable[tuple], extract: Callable[[str], Iterable[tuple]]) -> list[Found]:
    """The mentions in (id, video_id, text, created_at) rows; `extract` gives (domain, written)
    or (domain, written, link) per mention."""
    found: list[Found] = []
    for comment_id, video_id, text, created_at in rows:
        if not text:
            continue
        mentions = extract(text)
        if mentions:
            found.extend(
                Found(comment_id, video_id, m[0], m[1], created_at, m[2] if len(m) > 2 else None) for m in mentions
            )
    return found


def extract_range(
    conn: sqlite3.Connection, lo: int, hi: int, extract: Callable[[str], Iterable[tuple]]
) -> ExtractedRange:
    """Read the pending comments of (lo, hi] and extract them; nothing is written."""
    rows = conn.execute(READ_RANGE, (lo, hi)).fetchall()
    return ExtractedRange(lo, hi, [r[0] for r in rows], extract_rows(rows, extract))
