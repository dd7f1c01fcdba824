"""What `harvester metrics` exports: the values, gathered from the store.

Per job type: runs by status and items ok/failed over every run the store keeps (cleanup
removes runs older than the retention), the last run, success and duration, and the runs in
progress. Then the work queues, the dead-letter queue by status, today's API requests and the
budget, the discovery ledger's coverage, the kill switch and what the store holds.

Values only (datetimes are naive UTC, as stored); `commands/metrics.py` renders them in the
Prometheus exposition format.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from harvester_cli.runtime import killswitch
from harvester_cli.services import budget as budget_service
from harvester_cli.settings import JOB_TYPES
from harvester_cli.store import dlq, queues, runs, usage
from harvester_cli.store import ledger as ledger_store
from harvester_cli.store import mentions as mentions_store
from harvester_cli.store.base import Store

#: every status a run row can have, each exported even at 0 (a counter that appears late hides its first runs)
RUN_STATUSES = ("running",) + runs.FINAL_STATUSES
#: statuses whose duration is the time a run worked (a skipped run took 0 s, an abandoned one has none)
WORKED = ("succeeded", "failed", "cancelled", "timed_out")
#: further back than any store: "every run kept"
_EVER = dt.datetime(1970, 1, 1)


def _later(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    if a is None:
        return b
    return a if b is None or a >= b else b


def job_totals(store: Store) -> dict[str, dict[str, Any]]:
    """Per job type: runs by status, items ok/failed, runs in progress, and the last run
    (when it started, skipped runs included: cron fired), the last success (when it finished)
    and the duration of the latest run that worked."""
    totals: dict[str, dict[str, Any]] = {}

    def entry(job_type: str) -> dict[str, Any]:
        if job_type not in totals:
            totals[job_type] = {
                "runs": dict.fromkeys(RUN_STATUSES, 0),
                "items_ok": 0,
                "items_failed": 0,
                "running": 0,
                "last_run_at": None,
                "last_success_at": None,
                "last_duration_seconds": None,
            }
        return totals[job_type]

    for job_type in JOB_TYPES:
        entry(job_type)
    for job_type, grouped in runs.totals_by_type(store, WORKED).items():
        item = entry(job_type)
        for status, row in grouped["statuses"].items():
            item["runs"][status] = item["runs"].get(status, 0) + row["runs"]
            item["items_ok"] += row["items_ok"]
            item["items_failed"] += row["items_failed"]
            item["last_run_at"] = _later(item["last_run_at"], row["last_started_at"])
        item["running"] = grouped["statuses"].get("running", {}).get("runs", 0)
        item["last_success_at"] = grouped["statuses"].get("succeeded", {}).get("last_finished_at")
        if grouped["last_duration_seconds"] is not None:
            item["last_duration_seconds"] = float(grouped["last_duration_seconds"])
    return totals


def content(store: Store) -> dict[str, int]:
    """What the store holds: videos, comments, domains (every domain ever found: cleanup keeps
    them) and domain mentions (a comment that mentions a domain counts once for it)."""
    held = usage.found_since(store, _EVER)
    return {
        "videos": held["videos"],
        "comments": held["comments"],
        "domains": held["domains"],
        "domain_mentions": mentions_store.count(store),
    }


def collect(store: Store, settings) -> dict[str, Any]:
    """Every value `harvester metrics` exports."""
    budget = budget_service.report(store, settings)
    ledger = budget["ledger"]
    dead_letter = dict.fromkeys(dlq.STATUSES, 0)
    dead_letter.update(dlq.counts(store))
    state = killswitch.status(store)
    return {
        "jobs": job_totals(store),
        "queues": queues.depths(store),
        "dead_letter": dead_letter,
        "api": {
            "day": budget["day"],
            "budget": budget["budget"],
            "requests_today": budget["by_job_type"],
            "discovery_share": budget["discovery_share"]["requests"],
            "discovery_share_in_force": budget["discovery_share"]["in_force"],
        },
        # the tiktok source scans by UTC day; the others have no ledger
        "discovery_days": None if ledger is None else {state: ledger[state] for state in ledger_store.STATES},
        "kill_switch": {"active": state["active"]},
        "store": content(store),
    }
