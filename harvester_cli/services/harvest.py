"""Harvesting: claim queued videos, fetch up to N comment pages each, store every page as it comes.

Fetching inside a run is concurrent and bounded (HARVESTER_FETCH_CONCURRENCY): videos are
harvested in parallel, the pages of one video in order (each needs the previous cursor).
The fetch slots are kept busy: a new video starts as soon as one finishes, and claims are
topped up while videos are in flight (no slot idles until a whole batch is done). Fetch
threads only fetch; the run's own thread writes the results, so a fetch slot does not wait
for comment writes (SQLite has one writer at a time). (Each request still passes the daily
budget in `api_usage`, through the source.)
Each answered page is written in one transaction with the video's cursor and page count, so
no answered page is thrown away: a run stopped by the kill switch, the quota, its deadline or
SIGTERM keeps what it received, and the next run fetches only the remaining pages (after
SIGKILL, at most the pages in flight are fetched again); a crash never leaves half a page.
The last page's transaction also marks the video done. A video that still fails after retries
goes to the dead-letter queue (its stored pages stay); the daily quota ends the run cleanly
with the rest still queued. The queue skips videos that reported 0 comments and, in `yield`
order (HARVESTER_HARVEST_ORDER), takes the videos with the most expected new comments first.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from harvester_cli import errors
from harvester_cli.models import Comment
from harvester_cli.runtime.runner import KILL_SWITCH_CHECK_SECONDS, RunContext
from harvester_cli.sources.http import PageGuard
from harvester_cli.store import comments as comments_store
from harvester_cli.store import videos as videos_store

FATAL_STATUSES = (401, 403)
#: comment pages in a row that say has_more but bring no comments or a cursor that does not move
#: forward, before the video goes to the dead-letter queue (an endless cursor; 2 = the default
#: HARVESTER_MAX_PAGES, so the video is never finished as done on such pages)
NO_PROGRESS_PAGES = 2


class _Quota:
    def __init__(self) -> None:
        self.hit = threading.Event()
        self.message = ""
        self._lock = threading.Lock()

    def record(self, message: str) -> None:
        with self._lock:
            if not self.hit.is_set():
                self.message = message
                self.hit.set()


class _ClaimLost(Exception):
    """The run no longer holds the video's claim."""


@dataclass
class _Fetched:
    """What one step of fetching a video gave: a page, the end of the video, or why it stopped."""

    video_id: int
    comments: list[Comment] = field(default_factory=list)
    page: bool = False  # an answered page (possibly empty) to store
    cursor: int | None = None  # where the next page starts
    last: bool = False  # nothing more to fetch for this video: it is done
    quota: bool = False  # the quota ran out: give the video back to the queue
    error: errors.SourceError | None = None  # failed after retries: dead-letter it
    stored: threading.Event = field(default_factory=threading.Event)  # set once the run's thread wrote it


def _fetch(
    rc: RunContext, source, video: videos_store.Claimed, max_pages: int, quota: _Quota, emit: Callable[[_Fetched], None]
) -> None:
    """Fetch one video's remaining pages, in order, handing each to `emit` as it arrives (in a
    fetch thread; the run's thread stores them)."""
    cursor = video.cursor
    left = max_pages - video.pages
    guard = PageGuard(f"comments of video {video.id}", limit=NO_PROGRESS_PAGES)
    try:
        if left <= 0:
            emit(_Fetched(video.id, last=True))
            return
        for n in range(1, left + 1):
            rc.checkpoint()
            if quota.hit.is_set():
                raise errors.QuotaExhausted(quota.message)
            page = source.fetch_comments(video.id, cursor)
            more = page.has_more and page.cursor is not None
            if more:  # raises NoProgress (dead-lettered) before a no-progress page is stored
                guard.page(records=len(page.comments), cursor=0 if cursor is None else cursor, next_cursor=page.cursor)
            cursor = page.cursor if more else None
            emit(_Fetched(video.id, list(page.comments), page=True, cursor=cursor, last=not more or n == left))
            if not more:
                return
    except errors.QuotaExhausted as exc:
        quota.record(str(exc))  # the other threads stop before their next request
        emit(_Fetched(video.id, quota=True))
    except errors.SourceError as exc:
        if exc.status in FATAL_STATUSES:
            raise
        emit(_Fetched(video.id, error=exc))


def harvest(
    rc: RunContext,
    source,
    *,
    max_pages: int,
    limit: int | None = None,
    video_ids: Sequence[int] = (),
    progress: Callable[[int], None] = lambda n: None,
) -> str:
    """Harvest claimed videos until the queue (or `limit`) is done; returns a one-line summary."""
    concurrency = rc.settings["HARVESTER_FETCH_CONCURRENCY"]
    batch_size = max(rc.settings["HARVESTER_HARVEST_BATCH_SIZE"], concurrency)
    lease = dt.timedelta(minutes=rc.settings.timeout_minutes("harvesting"))
    quota = _Quota()
    totals = {"videos": 0, "pages": 0, "comments": 0, "dead_lettered": 0}
    remaining = limit
    todo: queue.Queue[videos_store.Claimed | None] = queue.Queue()  # claimed by this run, not started yet
    order = rc.settings["HARVESTER_HARVEST_ORDER"]
    prepare = getattr(source, "prepare_comments", None)
    if prepare is not None:
        prepare()  # a source may refuse (the files source: a half-written dataset) before any claim
    if not video_ids:
        posted_before = rc.store.now() - dt.timedelta(days=rc.settings["HARVESTER_EMPTY_VIDEO_DAYS"])
        totals["finished_empty"] = videos_store.finish_empty(rc.store, posted_before)
    # (fetched video, None) | (None, the exception that ended a fetch thread) | (None, None): a thread ended
    results: queue.Queue[tuple[_Fetched | None, BaseException | None]] = queue.Queue()
    closed = False  # nothing more will be claimed; the fetch threads were told to finish

    def emit(step: _Fetched) -> None:
        """Hand a step to the run's thread and wait until it is written before the next request:
        a run killed outright loses at most one answered page per fetch slot. A stopping run
        stops waiting; what is queued is written while it winds down."""
        results.put((step, None))
        while not step.stored.wait(KILL_SWITCH_CHECK_SECONDS) and not rc.stop.is_set():
            pass

    def fetcher() -> None:
        """One fetch slot: take the next claimed video as soon as the last one is fetched."""
        try:
            while (video := todo.get()) is not None:
                _fetch(rc, source, video, max_pages, quota, emit)
        except BaseException as exc:  # noqa: BLE001 - handed to the run's thread
            results.put((None, exc))
        finally:
            results.put((None, None))

    def close(drain: bool = True) -> list[videos_store.Claimed]:
        """Stop claiming; the fetch threads end after what they hold. Returns unstarted videos
        (taken off the queue), or with `drain=False` leaves them queued to be fetched first."""
        nonlocal closed
        closed = True
        unstarted = []
        while drain:
            try:
                video = todo.get_nowait()
            except queue.Empty:
                break
            if video is not None:
                unstarted.append(video)
        for _ in range(concurrency):  # one end mark per fetch thread (spare ones are harmless)
            todo.put(None)
        return unstarted

    def top_up() -> None:
        """Claim the next batch while fewer videos wait than there are fetch slots."""
        nonlocal remaining
        if closed or todo.qsize() >= concurrency:
            return
        size = batch_size if remaining is None else min(batch_size, remaining)
        got = (
            videos_store.claim(
                rc.store, rc.run_id, size, rc.store.now() + lease, video_ids or None, order=order, max_pages=max_pages
            )
            if size > 0
            else []
        )
        if remaining is not None:
            remaining -= len(got)
        for video in got:
            todo.put(video)
        if not got:
            close(drain=False)  # the queue is empty: what was claimed is still fetched

    def store(result: _Fetched) -> None:
        """Write one step of a video (the run's thread only), then let its fetch slot go on."""
        try:
            write(result)
        finally:
            result.stored.set()

    def write(result: _Fetched) -> None:
        video_id = result.video_id
        if result.quota:
            videos_store.release_one(rc.store, video_id, rc.run_id)
            return
        if result.error is not None:
            exc = result.error
            videos_store.fail_harvest(rc.store, video_id, rc.run_id, rc.scrub(str(exc)))
            rc.dead_letter(str(video_id), {"video_id": str(video_id), "max_pages": max_pages}, exc)
            rc.failed()
            totals["dead_lettered"] += 1
            progress(1)
            return
        try:
            with rc.store.tx() as conn:
                if result.page:
                    saved = comments_store.save(conn, rc.store, video_id, result.comments)
                    if not videos_store.save_page(
                        conn, rc.store, video_id, rc.run_id, cursor=result.cursor, last=result.last
                    ):
                        raise _ClaimLost  # expired and taken over by another run: keep nothing
                else:
                    videos_store.finish_harvest(conn, rc.store, video_id, rc.run_id)
        except _ClaimLost:
            rc.log(
                "harvest.claim_lost",
                f"video {video_id}: this run's claim expired and was taken over; its page was not stored",
                level="warning",
            )
            return
        if result.page:
            totals["pages"] += 1
            totals["comments"] += saved
        if result.last:
            rc.ok()
            totals["videos"] += 1
            progress(1)

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="harvest") as pool:
        slots = [pool.submit(fetcher) for _ in range(concurrency)]
        running = concurrency
        try:
            while running:
                rc.checkpoint()
                if quota.hit.is_set() and not closed:
                    for video in close():  # claimed but never started: back to the queue
                        videos_store.release_one(rc.store, video.id, rc.run_id)
                top_up()
                try:
                    result, failure = results.get(timeout=KILL_SWITCH_CHECK_SECONDS)
                except queue.Empty:
                    continue
                if failure is not None:
                    if isinstance(failure, errors.RunStopped):
                        rc.checkpoint()  # a request cut short by the stop flag: the run's own reason
                    raise failure  # a fatal source error, or a fetch thread stopped at a checkpoint
                if result is None:
                    running -= 1
                    continue
                store(result)
        except BaseException as exc:
            rc.stop.set()  # the fetch threads stop at their next checkpoint
            close()  # claims not finished are released by the runner
            wait(slots)
            # what was fetched completely is kept (unless the store itself is failing)
            keep = not isinstance(exc, errors.StoreError)
            while keep:
                try:
                    result, _failure = results.get_nowait()
                except queue.Empty:
                    break
                if result is not None:
                    try:
                        store(result)
                    except BaseException:  # noqa: BLE001 - the first error is the one reported
                        keep = False
            raise

    note = f"; stopped early: {quota.message}" if quota.hit.is_set() else ""
    if quota.hit.is_set():
        rc.log("quota.exhausted", quota.message, level="warning")
    rc.details.update(totals)
    summary = (
        f"{totals['videos']} videos, {totals['pages']} pages, {totals['comments']} comments stored"
        + (
            f", {totals['finished_empty']} finished as empty (0 comments reported)"
            if totals.get("finished_empty")
            else ""
        )
        + (f", {totals['dead_lettered']} dead-lettered" if totals["dead_lettered"] else "")
        + note
    )
    rc.log("harvest.done", summary, details=totals)
    return summary
