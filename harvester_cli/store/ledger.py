"""`discovery_scans`: the discovery ledger, one row per query fingerprint and UTC day.

A day is due when it has ended and was never scanned (pending), when a scan of it stopped part
way (partial: it resumes from the saved cursor and search_id), or when it was paged to the end
before it settled (complete) and has settled since. A day paged to the end after it settled is
never due again. Runs claim one day at a time with a conditional UPDATE guarded by the lease,
so two hosts never scan the same day at once and a crashed run's claim expires.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update

from harvester_cli.models import ScanPage, ScanQuery
from harvester_cli.store.base import Store
from harvester_cli.store.tables import discovery_scans as scans
from harvester_cli.store.upsert import insert_ignore

STATES = ("pending", "partial", "complete", "settled")


def day_key(day: dt.date) -> str:
    return day.isoformat()


def day_end(day: dt.date) -> dt.datetime:
    """When a UTC day ends (naive UTC, as the store keeps times)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


def window(today: dt.date, days: int) -> list[dt.date]:
    """The ended days of the look-back window, newest first (today has not ended yet)."""
    return [today - dt.timedelta(days=n) for n in range(1, max(1, days) + 1)]


@dataclass(frozen=True)
class Claim:
    query: ScanQuery
    day: dt.date
    cursor: int | None
    search_id: str | None
    resumed: bool  # a stopped scan continues (False: a new pass from the first page)


def _due_at(row, day: dt.date, settle: dt.timedelta) -> dt.datetime | None:
    """When this day's row is due for a scan; None: never again."""
    state = row["state"] if row is not None else "pending"
    if state in ("pending", "partial"):
        return day_end(day)
    if state == "complete":
        return day_end(day) + settle
    return None


def _rows(conn, fingerprints: Sequence[str], days: Sequence[dt.date]) -> dict[tuple[str, str], dict]:
    if not fingerprints or not days:
        return {}
    query = select(scans).where(
        scans.c.fingerprint.in_(list(fingerprints)), scans.c.day.in_([day_key(d) for d in days])
    )
    return {(r["fingerprint"], r["day"]): dict(r) for r in conn.execute(query).mappings().all()}


def claim_next(
    store: Store,
    source: str,
    queries: Sequence[ScanQuery],
    days: Sequence[dt.date],
    *,
    settle: dt.timedelta,
    run_id: int,
    lease: dt.timedelta,
    force: bool = False,
    skip: Iterable[tuple[str, dt.date]] = (),
) -> Claim | None:
    """Claim the newest due day of any query (rows made for days never seen); None: nothing due.

    `force` makes every day due once (`discover --force-refresh`): a new pass from the first
    page; `skip` holds what this run already scanned.
    """
    now = store.now()
    skipped = set(skip)
    with store.tx() as conn:
        insert_ignore(
            conn,
            scans,
            [
                {
                    "fingerprint": q.fingerprint,
                    "day": day_key(d),
                    "source": source,
                    "query": json.dumps(q.description, sort_keys=True, ensure_ascii=False),
                    "state": "pending",
                    "created_at": now,
                    "updated_at": now,
                }
                for q in queries
                for d in days
            ],
            ["fingerprint", "day"],
        )
        rows = _rows(conn, [q.fingerprint for q in queries], days)
        for day in sorted(days, reverse=True):
            for query in queries:
                if (query.fingerprint, day) in skipped:
                    continue
                row = rows.get((query.fingerprint, day_key(day)))
                if row is None:
                    continue
                due = day_end(day) if force else _due_at(row, day, settle)
                if due is None or due > now:
                    continue
                if row["claimed_by"] is not None and row["claim_expires_at"] and row["claim_expires_at"] > now:
                    continue  # another run is scanning it
                resumed = row["state"] == "partial" and not force and row["search_id"] is not None
                values = {"claimed_by": run_id, "claim_expires_at": now + lease, "updated_at": now}
                if not resumed:
                    values.update(cursor=None, search_id=None, pass_started_at=None)
                won = (
                    conn.execute(
                        update(scans)
                        .where(
                            scans.c.fingerprint == query.fingerprint,
                            scans.c.day == day_key(day),
                            or_(scans.c.claimed_by.is_(None), scans.c.claim_expires_at <= now),
                        )
                        .values(**values)
                    ).rowcount
                    == 1
                )
                if won:
                    return Claim(
                        query, day, row["cursor"] if resumed else None, row["search_id"] if resumed else None, resumed
                    )
    return None


def save_page(
    conn,
    store: Store,
    claim: Claim,
    run_id: int,
    page: ScanPage,
    *,
    new_videos: int,
    promoted: int,
    settle: dt.timedelta,
) -> str | None:
    """Record one answered page (in the transaction that stored its videos); returns the row's
    new state, or None when this run no longer holds the claim."""
    now = store.now()
    key = and_(
        scans.c.fingerprint == claim.query.fingerprint, scans.c.day == day_key(claim.day), scans.c.claimed_by == run_id
    )
    values: dict = {
        "pages": scans.c.pages + 1,
        "candidates": scans.c.candidates + page.candidates,
        "promoted": scans.c.promoted + promoted,
        "new_videos": scans.c.new_videos + new_videos,
        "updated_at": now,
    }
    if page.restarted:
        values["restarts"] = scans.c.restarts + 1
    started = conn.execute(select(scans.c.pass_started_at).where(key)).scalar()
    if started is None or page.restarted:
        # the pass's search was issued now: what it returns is what the API had indexed now
        started = now
        values["pass_started_at"] = now
    if page.last:
        state = "settled" if started >= day_end(claim.day) + settle else "complete"
        values.update(
            state=state,
            cursor=None,
            search_id=None,
            passes=scans.c.passes + 1,
            completed_at=now,
            claimed_by=None,
            claim_expires_at=None,
        )
    else:
        state = "partial"
        values.update(state=state, cursor=page.cursor, search_id=page.search_id)
    return state if conn.execute(update(scans).where(key).values(**values)).rowcount == 1 else None


def release(conn, run_id: int) -> int:
    """Give back the days a run holds (it stopped or died); partial scans keep their place."""
    return conn.execute(
        update(scans).where(scans.c.claimed_by == run_id).values(claimed_by=None, claim_expires_at=None)
    ).rowcount


def _window(store: Store, queries: Sequence[ScanQuery], days: Sequence[dt.date]) -> list[tuple[dt.date, dict | None]]:
    """Every (day, row or None when never seen) of the queries over the window, in one read."""
    with store.read() as conn:
        rows = _rows(conn, [q.fingerprint for q in queries], days)
    return [(day, rows.get((query.fingerprint, day_key(day)))) for query in queries for day in days]


def next_due(
    store: Store, queries: Sequence[ScanQuery], days: Sequence[dt.date], settle: dt.timedelta
) -> dt.datetime | None:
    """The earliest time a scan falls due (now, if one is due), counting today once it ends."""
    times = [day_end(max(days) + dt.timedelta(days=1))] if days else []
    times += [due for day, row in _window(store, queries, days) if (due := _due_at(row, day, settle)) is not None]
    return max(min(times), store.now()) if times else None


def due_count(store: Store, queries: Sequence[ScanQuery], days: Sequence[dt.date], settle: dt.timedelta) -> int:
    """How many (query, day) scans are due now, claimed or not."""
    now = store.now()
    return sum(
        1 for day, row in _window(store, queries, days) if (due := _due_at(row, day, settle)) is not None and due <= now
    )


def coverage(store: Store, queries: Sequence[ScanQuery], days: Sequence[dt.date]) -> dict[str, int]:
    """Days of the window by state (a day never seen counts as pending)."""
    out = dict.fromkeys(STATES, 0)
    for _day, row in _window(store, queries, days):
        out[row["state"] if row else "pending"] += 1
    return out


def stale(
    store: Store, queries: Sequence[ScanQuery], days: Sequence[dt.date], settle: dt.timedelta, after: dt.timedelta
) -> list[str]:
    """Days that can no longer gain videos (settled) and have stayed unscanned for `after` since
    then, or since discovery first knew them (a new install is not late for old days)."""
    now = store.now()
    late = {
        day_key(day)
        for day, row in _window(store, queries, days)
        if row is not None
        and row["state"] != "settled"
        and max(day_end(day) + settle, row["created_at"]) + after <= now
    }
    return sorted(late, reverse=True)
