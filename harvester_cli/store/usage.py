"""`api_usage`: requests per UTC day and source, shared by every run."""

from __future__ import annotations

from sqlalchemy import func, select, update

from harvester_cli.store.base import Store
from harvester_cli.store.tables import api_usage
from harvester_cli.store.upsert import insert_ignore


def day_of(store: Store) -> str:
    return store.now().strftime("%Y-%m-%d")


JOB_COLUMNS = {"discovery": api_usage.c.discovery_requests, "harvesting": api_usage.c.harvesting_requests}


def reserve_up_to(
    store: Store, source: str, budget: int, n: int, job_type: str | None = None, cap: int | None = None
) -> int:
    """Reserve up to n requests of today's budget at once; returns how many were granted (0 = spent).

    With `job_type` (discovery or harvesting) the requests are also counted as that job type's,
    and `cap` bounds that job type's share of the day.
    """
    day = day_of(store)
    row = (api_usage.c.day == day) & (api_usage.c.source == source)
    column = JOB_COLUMNS.get(job_type or "")
    with store.tx() as conn:
        insert_ignore(
            conn,
            api_usage,
            [{"day": day, "source": source, "requests": 0, "updated_at": store.now()}],
            ["day", "source"],
        )
        columns = [api_usage.c.requests] + ([column] if column is not None else [])
        counts = conn.execute(select(*columns).where(row).with_for_update()).one()
        granted = max(0, min(n, budget - (counts[0] or 0)))
        if column is not None and cap is not None:
            granted = max(0, min(granted, cap - (counts[1] or 0)))
        if granted:
            values = {"requests": api_usage.c.requests + granted, "updated_at": store.now()}
            if column is not None:
                values[column.name] = column + granted
            conn.execute(update(api_usage).where(row).values(**values))
        return granted


def refund(store: Store, source: str, n: int, job_type: str | None = None) -> None:
    """Give back requests reserved today but not sent."""
    day = day_of(store)
    column = JOB_COLUMNS.get(job_type or "")
    values = {"requests": api_usage.c.requests - n, "updated_at": store.now()}
    where = [api_usage.c.day == day, api_usage.c.source == source, api_usage.c.requests >= n]
    if column is not None:
        values[column.name] = column - n
        where.append(column >= n)
    with store.tx() as conn:
        conn.execute(update(api_usage).where(*where).values(**values))


def exhaust(store: Store, source: str, budget: int) -> None:
    """The API said the quota is spent: mark today's budget used up for every run."""
    day = day_of(store)
    with store.tx() as conn:
        insert_ignore(
            conn,
            api_usage,
            [{"day": day, "source": source, "requests": 0, "updated_at": store.now()}],
            ["day", "source"],
        )
        conn.execute(
            update(api_usage)
            .where(api_usage.c.day == day, api_usage.c.source == source)
            .values(requests=budget, updated_at=store.now())
        )


def by_job_today(store: Store) -> dict[str, int]:
    """Today's requests: total, and the discovery and harvesting shares of it."""
    query = select(
        func.coalesce(func.sum(api_usage.c.requests), 0),
        func.coalesce(func.sum(api_usage.c.discovery_requests), 0),
        func.coalesce(func.sum(api_usage.c.harvesting_requests), 0),
    ).where(api_usage.c.day == day_of(store))
    with store.read() as conn:
        total, discovery, harvesting = conn.execute(query).one()
    return {"total": int(total), "discovery": int(discovery), "harvesting": int(harvesting)}


def used_today(store: Store, source: str | None = None) -> int:
    query = select(api_usage.c.requests).where(api_usage.c.day == day_of(store))
    if source:
        query = query.where(api_usage.c.source == source)
    with store.read() as conn:
        return sum(r for (r,) in conn.execute(query).all())


def found_since(store: Store, since) -> dict[str, int]:
    """What the requests brought back since `since`: videos discovered, comments harvested,
    domains first extracted (the yield figures of `harvester budget`)."""
    from harvester_cli.store.tables import comments, domains, videos

    with store.read() as conn:
        return {
            "videos": conn.execute(
                select(func.count()).select_from(videos).where(videos.c.discovered_at >= since)
            ).scalar()
            or 0,
            "comments": conn.execute(
                select(func.count()).select_from(comments).where(comments.c.harvested_at >= since)
            ).scalar()
            or 0,
            "domains": conn.execute(
                select(func.count()).select_from(domains).where(domains.c.first_extracted_at >= since)
            ).scalar()
            or 0,
        }
