"""Discovery: find promoted videos through the source and queue them for harvesting.

A source that scans by day (TikTok: `ledger_queries` and `scan_day`) goes through the
discovery ledger: each query and UTC day is scanned once after it ends and once more after it
settles, newest day first, and a run that stops (budget, quota, deadline, kill switch, --limit)
leaves the day where the next run continues. Each answered page's videos and the ledger's
progress are written in one transaction. A run with nothing due sends no request. A day whose
scan fails (an endless cursor, an answer that cannot be read after retries) is logged and the
run goes on with the other days, then ends `failed`; two failed days in a row stop it. Sources
without days (files, worker) are read whole, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from harvester_cli import errors
from harvester_cli.models import Video
from harvester_cli.runtime.runner import RunContext
from harvester_cli.store import ledger
from harvester_cli.store import videos as videos_store

SAVE_BATCH = 100
#: day scans in a row that may fail (their error logged, the run goes on with the other days)
#: before the run stops: then the source is failing, not a day
FAILED_DAYS_IN_A_ROW = 2


def uses_ledger(source) -> bool:
    return hasattr(source, "ledger_queries") and hasattr(source, "scan_day")


def ledger_days(rc_store, settings) -> list[dt.date]:
    return ledger.window(rc_store.now().date(), int(settings["HARVESTER_DISCOVERY_DAYS"]))


def discovery_days_due(rc: RunContext, source) -> bool:
    """Whether the ledger has days due now (harvesting then leaves discovery its share)."""
    if not uses_ledger(source):
        return False
    settle = dt.timedelta(hours=rc.settings["HARVESTER_DISCOVERY_SETTLE_HOURS"])
    return ledger.due_count(rc.store, source.ledger_queries(), ledger_days(rc.store, rc.settings), settle) > 0


def discover(
    rc: RunContext, source, *, limit: int | None = None, force_refresh: bool = False, video_ids: Sequence[int] = ()
) -> str:
    """Upsert the promoted videos the source yields; returns a one-line summary."""
    if uses_ledger(source) and not video_ids:
        return _discover_by_day(rc, source, limit=limit, force_refresh=force_refresh)
    return _discover_all(rc, source, limit=limit, force_refresh=force_refresh, video_ids=video_ids)


def _discover_by_day(rc: RunContext, source, *, limit: int | None, force_refresh: bool) -> str:
    totals = {
        "candidates": 0,
        "promoted": 0,
        "new": 0,
        "known": 0,
        "requeued": 0,
        "not_promoted": 0,
        "pages": 0,
        "days_scanned": 0,
        "days_completed": 0,
        "restarts": 0,
    }
    queries = source.ledger_queries()
    days = ledger_days(rc.store, rc.settings)
    settle = dt.timedelta(hours=rc.settings["HARVESTER_DISCOVERY_SETTLE_HOURS"])
    lease = dt.timedelta(minutes=rc.settings.timeout_minutes("discovery"))
    done: set[tuple[str, dt.date]] = set()
    stop_note = ""
    failures: list[str] = []  # day scans that failed (an endless cursor, an answer that cannot be read)
    in_a_row = 0
    try:
        while limit is None or totals["promoted"] < limit:
            rc.checkpoint()
            claim = ledger.claim_next(
                rc.store,
                source.name,
                queries,
                days,
                settle=settle,
                run_id=rc.run_id,
                lease=lease,
                force=force_refresh,
                skip=done,
            )
            if claim is None:
                break
            done.add((claim.query.fingerprint, claim.day))
            totals["days_scanned"] += 1
            try:
                _scan(rc, source, claim, settle, totals, limit, force_refresh)
            except errors.RunStopped:
                rc.checkpoint()  # a request cut short by the stop flag: the run's own reason
                raise
            except errors.SourceError as exc:
                if isinstance(exc, errors.QuotaExhausted) or exc.status in (401, 403):
                    raise
                # the day stays where its last answered page left it (the runner releases its claim
                # at the end); the run goes on with the other days and ends failed
                failures.append(f"{claim.query.kind} scan of {claim.day}: {rc.scrub(str(exc))}")
                rc.log("discover.day_failed", failures[-1], level="error")
                rc.failed()
                in_a_row += 1
                if in_a_row >= FAILED_DAYS_IN_A_ROW:
                    break
                continue
            in_a_row = 0
    except errors.QuotaExhausted as exc:
        stop_note = f"; stopped early: {exc}"
        rc.log("quota.exhausted", str(exc), level="warning")
    totals["days_failed"] = len(failures)
    rc.details.update(totals)
    if not totals["days_scanned"]:
        when = ledger.next_due(rc.store, queries, days, settle)
        summary = "nothing due: every day of the window is scanned; next scan due " + (
            f"{when:%Y-%m-%d %H:%M} UTC" if when else "never (widen HARVESTER_DISCOVERY_DAYS)"
        )
        rc.details["next_due_at"] = when.isoformat() + "Z" if when else None
    else:
        summary = (
            f"{totals['days_scanned']} day scan(s), {totals['pages']} pages: {totals['promoted']} promoted "
            f"of {totals['candidates']} candidates, {totals['new']} new, {totals['known']} known, "
            f"{totals['requeued']} re-queued; {totals['days_completed']} day(s) completed"
            + (f", {totals['restarts']} expired search(es) restarted" if totals["restarts"] else "")
            + (f", {len(failures)} day scan(s) failed" if failures else "")
            + stop_note
        )
    rc.log("discover.done", summary, details=totals)
    if failures:
        raise errors.PermanentSourceError(f"{len(failures)} day scan(s) failed ({failures[0]}); {summary}")
    return summary


def _scan(
    rc: RunContext,
    source,
    claim: ledger.Claim,
    settle: dt.timedelta,
    totals: dict,
    limit: int | None,
    force_refresh: bool,
) -> None:
    """Page through one claimed day, writing each page with the ledger's progress."""
    pages = source.scan_day(claim.query, claim.day, claim.cursor, claim.search_id)
    try:
        while True:
            rc.checkpoint()
            page = next(pages, None)
            if page is None:
                return
            promoted = [v for v in page.videos if v.promoted_reason]
            cut = limit is not None and totals["promoted"] + len(promoted) > limit
            if cut:  # --limit ends inside this page: the ledger stays at its start, to be read again
                promoted = promoted[: limit - totals["promoted"]]
            with rc.store.tx() as conn:
                counts = videos_store.upsert_discovered(
                    rc.store, promoted, source.name, force_refresh=force_refresh, conn=conn
                )
                state = (
                    "partial"
                    if cut
                    else ledger.save_page(
                        conn,
                        rc.store,
                        claim,
                        rc.run_id,
                        page,
                        new_videos=counts["new"],
                        promoted=len(promoted),
                        settle=settle,
                    )
                )
            if page.restarted:
                totals["restarts"] += 1
                rc.log(
                    "discover.restart",
                    f"{claim.query.kind} scan of {claim.day}: the saved search had "
                    "expired, so the day started over from its first page",
                    level="warning",
                )
            for key in ("new", "known", "requeued"):
                totals[key] += counts[key]
            totals["pages"] += 1
            totals["candidates"] += page.candidates
            totals["promoted"] += len(promoted)
            totals["not_promoted"] += len(page.videos) - len(promoted)
            rc.ok(len(promoted))
            if state is None:
                rc.log(
                    "discover.claim_lost",
                    f"{claim.query.kind} scan of {claim.day}: this run's claim "
                    "expired and another run took the day over",
                    level="warning",
                )
                return
            if page.last:
                totals["days_completed"] += 1
                return
            if limit is not None and totals["promoted"] >= limit:
                return
    finally:
        pages.close()


def _discover_all(rc: RunContext, source, *, limit: int | None, force_refresh: bool, video_ids: Sequence[int]) -> str:
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
    except errors.RunStopped:
        rc.checkpoint()  # a request cut short by the stop flag: the run's own reason
        raise
    finally:
        flush()
    if video_ids:
        missing = sorted(set(video_ids) - set(videos_store.existing(rc.store, video_ids)))
        if missing:
            rc.log("discover.not_found", f"--video-id not found or not promoted: {missing}", level="warning")
            totals["not_found"] = len(missing)
    rc.details.update(totals)
    summary = (
        f"{totals['promoted']} promoted of {totals['candidates']} candidates: {totals['new']} new, "
        f"{totals['known']} known, {totals['requeued']} re-queued{quota_note}"
        + (f"; --video-id not found or not promoted: {', '.join(map(str, missing))}" if totals.get("not_found") else "")
    )
    rc.log("discover.done", summary, details=totals)
    return summary
