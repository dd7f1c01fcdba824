"""Runs and metrics per job type: success rate, durations, last success, error types, queues."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from typing import Any

from harvester_cli.settings import JOB_TYPES
from harvester_cli.store import queues, runs
from harvester_cli.store.base import Store

FAILURES = ("failed", "timed_out", "abandoned")


def success_rate(statuses: list[str]) -> float | None:
    """succeeded / (succeeded + failed + timed_out + abandoned); skips and cancels don't count."""
    ok = statuses.count("succeeded")
    bad = sum(statuses.count(s) for s in FAILURES)
    return None if ok + bad == 0 else ok / (ok + bad)


def percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, math.ceil(pct / 100 * len(ordered)) - 1)
    return ordered[rank]


def metrics(store: Store, *, hours: int, job_type: str | None = None) -> dict[str, dict[str, Any]]:
    since = store.now() - dt.timedelta(hours=hours)
    rows = runs.finished_in_window(store, since=since, job_type=job_type)
    last = runs.last_success(store)
    by_type: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_type[row["job_type"]].append(row)
    result = {}
    for name in [job_type] if job_type else JOB_TYPES:
        items = by_type.get(name, [])
        statuses = [r["status"] for r in items]
        durations = [
            r["duration_seconds"]
            for r in items
            if r["status"] in ("succeeded", "failed", "timed_out") and r["duration_seconds"] is not None
        ]
        rate = success_rate(statuses)
        errors_seen = Counter(r["error_type"] for r in items if r["status"] in FAILURES and r["error_type"])
        last_at = last.get(name)
        p95 = percentile(durations, 95)
        result[name] = {
            "runs": len(items),
            "by_status": dict(Counter(statuses)),
            "success_rate": None if rate is None else round(rate, 4),
            "error_rate": None if rate is None else round(1 - rate, 4),
            "avg_seconds": round(sum(durations) / len(durations), 3) if durations else None,
            "p95_seconds": None if p95 is None else round(p95, 3),
            "last_success_at": last_at,
            "seconds_since_success": round((store.now() - last_at).total_seconds()) if last_at else None,
            "error_types": dict(errors_seen),
        }
    return result


def report(store: Store, *, hours: int, job_type: str | None = None, limit: int = 50) -> dict[str, Any]:
    since = store.now() - dt.timedelta(hours=hours)
    recent = runs.recent(store, since=since, job_type=job_type, limit=limit)
    fields = (
        "id",
        "job_type",
        "status",
        "started_at",
        "finished_at",
        "items_ok",
        "items_failed",
        "duration_seconds",
        "host",
        "pid",
        "slot",
        "error_type",
        "error",
    )
    return {
        "runs": [{k: r[k] for k in fields} for r in recent],
        "metrics": metrics(store, hours=hours, job_type=job_type),
        "queues": queues.depths(store),
        "window_hours": hours,
    }
