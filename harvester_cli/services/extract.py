"""Extraction: turn pending comments into domain mentions, batch by batch.

PostgreSQL: each batch is claimed (SKIP LOCKED), extracted and written in one transaction, so
runs on many hosts share the queue, and `HARVESTER_EXTRACT_HELPERS` more threads of the run do
the same. SQLite has one writer: ranges of pending comments are read and extracted outside the
write lock, by this process and by `HARVESTER_EXTRACT_HELPERS` helper processes once the
backlog is more than one batch, and this process marks and writes each range in one short
transaction (see `store/mentions.py`).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from harvester_cli.extraction import find_linked_mentions
from harvester_cli.runtime.runner import RunContext
from harvester_cli.store import mentions as mentions_store
from harvester_cli.store import pending
from harvester_cli.store.engine import sqlite_path

Progress = Callable[[int], None]


def extract(rc: RunContext, *, limit: int | None = None, progress: Progress = lambda n: None) -> str:
    """Extract until no comment is pending (or `limit` comments are done); returns a summary."""
    path = sqlite_path(rc.store.url) if rc.store.dialect == "sqlite" else None
    if path is not None:
        done, found = _by_ranges(rc, str(path), limit, progress)
    else:
        done, found = _by_batches(rc, limit, progress)
    rc.details.update({"comments": done, "mentions": found})
    summary = f"{done} comments extracted, {found} domain mentions"
    rc.log("extract.done", summary, details={"comments": done, "mentions": found})
    return summary


def _by_batches(rc: RunContext, limit: int | None, progress: Progress) -> tuple[int, int]:
    """PostgreSQL: `HARVESTER_EXTRACT_HELPERS` + 1 threads, each with its own connection, claim,
    extract and write batches. Most of a batch's time is the server's, and a thread waiting on
    it lets another extract: 200k comments took 5.2 s with two threads against 8.3 s with one
    (bench/RESULTS.md). SKIP LOCKED keeps their batches apart, as it does for runs on other hosts."""
    batch_size = rc.settings["HARVESTER_EXTRACT_BATCH_SIZE"]
    threads = 1 + rc.settings["HARVESTER_EXTRACT_HELPERS"]
    lock = threading.Lock()
    totals = {"done": 0, "found": 0, "claimed": 0}
    failed = threading.Event()

    def take() -> int:
        """The size of the next batch to claim within `limit`; 0 when the limit is reached."""
        with lock:
            size = batch_size if limit is None else min(batch_size, limit - totals["claimed"])
            totals["claimed"] += max(size, 0)
            return max(size, 0)

    def work() -> None:
        try:
            while not failed.is_set():
                rc.checkpoint()
                size = take()
                if size == 0:
                    return
                n, m = mentions_store.process_batch(rc.store, size, find_linked_mentions)
                with lock:
                    totals["claimed"] -= size - n
                    totals["done"] += n
                    totals["found"] += m
                if n == 0:
                    return
                rc.ok(n)
                progress(n)
        except BaseException:
            failed.set()  # the others stop at their next batch
            raise

    if threads == 1:
        work()
    else:
        with ThreadPoolExecutor(threads, thread_name_prefix="extract") as pool:
            futures = [pool.submit(work) for _ in range(threads)]
        for future in futures:
            future.result()  # the first failure, as the run's own
    return totals["done"], totals["found"]


class _Ranges:
    """Hands out (lo, hi] ranges of about `size` pending comments in id order, `limit` in all."""

    def __init__(self, reader, size: int, limit: int | None):
        self.reader, self.size, self.limit = reader, size, limit
        self.lo = pending.FIRST
        self.handed = 0
        self.in_pass = 0
        self.exhausted = False

    def next(self) -> tuple[int, int] | None:
        if self.exhausted:
            return None
        want = self.size if self.limit is None else min(self.size, self.limit - self.handed)
        found = pending.next_range(self.reader, self.lo, want) if want > 0 else None
        if found is None:
            self.exhausted = True
            return None
        hi, n = found
        lo, self.lo = self.lo, hi
        self.handed += n
        self.in_pass += n
        return lo, hi

    def another_pass(self) -> bool:
        """Once every range is written: start over if this pass found anything, for comments
        stored behind the cursor while it ran (a harvest alongside). False when done."""
        if self.in_pass == 0 or (self.limit is not None and self.handed >= self.limit):
            return False
        self.lo, self.in_pass, self.exhausted = pending.FIRST, 0, False
        return True


def _by_ranges(rc: RunContext, db_path: str, limit: int | None, progress: Progress) -> tuple[int, int]:
    from harvester_cli.services.extract_helper import Helpers

    size = rc.settings["HARVESTER_EXTRACT_BATCH_SIZE"]
    wanted_helpers = rc.settings["HARVESTER_EXTRACT_HELPERS"]
    reader = pending.connect(db_path)
    ranges = _Ranges(reader, size, limit)
    redo: deque[tuple[int, int]] = deque()  # ranges a failed helper left unfinished
    helpers: Helpers | None = None
    done = found = 0

    def helper_failed(message: str) -> None:
        if not rc.stop.is_set():  # a helper stopped by the same signal as the run is no news
            rc.log("extract.helper_failed", message, level="warning")

    def next_range() -> tuple[int, int] | None:
        return redo.popleft() if redo else ranges.next()

    try:
        # helpers only for a backlog of more than one batch; started first, as they take a
        # tenth of a second to be ready and this process meanwhile extracts on its own
        probe = pending.next_range(reader, pending.FIRST, size + 1) if wanted_helpers else None
        if probe is not None and probe[1] > size and (limit is None or limit > size):
            helpers = Helpers(db_path, wanted_helpers, helper_failed)
            rc.details["helper_processes"] = helpers.started
        while True:
            rc.checkpoint()
            ready: list[pending.ExtractedRange] = []
            if helpers is not None:
                while helpers.capacity:
                    rng = next_range()
                    if rng is None:
                        break
                    helpers.submit(rng)
                ready = helpers.results()
                redo.extend(helpers.orphans)
                helpers.orphans.clear()
            if not ready:
                rng = next_range()
                if rng is not None:  # nothing finished yet: extract a range here meanwhile
                    ready = [pending.extract_range(reader, rng[0], rng[1], find_linked_mentions)]
                elif helpers is not None and helpers.busy:
                    ready = helpers.results(timeout=0.5)
                elif ranges.another_pass():
                    continue
                else:
                    break
            for extracted in ready:
                n, m = mentions_store.save_range(rc.store, extracted, find_linked_mentions)
                done, found = done + n, found + m
                rc.ok(n)
                progress(n)
    finally:
        if helpers is not None:
            helpers.close()
        reader.close()
    return done, found
