"""Queue depths: the work waiting in the tables themselves."""

from __future__ import annotations

from sqlalchemy import func, select

from harvester_cli.store.base import Store
from harvester_cli.store.tables import comments, dead_letter_queue, videos


def depths(store: Store) -> dict[str, int]:
    with store.read() as conn:
        states: dict[str, int] = dict(
            conn.execute(select(videos.c.harvest_state, func.count()).group_by(videos.c.harvest_state)).all()
        )
        pending_comments = (
            conn.execute(select(func.count()).select_from(comments).where(comments.c.extracted_at.is_(None))).scalar()
            or 0
        )
        dlq_pending = (
            conn.execute(
                select(func.count()).select_from(dead_letter_queue).where(dead_letter_queue.c.status == "pending")
            ).scalar()
            or 0
        )
    return {
        "videos_queued": states.get("queued", 0),
        "videos_in_progress": states.get("in_progress", 0),
        "videos_done": states.get("done", 0),
        "videos_failed": states.get("failed", 0),
        "comments_pending_extraction": pending_comments,
        "dead_letter_pending": dlq_pending,
    }
