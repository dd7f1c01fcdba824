"""`comments`: harvested comments, idempotent on their id."""

from __future__ import annotations

from collections.abc import Sequence

from harvester_cli.models import Comment
from harvester_cli.store.base import Store, storable
from harvester_cli.store.tables import comments
from harvester_cli.store.upsert import upsert
from harvester_cli.store.videos import _created


def save(conn, store: Store, video_id: int, items: Sequence[Comment]) -> int:
    """Upsert comments of one video; text is kept as first harvested, counts are refreshed."""
    now = store.now()
    rows = [
        {
            "id": c.id,
            "video_id": video_id,
            "parent_comment_id": c.parent_comment_id,
            "text": storable(c.text) or "",
            "like_count": c.like_count,
            "reply_count": c.reply_count,
            "created_at": _created(c.create_time),
            "harvested_at": now,
        }
        for c in {c.id: c for c in items}.values()
    ]
    if not rows:
        return 0
    upsert(conn, comments, rows, ["id"], update=["like_count", "reply_count"])
    return len(rows)
