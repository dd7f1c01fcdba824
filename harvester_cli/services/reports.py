"""The domains reports (`harvester domains`): all domains, `--new`, `--rising`, each with the
domain's category from the bundled file, optionally limited to one category.

Times are naive UTC datetimes; the commands render them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from harvester_cli import errors
from harvester_cli.extraction import categories as categories_mod
from harvester_cli.store import domains as domains_store
from harvester_cli.store.base import Store
from harvester_cli.store.domains import DomainFilter

#: a domain is rising only with at least this many mentions in the window (`--min-mentions`)
MIN_MENTIONS = 5


def category_filter(category: str | None) -> DomainFilter | None:
    """The SQL filter of one category (bad input when it is not one)."""
    if category is None:
        return None
    if category not in categories_mod.CATEGORIES:
        raise errors.BadInput(f"unknown --category {category!r}; use one of {', '.join(categories_mod.CATEGORIES)}")
    names, suffixes = categories_mod.load().members(category)
    return DomainFilter(tuple(names), tuple(suffixes))


def with_categories(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    table = categories_mod.load()
    for row in rows:
        row["category"] = table.of(row["domain"])
    return rows


def domains(
    store: Store,
    *,
    since: dt.datetime | None,
    top: int | None,
    video_id: int | None = None,
    category: str | None = None,
) -> list[dict[str, Any]]:
    """Every domain (of that video, in that category) by mentions in the window."""
    only = category_filter(category)
    return with_categories(domains_store.report(store, since=since, top=top, video_id=video_id, only=only))


def new_domains(
    store: Store, *, since: dt.datetime, top: int | None, category: str | None = None
) -> list[dict[str, Any]]:
    """Domains first seen (a comment written) at or after `since`."""
    only = category_filter(category)
    return with_categories(domains_store.new(store, since=since, top=top, only=only))


def rising_domains(
    store: Store,
    *,
    now: dt.datetime,
    length: dt.timedelta,
    top: int | None,
    min_mentions: int = MIN_MENTIONS,
    category: str | None = None,
) -> list[dict[str, Any]]:
    """Domains mentioned at least `min_mentions` times in the last `length` and more than in the
    `length` before it, by growth (mentions / previous, the previous counted as at least 1)."""
    only = category_filter(category)
    rows = domains_store.rising(store, start=now - length, length=length, top=top, min_mentions=min_mentions, only=only)
    for row in rows:
        row["growth"] = growth(row["mentions"], row["previous"])
    return with_categories(rows)


def growth(mentions: int, previous: int) -> float:
    """How many times the mentions of the window before: previous counted as at least 1."""
    return round(mentions / max(previous, 1), 2)
