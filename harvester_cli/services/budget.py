"""The daily API request budget, shared by every run (and host) through `api_usage`.

The budget is split so that neither job type starves the other: discovery spends at most
HARVESTER_DISCOVERY_BUDGET_PERCENT of the day while videos wait in the harvest queue, and
harvesting leaves discovery's unspent share alone while the ledger has days due. When the
other job type has nothing to do, a job type may spend the whole budget.

A run reserves requests a few at a time (one short transaction per chunk rather than per
request, so concurrent fetch threads do not queue on one row) and gives back what it did not
send when it ends. A crashed run's unsent reservation stays counted: the budget errs on the
side of sending fewer requests than allowed, never more.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

from harvester_cli import errors
from harvester_cli.store import usage
from harvester_cli.store import videos as videos_store
from harvester_cli.store.base import Store, iso_utc


def discovery_share(limit: int, percent: float) -> int:
    return math.floor(limit * percent / 100)


class Budget:
    def __init__(self, store: Store, source: str, limit: int, chunk: int = 1, job_type: str | None = None):
        self.store = store
        self.source = source
        self.limit = limit
        self.chunk = max(1, chunk)
        self.job_type = job_type
        #: this job type's most requests today (None: the whole budget); asked at each reservation
        self.cap: Callable[[], tuple[int, str] | None] = lambda: None
        self._allowance = 0
        self._lock = threading.Lock()

    def spend(self) -> None:
        """Count one request; raise QuotaExhausted when today's budget (or this job's share) is spent."""
        with self._lock:
            if self._allowance == 0:
                capped = self.cap()
                cap, why = capped if capped is not None else (None, "")
                self._allowance = usage.reserve_up_to(
                    self.store, self.source, self.limit, self.chunk, self.job_type, cap
                )
                if self._allowance == 0 and cap is not None and usage.used_today(self.store, self.source) < self.limit:
                    raise errors.QuotaExhausted(why)
            if self._allowance == 0:
                raise errors.QuotaExhausted(
                    f"daily request budget of {self.limit} for {self.source} is spent; work resumes after "
                    "00:00 UTC (raise harvester_daily_request_budget if your quota allows)"
                )
            self._allowance -= 1

    def exhausted(self) -> None:
        """The API itself says the quota is used up: no run sends more today."""
        with self._lock:
            self._allowance = 0
        usage.exhaust(self.store, self.source, self.limit)

    def release(self) -> None:
        """Give back what was reserved and not sent."""
        with self._lock:
            unsent, self._allowance = self._allowance, 0
        if unsent:
            usage.refund(self.store, self.source, unsent, self.job_type)


def deps_for(rc, source_name: str, transport=None, state_dir=None):
    """SourceDeps wired to a run: its settings, retry policy, stop flag, budget and log.

    A harvesting run sets `budget.cap` itself (with `harvesting_cap`) once it knows whether
    discovery has days due.

    Returns (deps, budget); call budget.release() when the run is done with the source.
    """
    from harvester_cli.sources.base import SourceDeps

    limit = rc.settings["HARVESTER_DAILY_REQUEST_BUDGET"]
    chunk = rc.settings["HARVESTER_FETCH_CONCURRENCY"] if rc.job_type == "harvesting" else 1
    budget = Budget(rc.store, source_name, limit, chunk=chunk, job_type=rc.job_type)
    if rc.job_type == "discovery":
        budget.cap = lambda: discovery_cap(rc.store, limit, rc.settings["HARVESTER_DISCOVERY_BUDGET_PERCENT"])
    deps = SourceDeps(
        settings=rc.settings,
        policy=rc.retry_policy,
        stop=rc.stop,
        spend=budget.spend if source_name != "files" else (lambda: None),
        exhausted=budget.exhausted,
        note=lambda message: rc.log("source.note", message, level="warning"),
        transport=transport,
        state_dir=state_dir,
    )
    return deps, budget


def discovery_cap(store: Store, limit: int, percent: float) -> tuple[int, str] | None:
    """Discovery's share while harvestable videos wait; the whole budget when none do."""
    waiting = videos_store.harvestable_count(store, at_most=1)
    if not waiting:
        return None
    share = discovery_share(limit, percent)
    return share, (
        f"discovery's share of today's budget ({share} of {limit} requests, "
        f"HARVESTER_DISCOVERY_BUDGET_PERCENT={percent:g}) is spent while videos wait to be "
        "harvested; discovery continues where it stopped when the queue is empty or after "
        "00:00 UTC"
    )


def harvesting_cap(store: Store, limit: int, percent: float) -> tuple[int, str] | None:
    """While discovery has days due, harvesting leaves discovery's unspent share alone."""
    share = discovery_share(limit, percent)
    unspent = max(0, share - usage.by_job_today(store)["discovery"])
    if not unspent:
        return None
    return limit - share, (
        f"harvesting's share of today's budget is spent: {unspent} of {limit} requests "
        f"stay for discovery, which has days to scan (HARVESTER_DISCOVERY_BUDGET_PERCENT="
        f"{percent:g}); harvesting continues after 00:00 UTC or once discovery is done"
    )


def ledger_queries_for(settings):
    """The ledger's queries for the configured source (only tiktok scans by day)."""
    if settings["HARVESTER_SOURCE"] != "tiktok":
        return []
    from harvester_cli.sources.tiktok import ledger_queries

    return ledger_queries(settings)


def report(store: Store, settings) -> dict:
    """`harvester budget`: today's requests by job type, what is left, the pace, the yield and
    the discovery ledger's coverage of the look-back window."""
    import datetime as dt

    from harvester_cli.store import ledger

    now = store.now()
    midnight = dt.datetime.combine(now.date(), dt.time())
    limit = settings["HARVESTER_DAILY_REQUEST_BUDGET"]
    percent = settings["HARVESTER_DISCOVERY_BUDGET_PERCENT"]
    used = usage.by_job_today(store)
    left = max(0, limit - used["total"])
    hours = max((now - midnight).total_seconds() / 3600, 1 / 60)
    per_hour = used["total"] / hours
    if used["total"] >= limit:
        runs_out, state = None, "spent"
    elif per_hour > 0 and midnight + dt.timedelta(hours=limit / per_hour) < midnight + dt.timedelta(days=1):
        runs_out, state = midnight + dt.timedelta(hours=limit / per_hour), "will run out"
    else:
        runs_out, state = None, "lasts the day"
    found = usage.found_since(store, midnight)
    waiting = videos_store.harvestable_count(store)
    queries = ledger_queries_for(settings)
    days = ledger.window(now.date(), int(settings["HARVESTER_DISCOVERY_DAYS"]))
    settle = dt.timedelta(hours=settings["HARVESTER_DISCOVERY_SETTLE_HOURS"])
    coverage = ledger.coverage(store, queries, days) if queries else None
    next_due = ledger.next_due(store, queries, days, settle) if queries else None

    def ratio(a: int, b: int, scale: int = 1) -> float | None:
        return round(a * scale / b, 2) if b else None

    return {
        "day": now.strftime("%Y-%m-%d"),
        "budget": limit,
        "used": used["total"],
        "left": left,
        "by_job_type": {
            "discovery": used["discovery"],
            "harvesting": used["harvesting"],
            "other": max(0, used["total"] - used["discovery"] - used["harvesting"]),
        },
        "discovery_share": {
            "percent": percent,
            "requests": discovery_share(limit, percent),
            "in_force": waiting > 0,
            "videos_waiting": waiting,
        },
        "pace": {"requests_per_hour": round(per_hour, 1), "state": state, "runs_out_at": iso_utc(runs_out)},
        "yield": {
            "new_videos": found["videos"],
            "comments": found["comments"],
            "new_domains": found["domains"],
            "new_videos_per_discovery_request": ratio(found["videos"], used["discovery"]),
            "comments_per_comment_request": ratio(found["comments"], used["harvesting"]),
            "new_domains_per_100_requests": ratio(found["domains"], used["total"], 100),
        },
        "ledger": None
        if coverage is None
        else {"window_days": len(days), "queries": len(queries), **coverage, "next_due_at": iso_utc(next_due)},
    }


def line(data: dict) -> str:
    """The budget in one line (`watch`, `health`)."""
    share = data["discovery_share"]
    text = (
        f"budget {data['used']}/{data['budget']} today (discovery {data['by_job_type']['discovery']}, "
        f"harvesting {data['by_job_type']['harvesting']}), {data['left']} left, {data['pace']['state']}"
    )
    if data["pace"]["runs_out_at"]:
        text += f" at {data['pace']['runs_out_at']}"
    if share["in_force"]:
        text += f"; discovery capped at {share['requests']} while {share['videos_waiting']} videos wait"
    if data["ledger"]:
        ledger = data["ledger"]
        scanned, days = ledger["settled"] + ledger["complete"], ledger["window_days"] * ledger["queries"]
        text += f"; ledger {scanned}/{days} days scanned"
    return text
