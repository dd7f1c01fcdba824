"""Each job as one recorded run: discovery, harvesting, extraction, and dead-letter replays."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from harvester_cli import errors
from harvester_cli.context import Context
from harvester_cli.runtime import runner
from harvester_cli.runtime.runner import RunResult
from harvester_cli.store import dlq as dlq_store
from harvester_cli.store import videos as videos_store

Progress = Callable[[int], None]


@contextlib.contextmanager
def _source(rc, transport=None, state_dir=None) -> Iterator[tuple[Any, Any]]:
    """The configured source for a run and its budget; the source is closed, and the unsent
    budget given back, at the end."""
    from harvester_cli.services.budget import deps_for
    from harvester_cli.sources.registry import open_source

    name = rc.settings["HARVESTER_SOURCE"]
    if not name:
        raise errors.ConfigError("HARVESTER_SOURCE is not set; set it to tiktok, worker or files")
    deps, budget = deps_for(rc, name, transport, state_dir)
    source = open_source(rc.settings, deps)
    try:
        yield source, budget
    finally:
        try:
            source.close()
        finally:
            budget.release()


def _run(c: Context, job_type: str, params: dict[str, Any], work) -> RunResult:
    precheck = None
    if job_type in ("discovery", "harvesting"):  # a configuration mistake: exit 2, no run recorded
        from harvester_cli.sources.registry import check_settings

        settings = c.settings()
        precheck = lambda: check_settings(settings)  # noqa: E731
    return runner.run_job(
        c.store(), c.settings(), c.slots(), job_type, params, work, secrets=c.secrets(), precheck=precheck
    )


def run_discovery(
    c: Context, *, limit: int | None = None, force_refresh: bool = False, video_ids: Sequence[int] = (), transport=None
) -> RunResult:
    from harvester_cli.services.discover import discover

    state_dir = c.state_dir()

    def work(rc):
        with _source(rc, transport, state_dir) as (source, _budget):
            return discover(rc, source, limit=limit, force_refresh=force_refresh, video_ids=video_ids)

    params = {"limit": limit, "force_refresh": force_refresh, "video_ids": [str(v) for v in video_ids]}
    return _run(c, "discovery", params, work)


def run_harvesting(
    c: Context,
    *,
    max_pages: int | None = None,
    limit: int | None = None,
    video_ids: Sequence[int] = (),
    progress: Progress = lambda n: None,
    transport=None,
) -> RunResult:
    from harvester_cli.services.budget import harvesting_cap
    from harvester_cli.services.discover import discovery_days_due
    from harvester_cli.services.harvest import harvest

    pages = max_pages or c.settings()["HARVESTER_MAX_PAGES"]

    state_dir = c.state_dir()

    def work(rc):
        with _source(rc, transport, state_dir) as (source, budget):
            if discovery_days_due(rc, source):
                budget.cap = lambda: harvesting_cap(
                    rc.store, budget.limit, rc.settings["HARVESTER_DISCOVERY_BUDGET_PERCENT"]
                )
            return harvest(rc, source, max_pages=pages, limit=limit, video_ids=video_ids, progress=progress)

    params = {"max_pages": pages, "limit": limit, "video_ids": [str(v) for v in video_ids]}
    return _run(c, "harvesting", params, work)


def run_extraction(c: Context, *, limit: int | None = None, progress: Progress = lambda n: None) -> RunResult:
    from harvester_cli.services.extract import extract

    return _run(c, "extraction", {"limit": limit}, lambda rc: extract(rc, limit=limit, progress=progress))


def _replay_harvesting(c: Context, items: list[dict[str, Any]], transport=None) -> RunResult:
    ids: list[int] = []
    for item in items:
        try:
            ids.append(int(item["payload"]["video_id"]))
        except (KeyError, TypeError, ValueError):
            raise errors.BadInput(
                f"dead-letter item {item['id']} has no replayable video_id in its payload; "
                "discard it with `harvester dlq discard`"
            ) from None
    videos_store.requeue(c.store(), ids)
    max_pages = max((int(i["payload"].get("max_pages") or 0) for i in items), default=0) or None
    return run_harvesting(c, max_pages=max_pages, video_ids=ids, transport=transport)


REPLAYERS: dict[str, Callable[..., RunResult]] = {"harvesting": _replay_harvesting}


def replay(c: Context, items: list[dict[str, Any]], transport=None) -> list[RunResult]:
    """Run dead-letter items again, one recorded run per job type; successes resolve them."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(item["job_type"], []).append(item)
    unknown = sorted(set(groups) - set(REPLAYERS))
    if unknown:
        raise errors.BadInput(f"no replay exists for job type(s) {unknown}; discard those items instead")
    results = []
    for job_type, group in groups.items():
        dlq_store.set_status(c.store(), [i["id"] for i in group], "retrying", from_statuses=("pending",))
        try:
            results.append(REPLAYERS[job_type](c, group, transport=transport))
        finally:
            # whatever the run did not resolve is pending again, with its attempt counted
            dlq_store.set_status(c.store(), [i["id"] for i in group], "pending", from_statuses=("retrying",))
    return results
