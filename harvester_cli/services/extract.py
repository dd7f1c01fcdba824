"""Extraction: turn pending comments into domain mentions, batch by batch."""

from __future__ import annotations

from typing import Callable

from harvester_cli.extraction import find_mentions
from harvester_cli.runtime.runner import RunContext
from harvester_cli.store import mentions as mentions_store


def extract(rc: RunContext, *, limit: int | None = None,
            progress: Callable[[int], None] = lambda n: None) -> str:
    """Extract until no comment is pending (or `limit` comments are done); returns a summary."""
    batch_size = rc.settings["HARVESTER_EXTRACT_BATCH_SIZE"]
    done = found = 0
    while limit is None or done < limit:
        rc.checkpoint()
        size = batch_size if limit is None else min(batch_size, limit - done)
        n, m = mentions_store.process_batch(rc.store, size, find_mentions)
        if n == 0:
            break
        done += n
        found += m
        rc.ok(n)
        progress(n)
    rc.details.update({"comments": done, "mentions": found})
    summary = f"{done} comments extracted, {found} domain mentions"
    rc.log("extract.done", summary, details={"comments": done, "mentions": found})
    return summary
