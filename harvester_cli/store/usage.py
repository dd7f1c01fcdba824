"""`api_usage`: requests per UTC day and source, shared by every run."""

from __future__ import annotations

from sqlalchemy import select, update

from harvester_cli.store.base import Store
from harvester_cli.store.tables import api_usage
from harvester_cli.store.upsert import insert_ignore


def day_of(store: Store) -> str:
    return store.now().strftime("%Y-%m-%d")


def reserve_up_to(store: Store, source: str, budget: int, n: int) -> int:
    """Reserve up to n requests of today's budget at once; returns how many were granted (0 = spent)."""
    day = day_of(store)
    row = (api_usage.c.day == day) & (api_usage.c.source == source)
    with store.tx() as conn:
        insert_ignore(conn, api_usage, [{"day": day, "source": source, "requests": 0,
                                         "updated_at": store.now()}], ["day", "source"])
        used = conn.execute(select(api_usage.c.requests).where(row).with_for_update()).scalar() or 0
        granted = max(0, min(n, budget - used))
        if granted:
            conn.execute(update(api_usage).where(row)
                         .values(requests=api_usage.c.requests + granted, updated_at=store.now()))
        return granted


def refund(store: Store, source: str, n: int) -> None:
    """Give back requests reserved today but not sent."""
    day = day_of(store)
    with store.tx() as conn:
        conn.execute(update(api_usage).where(api_usage.c.day == day, api_usage.c.source == source,
                                             api_usage.c.requests >= n)
                     .values(requests=api_usage.c.requests - n, updated_at=store.now()))


def exhaust(store: Store, source: str, budget: int) -> None:
    """The API said the quota is spent: mark today's budget used up for every run."""
    day = day_of(store)
    with store.tx() as conn:
        insert_ignore(conn, api_usage, [{"day": day, "source": source, "requests": 0,
                                         "updated_at": store.now()}], ["day", "source"])
        conn.execute(update(api_usage).where(api_usage.c.day == day, api_usage.c.source == source)
                     .values(requests=budget, updated_at=store.now()))


def used_today(store: Store, source: str | None = None) -> int:
    query = select(api_usage.c.requests).where(api_usage.c.day == day_of(store))
    if source:
        query = query.where(api_usage.c.source == source)
    with store.read() as conn:
        return sum(r for (r,) in conn.execute(query).all())
