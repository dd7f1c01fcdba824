"""The HTTP client every API source uses, and the one place httpx outcomes become our errors.

    connection error, timeout, protocol error  -> TransientSourceError
    429 (rate limit)                           -> TransientSourceError(retry_after=Retry-After)
    429 with error.code daily_quota_limit_exceeded -> QuotaExhausted (never retried)
    5xx, 408, a 2xx body that is not JSON      -> TransientSourceError
    a body over HARVESTER_MAX_RESPONSE_BYTES,
    JSON nested too deeply                     -> TransientSourceError (retried, then dead-lettered)
    400, 401, 403 and every other 4xx          -> PermanentSourceError (server message, shortened)
    the run's stop flag (deadline, SIGTERM, kill switch) during a request -> RunStopped

Every answer is bounded (`send`): HARVESTER_HTTP_TIMEOUT_SECONDS is a wall-clock deadline for
the whole request (connect, headers and the whole body; a server that drips one byte a second
does not keep it alive), the body is streamed and refused beyond HARVESTER_MAX_RESPONSE_BYTES
(never read whole), and a set stop flag interrupts a request in flight within
STOP_GRACE_SECONDS + STOP_POLL_SECONDS (the grace lets an answer already on its way arrive, so
its page is kept rather than fetched again). The bounds are enforced below httpx, in the network streams of the
clients `build_client` makes, so they also hold while the status line and headers are awaited.

JSON is parsed with the standard library, which turns integers into exact Python ints; ids
are read with `as_int`, which also takes digit strings and never goes through a float.
`safejson.loads` refuses JSON nested deeper than MAX_JSON_DEPTH and replaces lone UTF-16
surrogates (`\\ud800`, which no store or terminal can take) with U+FFFD.
"""

from __future__ import annotations

import email.utils
import logging
import re
import threading
import time
import zlib
from collections.abc import Iterator, Mapping
from typing import Any

import httpcore
import httpx

from harvester_cli import __version__, errors
from harvester_cli.sources.safejson import MAX_JSON_DEPTH, clean_text, loads  # noqa: F401 - re-exported

logger = logging.getLogger(__name__)

USER_AGENT = f"harvester/{__version__}"
MESSAGE_LIMIT = 300
QUOTA_CODE = "daily_quota_limit_exceeded"

DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_MAX_RESPONSE_BYTES = 10_000_000
#: how often a request waiting on the network looks at the run's stop flag
STOP_POLL_SECONDS = 0.25
#: how long a request already in flight may still finish once the run's stop flag is up
STOP_GRACE_SECONDS = 1.5
#: the longest a connection attempt (name lookup included) may take
CONNECT_SECONDS = 5.0
#: pages in a row without progress (no records, or a cursor that does not advance) while the
#: server still says there is more, before a paging loop gives up (see `PageGuard`)
NO_PROGRESS_PAGES = 3

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_DIGITS = re.compile(r"[+-]?\d+")


def _setting(settings: Any, name: str, default: Any) -> Any:
    try:
        value = settings[name]
    except (KeyError, LookupError):
        return default
    return default if value is None else value


class BoundedClient(httpx.Client):
    """An httpx.Client that knows the bounds `send` applies to each request."""

    request_seconds: float = DEFAULT_TIMEOUT_SECONDS
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES


def build_client(
    settings: Any, transport: httpx.BaseTransport | None = None, headers: Mapping[str, str] | None = None
) -> httpx.Client:
    """An httpx.Client with our bounds, User-Agent and a pool for HARVESTER_FETCH_CONCURRENCY.

    The client is thread-safe; a source keeps one and shares it between its threads.
    Proxies from the environment are ignored (trust_env=False) so runs are reproducible.
    No compression is asked for (`Accept-Encoding: identity`): the size cap counts what
    arrives, and a body compressed anyway is inflated only up to the cap.
    """
    seconds = float(_setting(settings, "HARVESTER_HTTP_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    concurrency = int(_setting(settings, "HARVESTER_FETCH_CONCURRENCY", 8))
    all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "identity"}
    all_headers.update(headers or {})
    limits = httpx.Limits(max_connections=concurrency + 4, max_keepalive_connections=concurrency + 4)
    if transport is None:
        transport = httpx.HTTPTransport(limits=limits, trust_env=False)
        _bound_transport(transport)
    client = BoundedClient(
        timeout=httpx.Timeout(seconds, connect=min(seconds, CONNECT_SECONDS)),
        limits=limits,
        headers=all_headers,
        transport=transport,
        trust_env=False,
        follow_redirects=False,
    )
    client.request_seconds = seconds
    client.max_response_bytes = int(_setting(settings, "HARVESTER_MAX_RESPONSE_BYTES", DEFAULT_MAX_RESPONSE_BYTES))
    return client


# -- the bounds below httpx: every socket operation of a request watches its deadline and stop flag --


class _Interrupted(Exception):
    """The run's stop flag was raised while a request was waiting on the network."""


class _Bounds:
    """The deadline (time.monotonic) and stop flag of the request this thread is sending."""

    def __init__(self, deadline: float, stop: threading.Event | None):
        self.deadline = deadline
        self.stop = stop
        self._stop_seen: float | None = None

    def interrupted(self) -> bool:
        """The stop flag has been up for STOP_GRACE_SECONDS: a request in flight that answers
        within the grace is kept (its page is stored, not fetched again by the next run)."""
        if self.stop is None or not self.stop.is_set():
            return False
        now = time.monotonic()
        if self._stop_seen is None:
            self._stop_seen = now
        return now - self._stop_seen >= STOP_GRACE_SECONDS


_current = threading.local()


def _bounds() -> _Bounds | None:
    return getattr(_current, "bounds", None)


def _slice(timeout: float | None, bounds: _Bounds | None, started: float) -> float | None:
    """How long the next blocking socket call may wait; raises when nothing is left."""
    now = time.monotonic()
    if bounds is not None and bounds.interrupted():
        raise _Interrupted()
    ends = [started + timeout] if timeout is not None else []
    if bounds is not None:
        ends.append(bounds.deadline)
    left = min(ends) - now if ends else None
    if left is not None and left <= 0:
        raise httpcore.ReadTimeout("the request's deadline passed")
    if bounds is not None and bounds.stop is not None:
        return STOP_POLL_SECONDS if left is None else min(STOP_POLL_SECONDS, left)
    return left


class _BoundedStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        started = time.monotonic()
        bounds = _bounds()
        while True:
            wait = _slice(timeout, bounds, started)
            try:
                return self._inner.read(max_bytes, wait)
            except httpcore.ReadTimeout:
                # nothing was consumed: look at the stop flag and the deadline, then wait on
                continue

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        bounds = _bounds()
        if bounds is not None:
            left = max(0.01, bounds.deadline - time.monotonic())
            timeout = left if timeout is None else min(timeout, left)
            if bounds.interrupted():
                raise _Interrupted()
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        bounds = _bounds()
        if bounds is not None:
            left = max(0.01, bounds.deadline - time.monotonic())
            timeout = left if timeout is None else min(timeout, left)
        return _BoundedStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Connect:
    """One connection attempt (lookup and connect) running in a daemon thread."""

    def __init__(self, backend: httpcore.NetworkBackend, *args: Any):
        self.done = threading.Event()
        self.stream: httpcore.NetworkStream | None = None
        self.error: BaseException | None = None
        self._lock = threading.Lock()
        self._abandoned = False
        threading.Thread(target=self._run, args=(backend, args), name="harvester-connect", daemon=True).start()

    def _run(self, backend: httpcore.NetworkBackend, args: tuple) -> None:
        try:
            stream = backend.connect_tcp(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            self.error = exc
            self.done.set()
            return
        with self._lock:
            if self._abandoned:
                stream.close()  # nobody waits for it any more
            else:
                self.stream = stream
        self.done.set()

    def abandon(self) -> None:
        with self._lock:
            self._abandoned = True
            if self.stream is not None:
                self.stream.close()
                self.stream = None


class _BoundedBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend):
        self._inner = inner

    @staticmethod
    def _connect_timeout(timeout: float | None) -> float | None:
        bounds = _bounds()
        if bounds is None:
            return timeout
        if bounds.interrupted():
            raise _Interrupted()
        left = bounds.deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ConnectTimeout("the request's deadline passed")
        return left if timeout is None else min(timeout, left)

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        """Connect in a helper thread while this one watches the deadline and the stop flag: the
        name lookup (getaddrinfo) has no timeout of its own, and a resolver that does not answer
        would otherwise hold the request past both. An abandoned attempt closes what it gets."""
        timeout = self._connect_timeout(timeout)
        bounds = _bounds()
        if bounds is None:
            return _BoundedStream(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))
        attempt = _Connect(self._inner, host, port, timeout, local_address, socket_options)
        started = time.monotonic()
        ends = min(bounds.deadline, started + timeout) if timeout is not None else bounds.deadline
        while not attempt.done.wait(STOP_POLL_SECONDS):
            if bounds.interrupted():
                attempt.abandon()
                raise _Interrupted()
            if time.monotonic() >= ends:
                attempt.abandon()
                raise httpcore.ConnectTimeout(f"no connection to {host} within {time.monotonic() - started:.1f}s")
        if attempt.error is not None:
            raise attempt.error
        assert attempt.stream is not None
        return _BoundedStream(attempt.stream)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        return _BoundedStream(self._inner.connect_unix_socket(path, self._connect_timeout(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _bound_transport(transport: httpx.HTTPTransport) -> None:
    """Put the bounded network backend under an httpx transport's connection pool."""
    pool: Any = getattr(transport, "_pool", None)  # private to httpx: read defensively
    backend = getattr(pool, "_network_backend", None)
    if backend is not None and not isinstance(backend, _BoundedBackend):
        pool._network_backend = _BoundedBackend(backend)


def shorten(text: Any, limit: int = MESSAGE_LIMIT) -> str:
    """Untrusted server text as one short line: control characters collapsed, lone surrogates
    replaced, at most `limit` chars."""
    line = _CONTROL.sub(" ", clean_text(str(text))).strip()
    line = re.sub(r"\s{2,}", " ", line)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def as_int(value: Any) -> int | None:
    """An id or count as an exact int: JSON ints and digit strings; None for anything else.

    Floats are refused on purpose: a 64-bit id that became a float has already lost digits.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None


INT64_MAX = 2**63 - 1  # ids and counts are stored as BIGINT


def as_id(value: Any) -> int | None:
    """A TikTok id: `as_int`, and only a positive 64-bit value (beyond that no store can keep it)."""
    number = as_int(value)
    return number if number is not None and 0 < number <= INT64_MAX else None


def as_count(value: Any) -> int | None:
    """A count: `as_int`, and None when it does not fit in 64 bits."""
    number = as_int(value)
    return number if number is not None and -INT64_MAX <= number <= INT64_MAX else None


def as_bool(value: Any) -> bool:
    """A JSON flag that may arrive as a bool, the strings "true"/"false", or 0/1."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def decode_json(response: httpx.Response) -> Any:
    """The JSON body, or raise ValueError when it is not (cut off, HTML, nested too deeply, ...)."""
    return loads(response.content)


def error_info(body: Any) -> tuple[str | None, str | None]:
    """(code, message) from an error body, whatever its shape.

    Handles the v2 envelope {"error": {"code", "message"}}, the OAuth shape
    {"error": "invalid_client", "error_description": ...} and {"message"|"detail": ...}.
    """
    if not isinstance(body, dict):
        return None, None
    error = body.get("error")
    if isinstance(error, dict):
        code = error.get("code")
        return (str(code) if code is not None else None), _text_or_none(error.get("message"))
    if isinstance(error, str):
        return error, _text_or_none(body.get("error_description") or body.get("message"))
    return None, _text_or_none(body.get("message") or body.get("detail"))


def _text_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), if present."""
    raw = response.headers.get("Retry-After")
    if not raw:
        return None
    raw = raw.strip()
    if re.fullmatch(r"\d+(\.\d+)?", raw):
        return float(raw)
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def send(
    client: httpx.Client, method: str, url: str, *, what: str, stop: threading.Event | None = None, **kwargs: Any
) -> httpx.Response:
    """Send one request and read its whole (bounded) body; failures become our errors.

    Bounds (see the module docstring): the client's HARVESTER_HTTP_TIMEOUT_SECONDS as one
    wall-clock deadline for connect, headers and body; HARVESTER_MAX_RESPONSE_BYTES for the
    body (TransientSourceError beyond it, the rest is never read); a set `stop` interrupts the
    request within STOP_GRACE_SECONDS + STOP_POLL_SECONDS (RunStopped).
    """
    seconds = float(getattr(client, "request_seconds", None) or client.timeout.read or DEFAULT_TIMEOUT_SECONDS)
    cap = int(getattr(client, "max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES))
    if stop is not None and stop.is_set():
        raise _stopped(what)
    bounds = _Bounds(time.monotonic() + seconds, stop)
    outer = _bounds()
    _current.bounds = bounds
    try:
        response = client.send(client.build_request(method, url, **kwargs), stream=True)
        try:
            body = _read_body(response, bounds, cap, what, seconds)
        finally:
            response.close()
        response._content = body  # what .content, .text and decode_json read
        return response
    except _Interrupted:
        raise _stopped(what) from None
    except httpx.UnsupportedProtocol as exc:
        raise errors.PermanentSourceError(f"{what}: unusable URL {shorten(url)} ({exc})") from exc
    except httpx.TimeoutException as exc:
        raise errors.TransientSourceError(
            f"{what}: timed out ({type(exc).__name__}; no whole answer within {seconds:g}s, "
            "HARVESTER_HTTP_TIMEOUT_SECONDS)"
        ) from exc
    except httpx.TransportError as exc:
        raise errors.TransientSourceError(
            f"{what}: connection failed ({type(exc).__name__}: {shorten(exc, 120)})"
        ) from exc
    except httpx.DecodingError as exc:
        raise errors.TransientSourceError(f"{what}: the answer could not be decoded ({shorten(exc, 120)})") from exc
    finally:
        _current.bounds = outer


def _stopped(what: str) -> errors.RunStopped:
    return errors.RunStopped(f"{what}: stopped while waiting for the answer", "cancelled", errors.EXIT_FAILED)


def _read_body(response: httpx.Response, bounds: _Bounds, cap: int, what: str, seconds: float) -> bytes:
    """The body, streamed, inflated when the server compressed it anyway; bounded by `cap`."""
    declared = as_int(response.headers.get("Content-Length"))
    if declared is not None and declared > cap:
        raise errors.TransientSourceError(
            f"{what}: HTTP {response.status_code} answer of {declared} bytes is over the "
            f"{cap}-byte limit (HARVESTER_MAX_RESPONSE_BYTES); not read",
            status=response.status_code,
        )
    inflate = _inflater(response.headers.get("Content-Encoding", ""), what)
    chunks: list[bytes] = []
    size = 0
    for raw in response.iter_raw():
        for chunk in inflate(raw, cap - size + 1):
            size += len(chunk)
            if size > cap:
                raise errors.TransientSourceError(
                    f"{what}: HTTP {response.status_code} answer is over the {cap}-byte limit "
                    "(HARVESTER_MAX_RESPONSE_BYTES); the rest was not read",
                    status=response.status_code,
                )
            chunks.append(chunk)
        if bounds.interrupted():
            raise _Interrupted()
        if time.monotonic() > bounds.deadline:
            raise errors.TransientSourceError(
                f"{what}: timed out (the answer was still arriving after {seconds:g}s, "
                f"{size} bytes so far; HARVESTER_HTTP_TIMEOUT_SECONDS)",
                status=response.status_code,
            )
    return b"".join(chunks)


def _inflater(encoding: str, what: str):
    """A function (raw chunk, at most) -> decoded chunks, for the Content-Encoding a server sent
    although none was asked for; inflating never produces more than `at most` at once."""
    name = encoding.strip().lower()
    if name in ("", "identity"):
        return lambda raw, _most: (raw,)
    if name not in ("gzip", "x-gzip", "deflate"):
        raise errors.TransientSourceError(
            f"{what}: the answer is compressed with {shorten(name, 40)}, which was not asked for"
        )
    wbits = 16 + zlib.MAX_WBITS if name in ("gzip", "x-gzip") else zlib.MAX_WBITS
    decompressor = zlib.decompressobj(wbits)

    def inflate(raw: bytes, most: int) -> Iterator[bytes]:
        data = raw
        try:
            while data:
                out = decompressor.decompress(data, max(1, most))
                yield out
                most -= len(out)
                if most <= 0:
                    return
                data = decompressor.unconsumed_tail
        except zlib.error as exc:
            raise errors.TransientSourceError(f"{what}: the compressed answer is corrupt ({exc})") from None

    return inflate


class NoProgress(errors.PermanentSourceError):
    """A paging loop got pages that did not move it forward."""


class PageGuard:
    """Watches one paging loop: NO_PROGRESS_PAGES pages in a row that say `has_more` but bring
    no records or a cursor that does not move forward (or goes back to one seen before) raise
    NoProgress, so an endless cursor cannot spend the budget or outlive the run."""

    def __init__(self, what: str, limit: int = NO_PROGRESS_PAGES):
        self.what = what
        self.limit = max(1, limit)
        self.stalled = 0
        self._seen: set = set()

    def page(self, *, records: int, cursor: Any = None, next_cursor: Any = None) -> None:
        """Call for every page after which paging goes on (the server said has_more)."""
        if cursor is not None:
            self._seen.add(cursor)
        repeated = next_cursor is not None and next_cursor in self._seen
        backwards = isinstance(cursor, int) and isinstance(next_cursor, int) and next_cursor <= cursor
        if records and not repeated and not backwards:
            self.stalled = 0
            return
        self.stalled += 1
        if self.stalled >= self.limit:
            why = "the cursor did not move forward" if repeated or backwards else "no records"
            raise NoProgress(
                f"{self.what}: {self.stalled} pages in a row without progress ({why}) while "
                "the server still said there was more; paging stopped"
            )


def describe(response: httpx.Response, body: Any = None) -> str:
    """'HTTP 400 invalid_params: message' from a response (message shortened)."""
    code, message = error_info(body)
    if message is None and code is None and body is None:
        text = response.text if response.content else ""
        message = text or None
    parts = [f"HTTP {response.status_code}"]
    if code:
        parts.append(shorten(code, 60))
    summary = " ".join(parts)
    return f"{summary}: {shorten(message)}" if message else summary


def check(response: httpx.Response, *, what: str) -> Any:
    """Map a response to our errors; return the parsed JSON body of a 2xx response."""
    status = response.status_code
    body: Any = None
    try:
        body = decode_json(response)
    except (UnicodeDecodeError, ValueError) as exc:
        body = None
        if 200 <= status < 300:
            why = "not JSON or is cut off" if "nested deeper" not in str(exc) else f"not JSON we read ({exc})"
            raise errors.TransientSourceError(
                f"{what}: HTTP {status} with a body that is {why} ({len(response.content)} bytes)", status=status
            ) from None
    if 200 <= status < 300:
        return body
    code, _message = error_info(body)
    detail = describe(response, body)
    if status == 429:
        if code == QUOTA_CODE:
            raise errors.QuotaExhausted(
                f"{what}: daily quota used up ({detail}); it resets at 00:00 UTC", status=status
            )
        raise errors.TransientSourceError(
            f"{what}: rate limited ({detail})", retry_after=retry_after(response), status=status
        )
    if status >= 500 or status == 408:
        raise errors.TransientSourceError(
            f"{what}: server error ({detail})", retry_after=retry_after(response), status=status
        )
    raise errors.PermanentSourceError(f"{what}: refused ({detail})", status=status)
