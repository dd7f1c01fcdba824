"""Discovery: find promoted videos through the source and queue them for harvesting."""

from __future__ import annotations

from typing import Sequence

from harvester_cli import errors
from harvester_cli.models import Video
from harvester_cli.runtime.runner import RunContext
from harvester_cli.store import videos as videos_store

SAVE_BATCH = 100


def discover(rc: RunContext, source, *, limit: int | None = None, force_refresh: bool = False,
             video_ids: Sequence[int] = ()) -> str:
    """Upsert the promoted videos the source yields; returns a one-line summary."""
    totals = {"candidates": 0, "promoted": 0, "new": 0, "known": 0, "requeued": 0, "not_promoted": 0}
    batch: list[Video] = []
    quota_note = ""

    def flush() -> None:
        if batch:
            counts = videos_store.upsert_discovered(rc.store, batch, source.name, force_refresh=force_refresh)
            for key, value in counts.items():
                totals[key] += value
            rc.ok(len(batch))
            batch.clear()

    try:
        for video in source.discover(video_ids=video_ids, limit=limit):
            rc.checkpoint()
            totals["candidates"] += 1
            if not video.promoted_reason:
                totals["not_promoted"] += 1
                continue
            totals["promoted"] += 1
            batch.append(video)
            if len(batch) >= SAVE_BATCH:
                flush()
            if limit is not None and totals["promoted"] >= limit:
                break
    except errors.QuotaExhausted as exc:
        quota_note = f"; stopped early: {exc}"
        rc.log("quota.exhausted", str(exc), level="warning")
    finally:
        flush()
    if video_ids:
        missing = sorted(set(video_ids) - set(videos_store.existing(rc.store, video_ids)))
        if missing:
            rc.log("discover.not_found", f"--video-id not found or not promoted: {missing}", level="warning")
            totals["not_found"] = len(missing)
    rc.details.update(totals)
    summary = (f"{totals['promoted']} promoted of {totals['candidates']} candidates: {totals['new']} new, "
               f"{totals['known']} known, {totals['requeued']} re-queued{quota_note}")
    rc.log("discover.done", summary, details=totals)
    return summary
