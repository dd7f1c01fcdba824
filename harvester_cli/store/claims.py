"""Work-queue claims: videos leased by a harvest run, ledger days by a discovery run (extraction
claims live in its transaction)."""

from __future__ import annotations

from sqlalchemy import update

from harvester_cli.store import ledger
from harvester_cli.store.base import Store
from harvester_cli.store.tables import videos


def release(store: Store, run_id: int) -> dict[str, int]:
    """Give back every unfinished claim of a run (it stopped, crashed or was cancelled).

    Videos keep the comment pages already stored and their cursor; ledger days keep theirs."""
    with store.tx() as conn:
        n_videos = conn.execute(
            update(videos)
            .where(videos.c.claimed_by == run_id, videos.c.harvest_state == "in_progress")
            .values(harvest_state="queued", claimed_by=None, claim_expires_at=None)
        ).rowcount
        n_days = ledger.release(conn, run_id)
    return {"videos": n_videos, "discovery_days": n_days}
