"""The daily API request budget, shared by every run (and host) through `api_usage`.

A run reserves requests a few at a time (one short transaction per chunk rather than per
request, so concurrent fetch threads do not queue on one row) and gives back what it did not
send when it ends. A crashed run's unsent reservation stays counted: the budget errs on the
side of sending fewer requests than allowed, never more.
"""

from __future__ import annotations

import threading

from harvester_cli import errors
from harvester_cli.store import usage
from harvester_cli.store.base import Store


class Budget:
    def __init__(self, store: Store, source: str, limit: int, chunk: int = 1):
        self.store = store
        self.source = source
        self.limit = limit
        self.chunk = max(1, chunk)
        self._allowance = 0
        self._lock = threading.Lock()

    def spend(self) -> None:
        """Count one request; raise QuotaExhausted when today's budget is spent."""
        with self._lock:
            if self._allowance == 0:
                self._allowance = usage.reserve_up_to(self.store, self.source, self.limit, self.chunk)
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
            usage.refund(self.store, self.source, unsent)


def deps_for(rc, source_name: str, transport=None):
    """SourceDeps wired to a run: its settings, retry policy, stop flag, budget and log.

    Returns (deps, budget); call budget.release() when the run is done with the source.
    """
    from harvester_cli.sources.base import SourceDeps

    budget = Budget(rc.store, source_name, rc.settings["HARVESTER_DAILY_REQUEST_BUDGET"],
                    chunk=rc.settings["HARVESTER_FETCH_CONCURRENCY"])
    deps = SourceDeps(
        settings=rc.settings, policy=rc.retry_policy, stop=rc.stop,
        spend=budget.spend if source_name != "files" else (lambda: None),
        exhausted=budget.exhausted,
        note=lambda message: rc.log("source.note", message, level="warning"),
        transport=transport,
    )
    return deps, budget
