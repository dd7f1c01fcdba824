"""Cron-monitor pings in the healthchecks.io protocol, so a monitor notices a job that stops running.

`HARVESTER_PING_URL_<JOB_TYPE>` (or else `HARVESTER_PING_URL`) names the check. A run sends
`<url>/start?rid=<uuid>` once its row is recorded, and when it ends `<url>?rid=<uuid>` (exit 0),
`<url>/fail?rid=<uuid>` (exit 1) or `<url>/<exit code>?rid=<uuid>` (2, and the skips: 3 kill
switch, 4 no free slot), with the run's summary and its last log lines as a text/plain body of at
most 10 kB, secrets redacted. The rid is the run's token, so a monitor pairs start and end even
when runs overlap.

A ping never fails a run and never delays it by more than HARVESTER_PING_TIMEOUT_SECONDS: the
start ping goes out in the background while the work begins, the finishing ping waits for it
and then gets what is left of that budget, and each request is retried at most once, within the
budget. A run whose pings failed gets one `ping.failed` warning in system_logs.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from harvester_cli import errors
from harvester_cli.sources import http
from harvester_cli.store import logs, runs
from harvester_cli.store.base import Store

logger = logging.getLogger(__name__)

BODY_LIMIT = 10_000  # bytes of the finishing ping's body
LOG_LINES = 200  # log rows read for the body (the newest that fit are sent)
ANSWER_LIMIT = 64 * 1024  # bytes of a monitor's answer read at most (its status is what counts)
RETRY_PAUSE = 0.2  # seconds before the one retry
_MIN_ATTEMPT = 0.05  # no attempt with less time than this left


def ping_url(settings, job_type: str) -> tuple[str | None, str]:
    """The ping URL of a job type and the setting it came from (the per-type one wins)."""
    for env in (f"HARVESTER_PING_URL_{job_type.upper()}", "HARVESTER_PING_URL"):
        try:
            value = settings[env]
        except (KeyError, TypeError):
            value = None
        if value:
            return value, env
    return None, ""


def endpoint(url: str, signal: str, rid: str) -> str:
    """`<url>[/signal]?rid=<rid>`, keeping a query the URL already has."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") + (f"/{signal}" if signal else "")
    query = "&".join(q for q in (parts.query, urlencode({"rid": rid})) if q)
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def signal_for(exit_code: int) -> str:
    """healthchecks.io: no suffix for success, /fail for a failure, /<code> for any other exit code."""
    if exit_code == errors.EXIT_OK:
        return ""
    if exit_code == errors.EXIT_FAILED:
        return "fail"
    return str(exit_code)


class Pinger:
    """The pings of one run. Every method is safe to call when no URL is set (it does nothing)."""

    def __init__(self, settings, job_type: str, rid: str | None = None, secrets: Iterable[str] = ()):
        self.job_type = job_type
        self.url, self.setting = ping_url(settings, job_type)
        try:
            self.timeout = float(settings["HARVESTER_PING_TIMEOUT_SECONDS"])
        except (KeyError, TypeError, ValueError):
            self.timeout = 5.0
        self.rid = _as_uuid(rid)
        self.secrets = [s for s in secrets if s]
        self.failures: list[str] = []
        self._lock = threading.Lock()
        self._start: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    def start(self) -> None:
        """`/start`, sent in the background: the work does not wait for the monitor."""
        if not self.enabled:
            return
        deadline = time.monotonic() + self.timeout
        self._start = _spawn(self._send, "start", None, deadline)

    def finish(self, store: Store | None, result) -> None:
        """The finishing ping for a `RunResult`, then one warning if any ping of the run failed.

        Never raises, and returns within the timeout (a ping still in flight then is abandoned).
        """
        if not self.enabled:
            return
        try:
            deadline = time.monotonic() + self.timeout
            if self._start is not None:  # never let the end overtake the start at the monitor
                self._start.join(max(0.0, deadline - time.monotonic()))
                if self._start.is_alive():
                    self._failed("start", f"no answer within {self.timeout:g}s")
            body = self.body(store, result)
            signal = signal_for(result.exit_code)
            if deadline - time.monotonic() < _MIN_ATTEMPT:
                self._failed(signal or "success", "no time left within the ping timeout")
            else:
                sender = _spawn(self._send, signal, body, deadline)
                sender.join(max(0.0, deadline - time.monotonic()))
                if sender.is_alive():
                    self._failed(signal or "success", f"no answer within {self.timeout:g}s")
        except Exception as exc:  # a ping must never fail the run
            self._failed("finish", f"{type(exc).__name__}: {exc}")
        self._report(store, result)

    def body(self, store: Store | None, result) -> bytes:
        """The run's summary and the newest of its log lines that fit in BODY_LIMIT, redacted."""
        summary = (
            f"harvester {result.job_type} run {result.run_id}: {result.status}, exit {result.exit_code}, "
            f"ok {result.items_ok}, failed {result.items_failed}, {result.duration_seconds:.1f}s"
        )
        head = [self._scrub(summary)]
        if result.message:
            head.append(self._scrub(str(result.message)))
        lines = []
        if store is not None and result.run_id is not None:
            try:
                lines = [self._scrub(_format_row(r)) for r in reversed(_run_logs(store, result.run_id))]
            except Exception as exc:  # the store may be what failed the run
                lines = [f"(log lines unavailable: {type(exc).__name__})"]
        return _fit(head, lines, BODY_LIMIT)

    def _scrub(self, text: str) -> str:
        from harvester_cli.settings import scrub

        return scrub(text, self.secrets)

    def _send(self, signal: str, body: bytes | None, deadline: float) -> None:
        assert self.url is not None  # sent only when enabled
        url = endpoint(self.url, signal, self.rid)
        problem = ""
        for attempt in (1, 2):
            left = deadline - time.monotonic()
            if left < _MIN_ATTEMPT:
                break
            # the bounded client of every request: one wall-clock deadline for connect, headers
            # and answer (a server trickling bytes cannot hold the run), an answer of at most
            # ANSWER_LIMIT bytes (only the status is wanted)
            bounds = {
                "HARVESTER_HTTP_TIMEOUT_SECONDS": left,
                "HARVESTER_MAX_RESPONSE_BYTES": ANSWER_LIMIT,
                "HARVESTER_FETCH_CONCURRENCY": 1,
            }
            try:
                with http.build_client(bounds, headers={"Accept": "*/*"}) as client:
                    if body is None:
                        response = http.send(client, "GET", url, what="ping")
                    else:
                        response = http.send(
                            client,
                            "POST",
                            url,
                            what="ping",
                            content=body,
                            headers={"Content-Type": "text/plain; charset=utf-8"},
                        )
            except errors.SourceError as exc:
                if time.monotonic() >= deadline - _MIN_ATTEMPT:
                    problem = f"no answer within {self.timeout:g}s"
                    break  # the budget is spent
                problem = str(exc)
            else:
                if response.status_code < 400:
                    return
                problem = f"HTTP {response.status_code}"
                if response.status_code < 500 and response.status_code != 429:
                    break  # permanent: a wrong URL does not get better by asking again
            if attempt == 1 and deadline - time.monotonic() > RETRY_PAUSE + _MIN_ATTEMPT:
                time.sleep(RETRY_PAUSE)
            else:
                break
        self._failed(signal or "success", problem or "no time left within the ping timeout")

    def _failed(self, signal: str, problem: str) -> None:
        with self._lock:
            if not any(f.startswith(f"/{signal}:") for f in self.failures):
                self.failures.append(f"/{signal}: {problem}")

    def _report(self, store: Store | None, result) -> None:
        """One warning per run, whatever failed; in system_logs when the store answers."""
        with self._lock:
            failures = list(self.failures)
        if not failures:
            return
        message = self._scrub(
            f"cron-monitor ping ({self.setting}) failed: {'; '.join(failures)}; the run itself is not affected"
        )
        try:
            if store is None:
                raise errors.StoreError("no store")
            logs.write(
                store,
                "ping.failed",
                message,
                level="warning",
                job_type=self.job_type,
                run_id=result.run_id,
                details={"setting": self.setting, "failures": failures},
            )
        except Exception:
            logger.warning("%s", message)


def for_run(settings, job_type: str, token: str | None, secrets: Iterable[str] = ()) -> Pinger:
    """The pinger of a run, its rid derived from the run's token (a fresh one without a token)."""
    try:
        return Pinger(settings, job_type, token, secrets)
    except Exception as exc:  # pragma: no cover - defensive: pings never stop a run
        logger.warning("cron-monitor pings disabled for this run: %s", type(exc).__name__)
        return Pinger({}, job_type)


def _as_uuid(token: str | None) -> str:
    if token:
        try:
            return str(uuid.UUID(hex=token))
        except ValueError:
            pass
    return str(uuid.uuid4())


def _spawn(target, *args: Any) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, name="cron-monitor-ping", daemon=True)
    thread.start()
    return thread


def _run_logs(store: Store, run_id: int) -> list[dict[str, Any]]:
    since = None
    row = runs.get(store, run_id)
    if row and row.get("started_at"):  # bounds the read to the run's own time on a big table
        since = row["started_at"] - dt.timedelta(minutes=5)
    return logs.recent(store, limit=LOG_LINES, run_id=run_id, since=since)


def _format_row(row: dict[str, Any]) -> str:
    at = row.get("created_at")
    stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(at, dt.datetime) else str(at or "")
    return f"{stamp} {row.get('level', '')} {row.get('event', '')}: {row.get('message', '')}"


def _fit(head: list[str], lines: list[str], limit: int) -> bytes:
    """The head, then as many of the newest lines as fit (oldest dropped first), within `limit` bytes."""
    head_bytes = "\n".join(head).encode("utf-8")[: limit // 2]
    head_text = head_bytes.decode("utf-8", errors="ignore")
    used = len(head_text.encode("utf-8")) + 1
    kept: list[str] = []
    marker_room = 64
    for line in reversed(lines):
        size = len(line.encode("utf-8")) + 1
        if used + size > limit - marker_room:
            break
        kept.append(line)
        used += size
    kept.reverse()
    parts = [head_text]
    if len(kept) < len(lines):
        parts.append(f"[{len(lines) - len(kept)} earlier log line(s) left out]")
    parts.extend(kept)
    return "\n".join(parts).encode("utf-8")[:limit].decode("utf-8", errors="ignore").encode("utf-8")
