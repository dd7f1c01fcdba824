"""The daily API request budget, shared by every run through `api_usage`."""

from __future__ import annotations

from harvester_cli import errors
from harvester_cli.store import usage
from harvester_cli.store.base import Store


class Budget:
    def __init__(self, store: Store, source: str, limit: int):
        self.store = store
        self.source = source
        self.limit = limit

    def spend(self) -> None:
        """Count one request; raise QuotaExhausted when today's budget is spent."""
        if not usage.reserve(self.store, self.source, self.limit):
            raise errors.QuotaExhausted(
                f"daily request budget of {self.limit} for {self.source} is spent; work resumes after 00:00 UTC "
                "(raise harvester_daily_request_budget if your quota allows)"
            )

    def exhausted(self) -> None:
        usage.exhaust(self.store, self.source, self.limit)


def deps_for(rc, source_name: str, transport=None):
    """SourceDeps wired to a run: its settings, retry policy, stop flag, budget and log."""
    from harvester_cli.sources.base import SourceDeps

    budget = Budget(rc.store, source_name, rc.settings["HARVESTER_DAILY_REQUEST_BUDGET"])
    return SourceDeps(
        settings=rc.settings, policy=rc.retry_policy, stop=rc.stop,
        spend=budget.spend if source_name != "files" else (lambda: None),
        exhausted=budget.exhausted,
        note=lambda message: rc.log("source.note", message, level="warning"),
        transport=transport,
    )
