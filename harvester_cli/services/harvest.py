"""Harvesting: claim queued videos, fetch up to N comment pages each, store them atomically.

Fetching inside a run is concurrent and bounded (HARVESTER_FETCH_CONCURRENCY): videos are
harvested in parallel, the pages of one video in order (each needs the previous cursor).
A video's comments and its `done` mark are written in one transaction, so a crash never
leaves a video half-harvested. A video that still fails after retries goes to the
dead-letter queue; the daily quota ends the run cleanly with the rest still queued.
"""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Callable, Sequence

from harvester_cli import errors
from harvester_cli.models import Comment
from harvester_cli.runtime.runner import RunContext
from harvester_cli.store import comments as comments_store
from harvester_cli.store import videos as videos_store

FATAL_STATUSES = (401, 403)


class _Quota:
    def __init__(self) -> None:
        self.hit = threading.Event()
        self.message = ""


def _harvest_one(rc: RunContext, source, video_id: int, max_pages: int, quota: _Quota) -> tuple[int, int]:
    """Fetch and store one video's pages; returns (pages, comments)."""
    collected: list[Comment] = []
    cursor = None
    pages = 0
    for _ in range(max_pages):
        rc.checkpoint()
        if quota.hit.is_set():
            raise errors.QuotaExhausted(quota.message)
        page = source.fetch_comments(video_id, cursor)
        pages += 1
        collected.extend(page.comments)
        if not page.has_more or page.cursor is None:
            break
        cursor = page.cursor
    with rc.store.tx() as conn:
        saved = comments_store.save(conn, rc.store, video_id, collected)
        videos_store.finish_harvest(conn, rc.store, video_id, rc.run_id, pages=pages)
    return pages, saved


def harvest(rc: RunContext, source, *, max_pages: int, limit: int | None = None,
            video_ids: Sequence[int] = (), progress: Callable[[int], None] = lambda n: None) -> str:
    """Harvest claimed videos until the queue (or `limit`) is done; returns a one-line summary."""
    concurrency = rc.settings["HARVESTER_FETCH_CONCURRENCY"]
    batch_size = max(rc.settings["HARVESTER_HARVEST_BATCH_SIZE"], concurrency)
    lease = dt.timedelta(minutes=rc.settings.timeout_minutes("harvesting"))
    quota = _Quota()
    totals = {"videos": 0, "pages": 0, "comments": 0, "dead_lettered": 0}
    lock = threading.Lock()
    remaining = limit

    def task(video_id: int) -> None:
        try:
            pages, saved = _harvest_one(rc, source, video_id, max_pages, quota)
        except errors.QuotaExhausted as exc:
            if not quota.hit.is_set():
                quota.message = str(exc)
                quota.hit.set()
            videos_store.release_one(rc.store, video_id, rc.run_id)
            return
        except errors.SourceError as exc:
            if exc.status in FATAL_STATUSES:
                raise
            message = rc.scrub(str(exc))
            videos_store.fail_harvest(rc.store, video_id, rc.run_id, message)
            rc.dead_letter(str(video_id), {"video_id": str(video_id), "max_pages": max_pages}, exc)
            rc.failed()
            with lock:
                totals["dead_lettered"] += 1
            progress(1)
            return
        rc.ok()
        with lock:
            totals["videos"] += 1
            totals["pages"] += pages
            totals["comments"] += saved
        progress(1)

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="harvest") as pool:
        while not quota.hit.is_set():
            rc.checkpoint()
            size = batch_size if remaining is None else min(batch_size, remaining)
            if size <= 0:
                break
            lease_until = rc.store.now() + lease
            claimed = videos_store.claim(rc.store, rc.run_id, size, lease_until, video_ids or None)
            if not claimed:
                break
            if remaining is not None:
                remaining -= len(claimed)
            futures = [pool.submit(task, vid) for vid in claimed]
            done, pending = wait(futures, return_when=FIRST_EXCEPTION)
            failure = next((f.exception() for f in done if f.exception() is not None), None)
            if failure is not None:
                rc.stop.set()  # the other workers stop at their next checkpoint
                wait(pending)
                raise failure
    note = f"; stopped early: {quota.message}" if quota.hit.is_set() else ""
    if quota.hit.is_set():
        rc.log("quota.exhausted", quota.message, level="warning")
    rc.details.update(totals)
    summary = (f"{totals['videos']} videos, {totals['pages']} pages, {totals['comments']} comments stored"
               + (f", {totals['dead_lettered']} dead-lettered" if totals["dead_lettered"] else "") + note)
    rc.log("harvest.done", summary, details=totals)
    return summary
