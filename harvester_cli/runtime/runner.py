"""The job runner: every job command runs its work through `run_job`.

Lifecycle: reap stale runs; kill switch on -> `skipped` (exit 3); no free slot -> `skipped`
(exit 4); record `running` with a token; heartbeat; the work checks `ctx.checkpoint()`
between items (kill switch -> `cancelled`, deadline -> `timed_out`, SIGTERM/SIGINT ->
`cancelled`); unfinished claims are released; the final update is guarded by the token.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harvester_cli import errors
from harvester_cli.runtime import killswitch, pings, reaper
from harvester_cli.runtime.retry import RetryPolicy
from harvester_cli.runtime.slots import SlotBackend
from harvester_cli.store import claims, logs, runs
from harvester_cli.store import dlq as dlq_store
from harvester_cli.store.base import Store

logger = logging.getLogger(__name__)

KILL_SWITCH_CHECK_SECONDS = 0.5


@dataclass
class RunResult:
    run_id: int | None
    job_type: str
    status: str
    items_ok: int = 0
    items_failed: int = 0
    duration_seconds: float = 0.0
    exit_code: int = 0
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "job_type": self.job_type,
            "status": self.status,
            "items_ok": self.items_ok,
            "items_failed": self.items_failed,
            "duration_seconds": round(self.duration_seconds, 3),
            "exit_code": self.exit_code,
            "message": self.message,
            **self.details,
        }


class RunContext:
    """What the work function sees: counters, checkpoints, logging, the dead-letter queue."""

    def __init__(
        self,
        store: Store,
        settings,
        job_type: str,
        run_id: int,
        token: str,
        deadline: dt.datetime | None,
        stop: threading.Event,
        secrets: list[str],
    ):
        self.store = store
        self.settings = settings
        self.job_type = job_type
        self.run_id = run_id
        self.token = token
        self.deadline = deadline
        self.stop = stop
        self.stop_reason: tuple[str, str, int] | None = None
        self.secrets = secrets
        self.items_ok = 0
        self.items_failed = 0
        self.details: dict[str, Any] = {}
        self.retry_policy = RetryPolicy.from_settings(settings)
        self._lock = threading.Lock()
        self._last_kill_check = 0.0
        self.check_kill_switch = True

    def request_stop(self, message: str, status: str, exit_code: int) -> None:
        with self._lock:
            if self.stop_reason is None:
                self.stop_reason = (message, status, exit_code)
        self.stop.set()

    def checkpoint(self) -> None:
        """Between items: stop on a signal, the kill switch or the deadline."""
        now_mono = time.monotonic()
        if self.check_kill_switch and now_mono - self._last_kill_check >= KILL_SWITCH_CHECK_SECONDS:
            self._last_kill_check = now_mono
            if killswitch.is_active(self.store):
                self.request_stop("kill switch activated during the run", "cancelled", errors.EXIT_KILL_SWITCH)
        if self.deadline is not None and self.store.now() >= self.deadline:
            self.request_stop(
                f"run passed its deadline of {self.deadline:%Y-%m-%d %H:%M:%S} UTC", "timed_out", errors.EXIT_FAILED
            )
        if self.stop.is_set():
            message, status, code = self.stop_reason or ("stopped", "cancelled", errors.EXIT_FAILED)
            raise errors.RunStopped(message, status, code)

    def ok(self, n: int = 1) -> None:
        with self._lock:
            self.items_ok += n

    def failed(self, n: int = 1) -> None:
        with self._lock:
            self.items_failed += n

    def log(self, event: str, message: str, *, level: str = "info", details: dict | None = None) -> None:
        logs.write(
            self.store,
            event,
            self.scrub(message),
            level=level,
            job_type=self.job_type,
            run_id=self.run_id,
            details=details,
        )

    def scrub(self, text: str) -> str:
        from harvester_cli.settings import scrub

        return scrub(text, self.secrets)

    def dead_letter(self, item_key: str, payload: dict[str, Any], exc: BaseException) -> int:
        """Park an item that still failed after retries; `dlq retry` replays its payload."""
        message = self.scrub(str(exc))
        # a transient error reaches here after every attempt of the retry policy, a permanent one at once
        tries = self.retry_policy.attempts if getattr(exc, "transient", False) else 1
        item_id = dlq_store.add(
            self.store,
            job_type=self.job_type,
            item_key=item_key,
            payload=payload,
            error=message,
            error_type=type(exc).__name__,
            run_id=self.run_id,
            attempts=tries,
        )
        self.log(
            "dlq.added",
            f"{item_key} went to the dead-letter queue (item {item_id}): {message}",
            level="error",
            details={"dlq_id": item_id, "item_key": item_key},
        )
        return item_id


Work = Callable[[RunContext], str | None]


def _host() -> str:
    return socket.gethostname()


def run_job(
    store: Store,
    settings,
    slots: SlotBackend,
    job_type: str,
    params: dict[str, Any],
    work: Work,
    *,
    secrets: list[str] | None = None,
    handle_signals: bool = True,
    check_kill_switch: bool = True,
    precheck: Callable[[], None] | None = None,
) -> RunResult:
    """Run `work` as one recorded run of `job_type`; never raises for an expected outcome.

    `check_kill_switch=False` is for health, which must keep reporting while work is stopped.
    `precheck` runs once the kill switch is known to be off and before anything is recorded: a
    configuration mistake it raises (exit 2) is bad input, not a failed run.
    """
    secrets = secrets or []
    reaper.reap(store, settings, slots)
    host, pid = _host(), os.getpid()

    def skipped(message: str, code: int, error_type: str) -> RunResult:
        run_id = runs.start(
            store,
            job_type=job_type,
            status="skipped",
            host=host,
            pid=pid,
            slot=None,
            token=None,
            lock_ref=None,
            params=params,
            deadline_at=None,
            error=message,
            error_type=error_type,
        )
        logs.write(
            store,
            "job.skipped",
            f"{job_type} run {run_id} skipped: {message}",
            level="warning",
            job_type=job_type,
            run_id=run_id,
        )
        result = RunResult(run_id, job_type, "skipped", exit_code=code, message=message)
        pings.for_run(settings, job_type, None, secrets).finish(store, result)  # cron monitor: /3, /4
        return result

    ks = killswitch.status(store) if check_kill_switch else {"active": False}
    if ks["active"]:
        return skipped(
            f"kill switch is active ({ks['reason'] or 'no reason given'}); `harvester kill-switch off` resumes work",
            errors.EXIT_KILL_SWITCH,
            "KillSwitchOn",
        )
    if precheck is not None:
        precheck()
    try:
        slot = slots.acquire(job_type, settings.max_slots(job_type))
    except errors.NoFreeSlot as exc:
        return skipped(str(exc), errors.EXIT_NO_SLOT, "NoFreeSlot")

    started = time.monotonic()
    token = uuid.uuid4().hex
    timeout = dt.timedelta(minutes=settings.timeout_minutes(job_type))
    deadline = store.now() + timeout
    try:
        run_id = runs.start(
            store,
            job_type=job_type,
            status="running",
            host=host,
            pid=pid,
            slot=slot.number,
            token=token,
            lock_ref=slot.ref,
            params=params,
            deadline_at=deadline,
        )
    except BaseException:
        slot.release()
        raise
    stop = threading.Event()
    ctx = RunContext(store, settings, job_type, run_id, token, deadline, stop, secrets)
    ctx.check_kill_switch = check_kill_switch
    ctx.log(
        "job.started",
        f"{job_type} run {run_id} started on {host} pid {pid} slot {slot.number}",
        details={"params": params},
    )
    ping = pings.for_run(settings, job_type, token, secrets)  # cron monitor: /start now, the outcome at the end
    ping.start()
    beat = _Heartbeat(ctx, settings["HARVESTER_HEARTBEAT_SECONDS"], slot)
    restore = _install_signal_handlers(ctx) if handle_signals else None
    status, error, error_type, exit_code, message = "succeeded", None, None, errors.EXIT_OK, ""
    unexpected: BaseException | None = None
    beat.start()
    try:
        message = work(ctx) or ""
        if ctx.items_failed:
            exit_code = errors.EXIT_FAILED
            message = message or f"{ctx.items_failed} item(s) failed; see `harvester dlq list`"
    except errors.RunStopped as exc:
        status, error, error_type, exit_code, message = exc.status, str(exc), "RunStopped", exc.exit_code, str(exc)
    except errors.HarvesterError as exc:
        status, error, error_type, message = "failed", ctx.scrub(str(exc)), type(exc).__name__, ctx.scrub(str(exc))
        exit_code = exc.exit_code if exc.exit_code != errors.EXIT_OK else errors.EXIT_FAILED
    except BaseException as exc:  # recorded, then re-raised for the error boundary
        unexpected = exc
        status, error_type = "failed", type(exc).__name__
        error = ctx.scrub(f"{type(exc).__name__}: {exc}")
        message, exit_code = error, errors.EXIT_FAILED
        logger.debug("unexpected error in %s run %s\n%s", job_type, run_id, traceback.format_exc())
    finally:
        beat.stop()
        if restore:
            restore()
    try:
        released = claims.release(store, run_id)
        if any(released.values()):
            ctx.log("claims.released", f"released unfinished claims: {released}", details=released)
        if not runs.finish(
            store,
            run_id,
            token,
            status=status,
            items_ok=ctx.items_ok,
            items_failed=ctx.items_failed,
            error=error,
            error_type=error_type,
        ):
            ctx.log(
                "job.lost_ownership", f"run {run_id} no longer owned its row; final state not written", level="warning"
            )
        level = (
            "info" if status == "succeeded" and not ctx.items_failed else "warning" if status != "failed" else "error"
        )
        ctx.log(
            f"job.{status}",
            f"{job_type} run {run_id} {status}: ok={ctx.items_ok} failed={ctx.items_failed}"
            + (f"; {error}" if error else ""),
            level=level,
        )
    finally:
        slot.release()
    result = RunResult(
        run_id,
        job_type,
        status,
        ctx.items_ok,
        ctx.items_failed,
        time.monotonic() - started,
        exit_code,
        message,
        ctx.details,
    )
    ping.finish(store, result)  # after the final state; never raises, bounded by its timeout
    if unexpected is not None:
        raise unexpected
    return result


class _Heartbeat:
    """Proves the run is alive, and raises the stop flag at the deadline."""

    def __init__(self, ctx: RunContext, interval: float, slot=None):
        self.ctx = ctx
        self.interval = interval
        self.slot = slot
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join(timeout=10)

    def _wait(self) -> bool:
        """Sleep until the next beat, or until just past the deadline if that comes first."""
        wait = self.interval
        if self.ctx.deadline is not None:
            left = (self.ctx.deadline - self.ctx.store.now()).total_seconds()
            if left > 0:  # (once past it, the stop was requested: back to the usual beat)
                wait = min(wait, left + 0.05)
        return self._done.wait(wait)

    def _loop(self) -> None:
        while not self._wait():
            try:
                runs.update_counts(
                    self.ctx.store, self.ctx.run_id, self.ctx.token, self.ctx.items_ok, self.ctx.items_failed
                )
            except errors.HarvesterError as exc:
                logger.warning("heartbeat failed: %s", exc)
            if self.slot is not None and not self.slot.alive():
                # e.g. the PostgreSQL session holding the advisory lock was terminated: the slot
                # is free for another run, so this one must not go on beyond the limit
                self.ctx.request_stop(
                    f"lost its {self.ctx.job_type} slot {self.slot.number} (the database "
                    "session holding it ended); stopped to stay within the limit",
                    "failed",
                    errors.EXIT_FAILED,
                )
            if self.ctx.deadline is not None and self.ctx.store.now() >= self.ctx.deadline:
                self.ctx.request_stop(
                    f"run passed its deadline of {self.ctx.deadline:%Y-%m-%d %H:%M:%S} UTC",
                    "timed_out",
                    errors.EXIT_FAILED,
                )


def _install_signal_handlers(ctx: RunContext) -> Callable[[], None] | None:
    if threading.current_thread() is not threading.main_thread():
        return None
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def handler(signum, _frame):
        name = signal.Signals(signum).name
        if ctx.stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        ctx.request_stop(f"stopped by {name}", "cancelled", errors.EXIT_FAILED)

    for sig in previous:
        signal.signal(sig, handler)

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore
