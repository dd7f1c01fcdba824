"""The reaper: a `running` row whose process is gone becomes `abandoned`, its claims released.

Proof of death, strongest first: its slot lock is free (held for the life of the process);
on this host, its pid no longer exists and its heartbeat is old; elsewhere, its heartbeat is
old and its deadline has passed.
"""

from __future__ import annotations

import datetime as dt
import os
import socket

from harvester_cli.store import claims, logs, runs
from harvester_cli.store.base import Store


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _verdict(row: dict, slots, now: dt.datetime, stale_before: dt.datetime, host: str) -> str | None:
    heartbeat_old = row["heartbeat_at"] is None or row["heartbeat_at"] < stale_before
    held = slots.is_held(row["lock_ref"]) if row.get("lock_ref") else None
    if held is False:
        return "its slot lock is free"
    same_host = row["host"] == host
    if same_host and not _pid_alive(row["pid"]) and (held is None or heartbeat_old):
        return f"process {row['pid']} no longer exists"
    if heartbeat_old and row["deadline_at"] is not None and row["deadline_at"] < now:
        return "its heartbeat is old and its deadline has passed"
    return None


def reap(store: Store, settings, slots) -> list[int]:
    """Mark dead runs abandoned and release their claims. Returns the run ids reaped."""
    now = store.now()
    stale_before = now - dt.timedelta(minutes=settings["HARVESTER_STALE_RUN_MINUTES"])
    host = socket.gethostname()
    reaped = []
    for row in runs.running(store):
        if row["pid"] == os.getpid() and row["host"] == host:
            continue
        reason = _verdict(row, slots, now, stale_before, host)
        if reason is None:
            continue
        # Only rows whose heartbeat did not move since we read them.
        beat = (row["heartbeat_at"] or now) + dt.timedelta(microseconds=1)
        if runs.mark_abandoned(store, row["id"], beat, f"abandoned: {reason}"):
            released = claims.release(store, row["id"])
            logs.write(
                store,
                "job.abandoned",
                f"{row['job_type']} run {row['id']} (host {row['host']}, pid {row['pid']}) abandoned: "
                f"{reason}; released {released['videos']} video claims and {released['discovery_days']} discovery days",
                level="warning",
                job_type=row["job_type"],
                run_id=row["id"],
                details=released,
            )
            reaped.append(row["id"])
    return reaped
