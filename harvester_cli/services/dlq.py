"""The dead-letter queue: list, show, discard, and replay items through their job type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harvester_cli import errors
from harvester_cli.store import dlq as dlq_store
from harvester_cli.store import logs
from harvester_cli.store.base import Store

# job_type -> function(payloads) that runs those items again as one recorded run.
Replayer = Callable[[list[dict[str, Any]]], Any]


def list_items(store: Store, *, status: str | None, limit: int = 100) -> list[dict[str, Any]]:
    if status and status not in dlq_store.STATUSES:
        raise errors.BadInput(f"unknown status {status!r}; use one of {', '.join(dlq_store.STATUSES)}")
    return dlq_store.list_items(store, status=status, limit=limit)


def show(store: Store, item_id: int) -> dict[str, Any]:
    item = dlq_store.get(store, item_id)
    if item is None:
        raise errors.NotFound(f"dead-letter item {item_id} does not exist; `harvester dlq list` shows the ids")
    return item


OPEN = ("pending", "retrying")


def _require(store: Store, ids: list[int]) -> list[dict[str, Any]]:
    items = [show(store, i) for i in dict.fromkeys(ids)]
    return items


def _refuse_closed(items: list[dict[str, Any]], action: str) -> None:
    """Bad input (exit 2) when any named item is already resolved or discarded; nothing changes."""
    closed = [i for i in items if i["status"] not in OPEN]
    if not closed:
        return
    if len(closed) == 1:
        what = f"dead-letter item {closed[0]['id']} is already {closed[0]['status']}"
    else:
        what = "dead-letter items " + ", ".join(f"{i['id']} ({i['status']})" for i in closed) + " are already closed"
    raise errors.BadInput(f"{what}; nothing was {action}; `harvester dlq list --status pending` shows the open ones")


def discard(store: Store, ids: list[int], *, by: str | None = None) -> int:
    """Give up on open items. Naming one that is already resolved or discarded is bad input and
    discards nothing."""
    items = _require(store, ids)
    _refuse_closed(items, "discarded")
    open_ids = [i["id"] for i in items]
    n = dlq_store.set_status(store, open_ids, "discarded", from_statuses=OPEN)
    if n:
        logs.write(
            store,
            "dlq.discarded",
            f"discarded dead-letter items {open_ids} ({by or 'unknown'})",
            level="warning",
            details={"ids": open_ids},
        )
    return n


def pending_for_retry(store: Store, ids: list[int] | None, *, all_pending: bool) -> list[dict[str, Any]]:
    """The items a `dlq retry` would replay; already resolved or discarded ones are refused."""
    if all_pending:
        return dlq_store.list_items(store, status="pending", limit=100_000)
    if not ids:
        raise errors.BadInput("name dead-letter ids to retry, or use --all")
    items = _require(store, ids)
    _refuse_closed(items, "retried")
    return items


def group_by_job(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(item["job_type"], []).append(item)
    return groups
