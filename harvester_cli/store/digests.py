"""`digest_posts`: which digest windows were posted, so a window is posted once.

A run claims the window (a row in state `posting`, its token, a lease), posts, then marks it
`posted`. Another run meanwhile finds it `posting` and leaves it alone until the lease
expires (the claiming run died before it could record the outcome); a failed post gives the
claim back, so the next run tries again. SQLite serialises the claim with its write lock
(BEGIN IMMEDIATE), PostgreSQL with the row lock (SELECT ... FOR UPDATE after the insert).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select, update

from harvester_cli.store.base import Store, dumps
from harvester_cli.store.tables import digest_posts as dp
from harvester_cli.store.upsert import insert_ignore


def _key(start: dt.datetime, end: dt.datetime):
    return (dp.c.window_start == start) & (dp.c.window_end == end)


def get(store: Store, start: dt.datetime, end: dt.datetime) -> dict[str, Any] | None:
    with store.read() as conn:
        row = conn.execute(select(dp).where(_key(start, end))).mappings().first()
        return dict(row) if row else None


def claim(
    store: Store, start: dt.datetime, end: dt.datetime, token: str, lease: dt.timedelta
) -> tuple[str, dict[str, Any]]:
    """'claimed' (this run posts), 'posted' (done before) or 'busy' (another run is posting),
    with the window's row."""
    now = store.now()
    with store.tx() as conn:
        insert_ignore(
            conn,
            dp,
            [
                {
                    "window_start": start,
                    "window_end": end,
                    "state": "posting",
                    "token": token,
                    "claim_expires_at": now + lease,
                    "created_at": now,
                    "updated_at": now,
                }
            ],
            ["window_start", "window_end"],
        )
        row = dict(conn.execute(select(dp).where(_key(start, end)).with_for_update()).mappings().one())
        if row["token"] == token:
            return "claimed", row
        if row["state"] == "posted":
            return "posted", row
        if row["claim_expires_at"] is not None and row["claim_expires_at"] > now:
            return "busy", row
        conn.execute(
            update(dp)
            .where(_key(start, end), dp.c.token == row["token"])
            .values(token=token, claim_expires_at=now + lease, updated_at=now)
        )
        row.update(token=token, claim_expires_at=now + lease)
        return "claimed", row


def mark_posted(store: Store, start: dt.datetime, end: dt.datetime, token: str, summary: dict[str, Any]) -> bool:
    now = store.now()
    with store.tx() as conn:
        result = conn.execute(
            update(dp)
            .where(_key(start, end), dp.c.token == token)
            .values(state="posted", posted_at=now, claim_expires_at=None, summary=dumps(summary), updated_at=now)
        )
        return result.rowcount == 1


def release(store: Store, start: dt.datetime, end: dt.datetime, token: str) -> None:
    """Give a claim back (the post failed): the next run posts the window."""
    with store.tx() as conn:
        conn.execute(delete(dp).where(_key(start, end), dp.c.token == token, dp.c.state == "posting"))
