"""A fake of TikTok's Research API and Commercial Content API, served over real HTTP.

Follows ``/work/shared/reference/tiktok-api.md`` section 9 ("Fake server contract"): same
paths, methods, envelopes, error bodies and status codes as ``https://open.tiktokapis.com``,
with every [unc] behaviour behind a switch. Stdlib only, so benchmarks and end-to-end tests
can run it as a separate process::

    python tests/fakes/tiktok_server.py --port 0 --videos 200 --comments-per-video 150
    # prints "READY http://127.0.0.1:PORT" and serves until SIGTERM/SIGINT

In tests::

    videos, comments = make_dataset(20, 150, seed=1)
    with FakeTikTok(videos, comments, faults={3: "500"}) as fake:
        client = httpx.Client(base_url=fake.base_url)
        ...
        assert fake.count("comment/list") == 4

Every option is a constructor keyword and a mutable attribute of the same name; the server
reads them on each request, so a test can flip a switch half way through.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import hashlib
import json
import math
import random
import re
import secrets
import signal
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "ADVERTISER_QUERY_PATH",
    "AD_DETAIL_PATH",
    "AD_QUERY_PATH",
    "COMMENT_LIST_PATH",
    "COMMERCIAL_QUERY_PATH",
    "DISCLOSURE_TAGS",
    "FAULT_KINDS",
    "FakeService",
    "FakeTikTok",
    "RANDOM_FAULT_KINDS",
    "TOKEN_PATH",
    "VIDEO_QUERY_PATH",
    "expected_domains",
    "is_promoted",
    "make_ads",
    "make_comment_text",
    "make_commercial_content",
    "make_dataset",
    "DOMAIN_POOL",
]

TOKEN_PATH = "/v2/oauth/token/"
VIDEO_QUERY_PATH = "/v2/research/video/query/"
COMMENT_LIST_PATH = "/v2/research/video/comment/list/"
AD_QUERY_PATH = "/v2/research/adlib/ad/query/"
AD_DETAIL_PATH = "/v2/research/adlib/ad/detail/"
COMMERCIAL_QUERY_PATH = "/v2/research/adlib/commercial_content/query/"
ADVERTISER_QUERY_PATH = "/v2/research/adlib/advertiser/query/"

RESEARCH_PATHS = (VIDEO_QUERY_PATH, COMMENT_LIST_PATH)
ADLIB_PATHS = (AD_QUERY_PATH, AD_DETAIL_PATH, COMMERCIAL_QUERY_PATH, ADVERTISER_QUERY_PATH)
API_PATHS = RESEARCH_PATHS + ADLIB_PATHS
ALL_PATHS = (TOKEN_PATH,) + API_PATHS

SCOPE_RESEARCH = "research.data.basic"
SCOPE_ADLIB = "research.adlib.basic"

VIDEO_FIELDS = frozenset(
    "id video_description create_time region_code share_count view_count like_count "
    "comment_count music_id hashtag_names username effect_ids playlist_id voice_to_text "
    "is_stem_verified favorites_count favourites_count video_duration hashtag_info_list "
    "sticker_info_list effect_info_list video_mention_list video_label video_tag".split()
)
COMMENT_FIELDS = frozenset("id video_id text like_count reply_count parent_comment_id create_time".split())
AD_QUERY_FIELDS = frozenset(
    "ad.id ad.first_shown_date ad.last_shown_date ad.status ad.status_statement ad.videos "
    "ad.image_urls ad.reach advertiser.business_id advertiser.business_name "
    "advertiser.paid_for_by".split()
)
AD_DETAIL_FIELDS = AD_QUERY_FIELDS | frozenset(
    "ad.rejection_info ad.title ad.external_url ad.download_url ad.call_to_action "
    "ad.advertising_objective advertiser.follower_count advertiser.avatar_url "
    "advertiser.profile_url ad_group.targeting_info".split()
)
COMMERCIAL_FIELDS = frozenset("id create_timestamp create_date label brand_names creator videos".split())
ADVERTISER_FIELDS = frozenset("business_id business_name country_code".split())

CONDITION_FIELDS = frozenset(
    "create_date username region_code video_id hashtag_name keyword music_id effect_id "
    "video_length view_count comment_count".split()
)
OPERATIONS = frozenset("EQ IN GT GTE LT LTE".split())

#: Every fault kind the fakes understand (aliases are normalised by ``normalise_fault``).
FAULT_KINDS = frozenset(
    {
        "500",  # 500 internal_error (JSON envelope)
        "502",  # 502 with an HTML body
        "503",  # 503 with an HTML body
        "504html",  # 504 with an HTML body, Content-Type text/html
        "truncated",  # 200 whose JSON body is cut in half
        "notjson",  # 200 whose body is an HTML page
        "search_id_expired",  # one-off 400 invalid_params "Search Id <id> is invalid or expired"
        "invalid_cursor",  # one-off 400 invalid_params "Invalid count or cursor"
        "invalid_params",  # one-off 400 invalid_params
        "429",  # 429 rate_limit_exceeded (+ Retry-After when configured)
        "quota",  # 429 daily_quota_limit_exceeded (one-off; the quota itself is untouched)
        "401",  # revokes the presented token, then 401 access_token_invalid
        "empty_page",  # a page with 0 items and has_more true, without losing data
        "disconnect",  # close the connection without any response
        "hang",  # sleep ``hang_seconds`` first (client read timeouts), then answer normally
        "drip",  # the normal answer, its body sent one byte every ``drip_seconds``
        "huge",  # 200 whose body (``huge_bytes``, made on the fly, no Content-Length) never ends in time
        "nested",  # 200 whose JSON body is valid but nested ``nested_depth`` levels deep
        "surrogate",  # 500 internal_error whose message holds a lone surrogate (ASCII-escaped "\\ud800")
        "endless",  # 200 page with nothing in it, has_more true and a cursor that never ends
    }
)
_FAULT_ALIASES = {
    "internal_error": "500",
    "5xx": "500",
    "504": "504html",
    "504_html": "504html",
    "rate_limit": "429",
    "rate_limit_exceeded": "429",
    "burst": "429",
    "daily_quota": "quota",
    "daily_quota_limit_exceeded": "quota",
    "access_token_invalid": "401",
    "token_expired": "401",
    "search_id": "search_id_expired",
    "truncated_json": "truncated",
    "html": "notjson",
    "empty": "empty_page",
    "reset": "disconnect",
}
#: What ``fault_rate`` picks from: all transient, a retry can always succeed.
RANDOM_FAULT_KINDS = ("500", "504html", "truncated", "429")

#: Ad-disclosure hashtags (lower case, without '#') that make a video "promoted".
DISCLOSURE_TAGS = frozenset(
    {"ad", "sponsored", "paidpartnership", "anzeige", "werbung", "publicidad", "publi", "partner"}
)
BRANDED_TAG_NUMBERS = frozenset({1, 7})
DEFAULT_DISCOVERY_HASHTAGS = ("ad", "sponsored", "paidpartnership", "tiktokmademebuyit")

EEA_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split()
)

_HTML_5XX = {
    502: b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
    b"</h1></center><hr><center>nginx</center></body></html>",
    503: b"<html><head><title>503 Service Unavailable</title></head><body><center><h1>503 "
    b"Service Unavailable</h1></center></body></html>",
    504: b"<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway "
    b"Time-out</h1></center><hr><center>nginx</center></body></html>",
}
_NOT_JSON_BODY = (
    b"<!DOCTYPE html><html><head><title>TikTok</title></head><body>Something went wrong. "
    b"Please try again later.</body></html>"
)
_HOLE = object()  # an occupied result slot that is never served (deleted/private item)


def normalise_fault(kind: str) -> str:
    """Return the canonical fault name for ``kind`` (accepts the aliases), or raise ValueError."""
    k = str(kind).strip().lower()
    k = _FAULT_ALIASES.get(k, k)
    if k not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; known: {sorted(FAULT_KINDS)}")
    return k


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON. Python ints stay exact (never through a float)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def new_log_id() -> str:
    # TikTok log ids look like "202406181234567B8D0A1F2E3C4D5E6F70" (20-34 chars).
    return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + secrets.token_hex(9).upper()


# ---------------------------------------------------------------------------------------------
# Generic HTTP machinery shared with worker_server.py
# ---------------------------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Any
    raw: bytes
    number: int = 0  # 1-based among fault-eligible requests (0 for the others)
    path_number: int = 0  # 1-based among requests to this path
    body: Any = None  # parsed body, for the log
    fault: str | None = None
    on_success: list[Callable[[], None]] = field(default_factory=list)


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)
    disconnect: bool = False
    drip: float = 0.0  # > 0: send the body one byte at a time, this many seconds apart
    stream: Callable[[], Iterable[bytes]] | None = None  # a body made on the fly, ended by closing


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, handler, fake):
        self.fake = fake
        super().__init__(addr, handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeServer/1.0"
    disable_nagle_algorithm = True  # else small responses wait ~40 ms for a delayed ACK

    def log_message(self, format, *args):  # noqa: A002 - silence stderr access log
        pass

    def _serve(self):
        self.server.fake._serve(self)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve


class FakeService:
    """Shared machinery: threaded HTTP server, latency, request log, fault injection.

    Subclasses implement ``_route(req) -> Reply``, ``_error(status, code, message, req)`` and
    say which paths are fault-eligible (``_eligible(path)``).
    """

    known_paths: tuple[str, ...] = ()
    server_name = "fake"

    def __init__(
        self,
        *,
        latency: float = 0.0,
        faults: dict | None = None,
        fault_rate: float = 0.0,
        fault_seed: int | None = None,
        fault_kinds: Iterable[str] = RANDOM_FAULT_KINDS,
        fault_max_consecutive: int = 2,
        hang_seconds: float = 30.0,
        drip_seconds: float = 1.0,
        huge_bytes: int = 1 << 30,
        nested_depth: int = 100_000,
        retry_after: float | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.lock = threading.RLock()
        self.latency = latency
        self.faults = dict(faults or {})
        self.fault_rate = fault_rate
        self.fault_seed = fault_seed
        self.fault_kinds = tuple(normalise_fault(k) for k in fault_kinds)
        self.fault_max_consecutive = fault_max_consecutive
        self.hang_seconds = hang_seconds
        self.drip_seconds = drip_seconds
        self.huge_bytes = huge_bytes
        self.nested_depth = nested_depth
        #: bytes of "huge" bodies actually sent (the client stops reading at its cap)
        self.huge_sent = 0
        self.retry_after = retry_after
        self.host = host
        self._port = port
        self._rng = random.Random(fault_seed)
        self._fail_next: list[list] = []  # [kind, path or None, remaining]
        self._consecutive: collections.Counter = collections.Counter()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.reset_log()
        for key, kind in self.faults.items():  # validate early
            normalise_fault(kind)
            if isinstance(key, tuple):
                self.resolve_path(key[0])
            elif isinstance(key, str):
                self.resolve_path(key)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self):
        """Bind ``host`` (127.0.0.1) on ``port`` (0: any free port) and serve in a thread."""
        if self._server is not None:
            return self
        self._server = _Server((self.host, self._port), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{self.server_name}-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self):
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("server not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- introspection -----------------------------------------------------------------------

    def reset_log(self):
        """Forget the request log and counters (not the data or the quota)."""
        with self.lock:
            #: one ``(path, parsed body, status)`` tuple per request, in arrival order;
            #: status 0 means the connection was dropped without a response.
            self.requests: list[tuple[str, Any, int]] = []
            #: ``(request number, path, fault kind)`` for every fault served.
            self.fault_log: list[tuple[int, str, str]] = []
            self._path_counts: collections.Counter = collections.Counter()
            self._number = 0

    def _path_key(self, path: str) -> str:
        """The known path (route) a concrete request path belongs to."""
        return path

    def resolve_path(self, path: str) -> str:
        """Full path for an abbreviation such as ``"comment/list"`` or ``"token"``."""
        if path in self.known_paths:
            return path
        if path.startswith("/") and self._path_key(path) in self.known_paths:
            return path  # a concrete path of a templated route
        frag = path.strip("/")
        hits = [p for p in self.known_paths if frag and frag in p]
        if len(hits) == 1:
            return hits[0]
        exact_tail = [p for p in hits if p.rstrip("/").endswith("/" + frag)]
        if len(exact_tail) == 1:
            return exact_tail[0]
        raise ValueError(f"path {path!r} matches {hits or 'nothing'} of {self.known_paths}")

    def _match_path(self, path: str) -> str:
        try:
            return self.resolve_path(path)
        except ValueError:
            return path

    def count(self, path: str | None = None, status: int | None = None) -> int:
        """Requests received (all, or for one path; optionally only those answered ``status``)."""
        with self.lock:
            full = self._match_path(path) if path else None
            return sum(
                1
                for p, _b, s in self.requests
                if (full is None or p == full or self._path_key(p) == full) and (status is None or s == status)
            )

    # -- fault scheduling --------------------------------------------------------------------

    def fail_next(self, kind: str, path: str | None = None, times: int = 1):
        """Serve ``kind`` to the next ``times`` eligible requests (to ``path`` if given)."""
        kind = normalise_fault(kind)
        full = self.resolve_path(path) if path else None
        with self.lock:
            self._fail_next.append([kind, full, times])

    def schedule_fault(self, at: int, kind: str, path: str | None = None):
        """Same as ``faults[at] = kind`` (or ``faults[(path, at)] = kind``)."""
        normalise_fault(kind)
        with self.lock:
            self.faults[(path, at) if path else at] = kind

    def _eligible(self, path: str) -> bool:
        return path in self.known_paths

    def _pick_fault(self, req: Request) -> str | None:
        """Which fault (if any) this request gets. Called with the lock held."""
        faults = self.faults
        if req.number and req.number in faults:
            return normalise_fault(faults[req.number])
        route = self._path_key(req.path)
        for key, kind in faults.items():
            if isinstance(key, tuple) and len(key) == 2:
                if self._match_path(key[0]) in (req.path, route) and key[1] == req.path_number:
                    return normalise_fault(kind)
            elif isinstance(key, str) and self._match_path(key) in (req.path, route):
                return normalise_fault(kind)  # every request to that path: a permanent fault
        for entry in self._fail_next:
            kind, path, remaining = entry
            if remaining > 0 and (path in (req.path, route) or (path is None and req.number)):
                entry[2] -= 1
                if entry[2] <= 0:
                    self._fail_next.remove(entry)
                return kind
        if self.fault_rate and req.number and self.fault_kinds:
            key = (req.path, req.raw)
            if self._consecutive[key] < self.fault_max_consecutive:
                if self._rng.random() < self.fault_rate:
                    self._consecutive[key] += 1
                    return self._rng.choice(self.fault_kinds)
            self._consecutive.pop(key, None)
        return None

    # -- request handling --------------------------------------------------------------------

    def _serve(self, h: BaseHTTPRequestHandler):
        split = urllib.parse.urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length > 0 else b""
        req = Request(
            method=h.command,
            path=split.path,
            query=urllib.parse.parse_qs(split.query, keep_blank_values=True),
            headers=h.headers,
            raw=raw,
        )
        with self.lock:
            route = self._path_key(req.path)
            self._path_counts[route] += 1
            req.path_number = self._path_counts[route]
            if self._eligible(req.path):
                self._number += 1
                req.number = self._number
        latency = self.latency
        if latency:
            time.sleep(latency)
        try:
            reply = self._handle(req)
        except Exception as exc:  # a bug in the fake: answer 500 rather than hang the client
            import traceback

            traceback.print_exc()
            reply = Reply(500, dumps({"error": {"code": "internal_error", "message": repr(exc)}}))
        if req.fault:
            with self.lock:
                self.fault_log.append((req.number, req.path, req.fault))
        if reply.status == 200 and not reply.disconnect:
            for callback in req.on_success:
                callback()
        with self.lock:
            self.requests.append((req.path, req.body, 0 if reply.disconnect else reply.status))
        self._write(h, reply)

    def _write(self, h: BaseHTTPRequestHandler, reply: Reply):
        if reply.disconnect:
            h.close_connection = True
            try:
                h.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if reply.stream is not None or reply.drip:
            self._write_slowly(h, reply)
            return
        try:
            h.send_response(reply.status)
            h.send_header("Content-Type", reply.content_type)
            h.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                h.send_header(name, value)
            # headers and body in one write
            h._headers_buffer.append(b"\r\n")
            if h.command != "HEAD":
                h._headers_buffer.append(reply.body)
            h.flush_headers()
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True

    def _write_slowly(self, h: BaseHTTPRequestHandler, reply: Reply):
        """A dripped body (Content-Length given, one byte at a time) or a streamed one (no
        length, ended by closing the connection), until done or the client goes away."""
        h.close_connection = True
        try:
            h.send_response(reply.status)
            h.send_header("Content-Type", reply.content_type)
            if reply.stream is None:
                h.send_header("Content-Length", str(len(reply.body)))
            else:
                h.send_header("Connection", "close")
            for name, value in reply.headers.items():
                h.send_header(name, value)
            h.end_headers()
            h.wfile.flush()
            if reply.stream is not None:
                for chunk in reply.stream():
                    h.wfile.write(chunk)
                    with self.lock:
                        self.huge_sent += len(chunk)
            else:
                for i in range(len(reply.body)):
                    h.wfile.write(reply.body[i : i + 1])
                    h.wfile.flush()
                    time.sleep(reply.drip)
            h.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass

    def _huge_body(self) -> Iterable[bytes]:
        head = b'{"data":{"comments":[],"videos":[],"padding":"'
        chunk = b"x" * 65536
        yield head
        sent = len(head)
        while sent < self.huge_bytes:
            piece = chunk[: self.huge_bytes - sent]
            yield piece
            sent += len(piece)
        yield b'"},"error":{"code":"ok","message":"","log_id":"1"}}'

    def _handle(self, req: Request) -> Reply:
        raise NotImplementedError

    def _apply_pre_fault(self, req: Request, kind: str) -> Reply | None:
        """Faults that replace the answer. ``None``: let the route answer (maybe modified)."""
        if kind == "disconnect":
            return Reply(0, disconnect=True)
        if kind in ("502", "503", "504html"):
            status = 504 if kind == "504html" else int(kind)
            return Reply(status, _HTML_5XX[status], "text/html")
        if kind == "notjson":
            return Reply(200, _NOT_JSON_BODY, "text/html; charset=utf-8")
        if kind == "hang":
            time.sleep(self.hang_seconds)
            return None
        if kind == "huge":
            return Reply(200, stream=self._huge_body)
        if kind == "nested":
            depth = self.nested_depth
            return Reply(200, b'{"data":' + b"[" * depth + b"]" * depth + b"}")
        return None

    def _retry_after_headers(self) -> dict[str, str]:
        if self.retry_after is None:
            return {}
        return {"Retry-After": str(max(0, math.ceil(self.retry_after)))}

    @staticmethod
    def _truncate(reply: Reply) -> Reply:
        if reply.status != 200 or len(reply.body) < 2:
            return reply
        return Reply(200, reply.body[: len(reply.body) // 2], reply.content_type, reply.headers)


# ---------------------------------------------------------------------------------------------
# The TikTok fake
# ---------------------------------------------------------------------------------------------


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def _bad(message: str) -> ApiError:
    return ApiError(400, "invalid_params", message)


@dataclass
class _Search:
    search_id: str
    results: list
    created: float


@dataclass
class _AdlibPage:
    results: list
    offset: int
    kind: str


class FakeTikTok(FakeService):
    """TikTok Research API + Commercial Content API fake (see the module docstring).

    Data: ``videos`` (Research API video dicts, keyed as the API names them, ``id`` an int),
    ``comments`` (dicts with ``id``, ``video_id``, ``parent_comment_id``, ``text``, ...),
    ``commercial_content`` (None: derived from the promoted videos with
    ``make_commercial_content``), ``ads`` (None: ``make_ads()``). Keys starting with ``_`` are
    never served (``_domains`` ground truth; ``_hidden`` video and ``_deleted`` comment occupy a
    result slot without being served, which makes short pages).

    Options (constructor keywords, also mutable attributes):

    - auth: ``client_key``/``client_secret`` ("test-key"/"test-secret"), ``token_error_status``
      (200: token errors come back as HTTP 200), ``token_lifetime`` (seconds, 7200),
      ``token_expires_in`` (reported value; None: the lifetime), ``scopes``.
    - limits: ``daily_quota`` (1000, None: unlimited; counts every research+adlib request that
      passes auth, 5xx and 400 included), ``burst_limit`` + ``burst_window`` (N accepted
      requests per sliding window, then 429 ``rate_limit_exceeded``), ``retry_after`` (seconds
      for a Retry-After header on burst 429s; None: no header), ``latency`` (seconds slept per
      request, outside the lock).
    - faults: ``faults`` ({n: kind} for the n-th research/adlib request, 1-based, token calls
      not counted; {(path, n): kind} for the n-th request to that path; {path: kind} for every
      request to it), ``fail_video_ids`` ({video_id: kind} for every comment request of that
      video), ``fault_rate`` + ``fault_seed`` + ``fault_kinds`` (random transient faults, at
      most ``fault_max_consecutive`` in a row for an identical request), ``hang_seconds``,
      ``drip_seconds`` ("drip": seconds between body bytes), ``huge_bytes`` ("huge": body size,
      made on the fly; ``huge_sent`` counts what was written), ``nested_depth`` ("nested").
      ``fail_next(kind, path=None, times=1)`` queues faults at run time. Kinds: FAULT_KINDS.
    - [unc] switches: ``empty_page_has_more``, ``missing_fields`` (rate, True = 0.3, of
      ``missing_field_names`` dropped per object, deterministic), ``accept_string_video_id``,
      ``unknown_video`` ("empty" | "error"), ``video_tag_keys`` ("type" | "video_tag_type"),
      ``video_id_key`` ("id" | "video_id"), ``comment_cursor`` ("returned" | "max_count"),
      ``comment_cap`` (top-1000 rule, on), ``end_date_inclusive`` (on), ``search_id_ttl``
      (seconds; None: search ids never expire), ``adlib_has_more_string``, ``adlib_dates_int``,
      ``adlib_business_id_typo``, ``commercial_id_string``.

    Introspection: ``requests`` [(path, body, status)], ``count(path, status=None)``,
    ``fault_log`` [(n, path, kind)], ``comment_pages(video_id)``, ``quota_used``,
    ``quota_remaining``, ``stats()``. Hooks: ``issue_token()``, ``expire_tokens()``,
    ``advance_time(s)``, ``advance_day()``, ``set_data()``, ``add_videos()``, ``add_comments()``,
    ``reset_log()``.
    """

    known_paths = ALL_PATHS
    server_name = "fake-tiktok"

    def __init__(
        self,
        videos: list[dict] | None = None,
        comments: list[dict] | None = None,
        *,
        commercial_content: list[dict] | None = None,
        ads: list[dict] | None = None,
        # auth
        client_key: str = "test-key",
        client_secret: str = "test-secret",
        token_error_status: int = 200,
        token_lifetime: float = 7200,
        token_expires_in: int | None = None,
        scopes: Iterable[str] = (SCOPE_RESEARCH, SCOPE_ADLIB),
        # limits
        daily_quota: int | None = 1000,
        burst_limit: int | None = None,
        burst_window: float = 1.0,
        # [unc] switches
        empty_page_has_more: bool = False,
        missing_fields: float | bool = 0.0,
        missing_field_names: Iterable[str] | None = None,
        accept_string_video_id: bool = False,
        unknown_video: str = "empty",
        video_tag_keys: str = "type",
        video_id_key: str = "id",
        comment_cursor: str = "returned",
        comment_cap: bool = True,
        end_date_inclusive: bool = True,
        search_id_ttl: float | None = None,
        fail_video_ids: dict | None = None,
        adlib_has_more_string: bool = False,
        adlib_dates_int: bool = False,
        adlib_business_id_typo: bool = False,
        commercial_id_string: bool = False,
        **service_options,
    ):
        super().__init__(**service_options)
        self.client_key = client_key
        self.client_secret = client_secret
        self.token_error_status = token_error_status
        self.token_lifetime = token_lifetime
        self.token_expires_in = token_expires_in
        self.scopes = set(scopes)
        self.daily_quota = daily_quota
        self.burst_limit = burst_limit
        self.burst_window = burst_window
        self.empty_page_has_more = empty_page_has_more
        self.missing_fields = missing_fields
        self.missing_field_names = (
            frozenset(missing_field_names)
            if missing_field_names is not None
            else frozenset(
                "like_count comment_count share_count view_count favorites_count music_id "
                "effect_ids playlist_id voice_to_text region_code video_duration reply_count".split()
            )
        )
        self.accept_string_video_id = accept_string_video_id
        if unknown_video not in ("empty", "error"):
            raise ValueError("unknown_video must be 'empty' or 'error'")
        self.unknown_video = unknown_video
        if video_tag_keys not in ("type", "video_tag_type"):
            raise ValueError("video_tag_keys must be 'type' or 'video_tag_type'")
        self.video_tag_keys = video_tag_keys
        if video_id_key not in ("id", "video_id"):
            raise ValueError("video_id_key must be 'id' or 'video_id'")
        self.video_id_key = video_id_key
        if comment_cursor not in ("returned", "max_count"):
            raise ValueError("comment_cursor must be 'returned' or 'max_count'")
        self.comment_cursor = comment_cursor
        self.comment_cap = comment_cap
        self.end_date_inclusive = end_date_inclusive
        self.search_id_ttl = search_id_ttl
        self.fail_video_ids = dict(fail_video_ids or {})
        self.adlib_has_more_string = adlib_has_more_string
        self.adlib_dates_int = adlib_dates_int
        self.adlib_business_id_typo = adlib_business_id_typo
        self.commercial_id_string = commercial_id_string

        self.tokens: dict[str, float] = {}  # token -> expiry (fake clock)
        self.quota_used = 0
        self._clock_offset = 0.0
        self._quota_day = self._today()
        self._burst: collections.deque = collections.deque()
        self._searches: dict[str, _Search] = {}
        self._adlib_pages: dict[str, _AdlibPage] = {}
        self.comment_pages_served: collections.Counter = collections.Counter()
        self.set_data(videos or [], comments or [], commercial_content=commercial_content, ads=ads)

    # -- data ----------------------------------------------------------------------------------

    def set_data(self, videos, comments, *, commercial_content=None, ads=None):
        """Replace the dataset (and rebuild the indexes)."""
        with self.lock:
            self.videos = list(videos)
            self.comments = list(comments)
            self.commercial_content = (
                list(commercial_content) if commercial_content is not None else make_commercial_content(self.videos)
            )
            self.ads = list(ads) if ads is not None else make_ads()
            self._reindex()

    def add_videos(self, videos: Iterable[dict]):
        with self.lock:
            self.videos.extend(videos)
            self._reindex()

    def add_comments(self, comments: Iterable[dict]):
        with self.lock:
            self.comments.extend(comments)
            self._reindex()

    def _reindex(self):
        self._video_by_id = {int(v["id"]): v for v in self.videos}
        self._top: dict[int, list] = collections.defaultdict(list)
        self._replies: dict[int, list] = collections.defaultdict(list)
        self._comment_ids = set()
        for c in self.comments:
            vid = int(c["video_id"])
            parent = c.get("parent_comment_id", vid)
            self._comment_ids.add(int(c["id"]))
            if parent is None or int(parent) == vid:
                self._top[vid].append(c)
            else:
                self._replies[int(parent)].append(c)
        self._ads_by_id = {int(a["ad"]["id"]): a for a in self.ads}

    # -- clock, tokens, quota ------------------------------------------------------------------

    def now(self) -> float:
        """The fake's clock: wall time plus whatever ``advance_time`` added."""
        return time.time() + self._clock_offset

    def _today(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.now(), dt.UTC).date()

    def advance_time(self, seconds: float):
        """Move the fake clock forward (expires tokens and search ids; may cross midnight)."""
        with self.lock:
            self._clock_offset += seconds

    def advance_day(self):
        """Jump just past the next 00:00 UTC: the daily quota resets, tokens expire."""
        with self.lock:
            now = self.now()
            midnight = (math.floor(now / 86400) + 1) * 86400
            self._clock_offset += midnight - now + 1
            self._roll_quota()

    def _roll_quota(self):
        today = self._today()
        if today != self._quota_day:
            self._quota_day = today
            self.quota_used = 0

    @property
    def quota_remaining(self) -> int | None:
        if self.daily_quota is None:
            return None
        return max(0, self.daily_quota - self.quota_used)

    def issue_token(self, lifetime: float | None = None) -> str:
        """A valid access token without going through HTTP."""
        token = "clt." + secrets.token_urlsafe(30)
        with self.lock:
            life = self.token_lifetime if lifetime is None else lifetime
            self.tokens[token] = self.now() + life
        return token

    def expire_tokens(self):
        """Every token issued so far becomes invalid (the next API call gets 401)."""
        with self.lock:
            self.tokens.clear()

    def stats(self) -> dict:
        with self.lock:
            by_path = collections.Counter(p for p, _b, _s in self.requests)
            by_status = collections.Counter(s for _p, _b, s in self.requests)
            return {
                "requests": len(self.requests),
                "by_path": dict(by_path),
                "by_status": {str(k): v for k, v in by_status.items()},
                "faults": len(self.fault_log),
                "quota_used": self.quota_used,
            }

    def comment_pages(self, video_id: int) -> int:
        """How many comment pages were served (200, not faulted) for ``video_id``."""
        with self.lock:
            return self.comment_pages_served[int(video_id)]

    # -- envelopes -------------------------------------------------------------------------------

    def _eligible(self, path: str) -> bool:
        return path in API_PATHS

    @staticmethod
    def _envelope_error(code, message, status, adlib):
        err = {"code": code, "message": message, "log_id": new_log_id()}
        if adlib:
            err["http_status_code"] = status
        return {"error": err}

    def _error(self, status, code, message, adlib=False, headers=None) -> Reply:
        return Reply(status, dumps(self._envelope_error(code, message, status, adlib)), headers=dict(headers or {}))

    def _ok(self, data, adlib=False) -> Reply:
        err = {"code": "ok", "message": "", "log_id": new_log_id()}
        if adlib:
            err["http_status_code"] = 200
        return Reply(200, dumps({"data": data, "error": err}))

    # -- dispatch ----------------------------------------------------------------------------------

    def _handle(self, req: Request) -> Reply:
        if req.path == TOKEN_PATH:
            return self._token(req)
        if req.path not in API_PATHS:
            req.body = _parse_json_or_raw(req.raw)
            return self._error(404, "invalid_request", f"Unknown path {req.path}")
        adlib = req.path in ADLIB_PATHS
        req.body = _parse_json_or_raw(req.raw)
        if req.method != "POST":
            return self._error(405, "invalid_request", f"{req.method} not allowed, use POST", adlib)

        with self.lock:
            # auth
            auth = req.headers.get("Authorization") or ""
            scheme, _, token = auth.strip().partition(" ")
            token = token.strip()
            expiry = self.tokens.get(token) if scheme.lower() == "bearer" else None
            if expiry is None or expiry <= self.now():
                if expiry is not None:
                    self.tokens.pop(token, None)
                return self._error(
                    401, "access_token_invalid", "The access token is invalid or not found in the request.", adlib
                )
            scope = SCOPE_ADLIB if adlib else SCOPE_RESEARCH
            if scope not in self.scopes:
                return self._error(
                    401,
                    "scope_not_authorized",
                    f"The user did not authorize the scope required for completing this request ({scope}).",
                    adlib,
                )
            # daily quota (shared by research and adlib)
            self._roll_quota()
            if self.daily_quota is not None and self.quota_used >= self.daily_quota:
                return self._error(
                    429, "daily_quota_limit_exceeded", "You have exceeded your daily request quota.", adlib
                )
            # burst limit (sliding window of accepted requests)
            if self.burst_limit is not None:
                mono = time.monotonic()
                while self._burst and self._burst[0] <= mono - self.burst_window:
                    self._burst.popleft()
                if len(self._burst) >= self.burst_limit:
                    return self._error(
                        429,
                        "rate_limit_exceeded",
                        "API rate limit was exceeded, please try again later.",
                        adlib,
                        self._retry_after_headers(),
                    )
                self._burst.append(mono)
            self.quota_used += 1  # 5xx and 400s included, as observed
            fault = self._pick_fault(req)
            if fault is None and req.path == COMMENT_LIST_PATH and self.fail_video_ids:
                fault = self._video_fault(req.body)
            req.fault = fault

        if fault:
            pre = self._apply_pre_fault(req, fault)
            if pre is not None:
                return pre
            if fault in ("500",):
                return self._error(500, "internal_error", "Something went wrong. Please try again later.", adlib)
            if fault == "429":
                return self._error(
                    429,
                    "rate_limit_exceeded",
                    "API rate limit was exceeded, please try again later.",
                    adlib,
                    self._retry_after_headers(),
                )
            if fault == "quota":
                return self._error(
                    429, "daily_quota_limit_exceeded", "You have exceeded your daily request quota.", adlib
                )
            if fault == "401":
                with self.lock:
                    self.tokens.pop(token, None)
                return self._error(
                    401, "access_token_invalid", "The access token is invalid or not found in the request.", adlib
                )
            if fault == "search_id_expired":
                sid = req.body.get("search_id") if isinstance(req.body, dict) else None
                sid = sid or str(secrets.randbelow(10**18) + 7 * 10**18)
                return self._error(400, "invalid_params", f"Search Id {sid} is invalid or expired", adlib)
            if fault == "invalid_cursor":
                return self._error(400, "invalid_params", "Invalid count or cursor", adlib)
            if fault == "invalid_params":
                return self._error(400, "invalid_params", "Invalid parameters", adlib)
            if fault == "surrogate":
                body = self._envelope_error("internal_error", "Something went wrong \ud800 try again", 500, adlib)
                return Reply(500, json.dumps(body, ensure_ascii=True).encode())
            if fault == "endless":
                return self._ok(self._endless(req), adlib)

        try:
            if not isinstance(req.body, dict):
                raise _bad("Request body must be a JSON object")
            handler = {
                VIDEO_QUERY_PATH: self._video_query,
                COMMENT_LIST_PATH: self._comment_list,
                AD_QUERY_PATH: self._ad_query,
                AD_DETAIL_PATH: self._ad_detail,
                COMMERCIAL_QUERY_PATH: self._commercial_query,
                ADVERTISER_QUERY_PATH: self._advertiser_query,
            }[req.path]
            with self.lock:
                data = handler(req, req.body)
        except ApiError as e:
            return self._error(e.status, e.code, e.message, adlib, e.headers)
        reply = self._ok(data, adlib)
        if fault == "truncated":
            return self._truncate(reply)
        if fault == "drip":
            reply.drip = self.drip_seconds
        return reply

    def _endless(self, req: Request) -> dict:
        """A page with nothing in it that says there is more, forever (cursor moving on)."""
        body = req.body if isinstance(req.body, dict) else {}
        cursor = body.get("cursor") if isinstance(body.get("cursor"), int) else 0
        max_count = body.get("max_count") if isinstance(body.get("max_count"), int) else 20
        sid = str(body.get("search_id") or 7 * 10**18 + 1)
        if req.path == COMMENT_LIST_PATH:
            return {"comments": [], "cursor": cursor, "has_more": True}
        if req.path == VIDEO_QUERY_PATH:
            return {"videos": [], "cursor": cursor + max_count, "has_more": True, "search_id": sid}
        if req.path == COMMERCIAL_QUERY_PATH:
            return {"commercial_contents": [], "has_more": True, "search_id": sid}
        return {"ads": [], "has_more": True, "search_id": sid}

    def _video_fault(self, body) -> str | None:
        if not isinstance(body, dict):
            return None
        vid = body.get("video_id")
        try:
            vid = int(vid) if vid is not None and not isinstance(vid, bool) else None
        except (TypeError, ValueError):
            return None
        kind = self.fail_video_ids.get(vid) if vid is not None else None
        return normalise_fault(kind) if kind else None

    # -- token ---------------------------------------------------------------------------------

    def _token(self, req: Request) -> Reply:
        form = {
            k: v[-1]
            for k, v in urllib.parse.parse_qs(req.raw.decode("utf-8", "replace"), keep_blank_values=True).items()
        }
        req.body = {k: ("***" if k == "client_secret" else v) for k, v in form.items()}
        with self.lock:
            fault = self._pick_fault(req)
            req.fault = fault
        if fault:
            pre = self._apply_pre_fault(req, fault)
            if pre is not None:
                return pre
            if fault != "truncated" and fault != "hang":
                return self._error(500, "internal_error", "Something went wrong. Please try again later.")

        def token_error(code, description):
            return Reply(
                self.token_error_status,
                dumps({"error": code, "error_description": description, "log_id": new_log_id()}),
            )

        if req.method != "POST":
            return token_error("invalid_request", "Only POST is supported")
        missing = [k for k in ("client_key", "client_secret", "grant_type") if not form.get(k)]
        if missing:
            return token_error("invalid_request", f"Missing required parameter(s): {', '.join(missing)}")
        if form["grant_type"] != "client_credentials":
            return token_error("invalid_request", "grant_type must be client_credentials")
        if form["client_key"] != self.client_key or form["client_secret"] != self.client_secret:
            return token_error("invalid_client", "Client key or secret is incorrect.")
        token = self.issue_token()
        expires_in = self.token_expires_in
        if expires_in is None:
            expires_in = max(0, math.ceil(self.token_lifetime))
        reply = Reply(200, dumps({"access_token": token, "expires_in": int(expires_in), "token_type": "Bearer"}))
        return self._truncate(reply) if fault == "truncated" else reply

    # -- research: videos ----------------------------------------------------------------------

    def _video_query(self, req: Request, body: dict) -> dict:
        fields = _parse_fields(req, VIDEO_FIELDS)
        max_count = _int_param(body, "max_count", 20, 1, 100)
        cursor = _int_param(body, "cursor", 0, 0, None)
        query = _validate_query(body.get("query"))
        start, end = _validate_date_range(body, 30)
        is_random = body.get("is_random") is True
        sid = body.get("search_id")
        if sid not in (None, ""):
            sid = str(sid)
            search = self._searches.get(sid)
            if search is not None and self.search_id_ttl is not None:
                if self.now() - search.created > self.search_id_ttl:
                    del self._searches[sid]
                    search = None
            if search is None:
                raise _bad(f"Search Id {sid} is invalid or expired")
        else:
            lo = _day_start(start)
            hi = _day_start(end) + (86400 if self.end_date_inclusive else 0)
            results = [v for v in self.videos if lo <= int(v.get("create_time", 0)) < hi and _match_query(v, query)]
            results.sort(key=lambda v: int(v["id"]), reverse=True)
            if is_random:
                rng = random.Random()
                results = rng.sample(results, min(len(results), rng.randint(1, 100), max_count))
            elif self.empty_page_has_more:
                # one all-hole page with has_more true per search, without losing any video
                at = max_count if len(results) > max_count else 0
                results = results[:at] + [_HOLE] * max_count + results[at:]
            sid = str(7 * 10**18 + secrets.randbelow(10**18))
            search = _Search(sid, results, self.now())
            self._searches[sid] = search
        if cursor > len(search.results):
            raise _bad("Invalid count or cursor")
        if req.fault == "empty_page":
            search.results[cursor:cursor] = [_HOLE] * max_count
        page = search.results[cursor : cursor + max_count]
        videos = [self._render_video(v, fields) for v in page if v is not _HOLE and not v.get("_hidden")]
        nxt = cursor + max_count
        return {
            "videos": videos,
            "cursor": nxt,
            "has_more": False if is_random else nxt < len(search.results),
            "search_id": sid,
        }

    def _render_video(self, v: dict, fields: list[str]) -> dict:
        out = {}
        for f in fields:
            if f not in v:
                continue
            if f != "id" and self._dropped(v["id"], f):
                continue
            value = v[f]
            if f == "video_tag" and isinstance(value, dict):
                t = value.get("type", value.get("video_tag_type"))
                n = value.get("number", value.get("video_tag_number"))
                value = (
                    {"video_tag_type": t, "video_tag_number": n}
                    if self.video_tag_keys == "video_tag_type"
                    else {"type": t, "number": n}
                )
            out["video_id" if f == "id" and self.video_id_key == "video_id" else f] = value
        return out

    def _dropped(self, obj_id, name: str) -> bool:
        rate = 0.3 if self.missing_fields is True else float(self.missing_fields or 0)
        if rate <= 0 or name not in self.missing_field_names:
            return False
        digest = hashlib.blake2b(f"{obj_id}:{name}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2**64 < rate

    # -- research: comments ----------------------------------------------------------------------

    def _comment_list(self, req: Request, body: dict) -> dict:
        fields = _parse_fields(req, COMMENT_FIELDS)
        has_vid = body.get("video_id") is not None
        has_cid = body.get("comment_id") is not None
        if has_vid == has_cid:
            raise _bad("Exactly one of video_id or comment_id must be provided")
        key = "video_id" if has_vid else "comment_id"
        target = self._id_param(body[key], key)
        max_count = _int_param(body, "max_count", 10, 1, 100)
        cursor = _int_param(body, "cursor", 0, 0, None)
        if self.comment_cap and cursor + max_count > 1000:
            raise _bad("Invalid count or cursor")
        if has_vid:
            known = target in self._video_by_id or target in self._top
            slots = self._top.get(target, [])
        else:
            known = target in self._comment_ids
            slots = self._replies.get(target, [])
        if not known and self.unknown_video == "error":
            raise _bad(f"{key} {target} is invalid or does not exist")
        if self.comment_cap:
            slots = slots[:1000]
        if req.fault == "empty_page":
            return {"comments": [], "cursor": cursor, "has_more": True}
        page = slots[cursor : cursor + max_count]
        comments = [self._render_comment(c, fields) for c in page if not c.get("_deleted")]
        consumed = cursor + len(page)
        nxt = consumed if self.comment_cursor == "returned" else cursor + max_count
        if has_vid:

            def served(vid=target):
                with self.lock:
                    self.comment_pages_served[vid] += 1

            req.on_success.append(served)
        return {"comments": comments, "cursor": nxt, "has_more": consumed < len(slots)}

    def _id_param(self, value, name) -> int:
        if isinstance(value, bool):
            raise _bad(f"Invalid {name}")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.isdigit() and self.accept_string_video_id:
            return int(value)
        raise _bad(f"Invalid {name}: must be an int64 number")

    def _render_comment(self, c: dict, fields: list[str]) -> dict:
        out = {}
        for f in fields:
            if f == "parent_comment_id" and f not in c:
                out[f] = c["video_id"]
                continue
            if f not in c or (f != "id" and self._dropped(c["id"], f)):
                continue
            out[f] = c[f]
        return out

    # -- adlib -----------------------------------------------------------------------------------

    def _adlib_date(self, value: str):
        return int(value) if self.adlib_dates_int and value else value

    def _adlib_has_more(self, value: bool):
        return ("true" if value else "false") if self.adlib_has_more_string else value

    def _adlib_page(self, body, kind, build, max_default, max_limit):
        max_count = _int_param(body, "max_count", max_default, 1, max_limit)
        sid = body.get("search_id")
        if sid not in (None, ""):
            page = self._adlib_pages.get(str(sid))
            if page is None or page.kind != kind:
                raise _bad(f"Search Id {sid} is invalid or expired")
        else:
            page = _AdlibPage(build(), 0, kind)
        items = page.results[page.offset : page.offset + max_count]
        nxt = page.offset + len(items)
        next_sid = "".join(str(secrets.randbelow(10)) for _ in range(19)).lstrip("0") or "1"
        self._adlib_pages[next_sid] = _AdlibPage(page.results, nxt, kind)
        return items, nxt < len(page.results), next_sid

    def _ad_query(self, req: Request, body: dict) -> dict:
        fields = _parse_fields(req, AD_QUERY_FIELDS)
        filters = body.get("filters")
        if not isinstance(filters, dict):
            raise _bad("filters is required")
        lo, hi = _validate_adlib_range(filters.get("ad_published_date_range"), "ad_published_date_range")
        term = body.get("search_term")
        if term is not None and (not isinstance(term, str) or len(term) > 50):
            raise _bad("search_term must be a string of at most 50 characters")
        search_type = body.get("search_type", "exact_phrase")
        if search_type not in ("exact_phrase", "fuzzy_phrase"):
            raise _bad("search_type must be exact_phrase or fuzzy_phrase")
        country = filters.get("country_code", "ALL") or "ALL"
        ids = filters.get("advertiser_business_ids")
        if ids is not None and (
            not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
        ):
            raise _bad("advertiser_business_ids must be a list of int64")

        def build():
            out = []
            for a in self.ads:
                ad, adv = a["ad"], a["advertiser"]
                if not lo <= ad["first_shown_date"] <= hi:
                    continue
                if country != "ALL" and country not in a.get("countries", ()):
                    continue
                if term:
                    hay = " ".join([ad.get("title", ""), adv.get("business_name", "")]).lower()
                    if search_type == "fuzzy_phrase":
                        if not any(w in hay for w in term.lower().split()):
                            continue
                    elif term.lower() not in hay:
                        continue
                elif ids and adv["business_id"] not in ids:
                    continue
                out.append(a)
            return out

        items, has_more, sid = self._adlib_page(body, "ad", build, 10, 50)
        return {
            "ads": [self._render_ad(a, fields) for a in items],
            "has_more": self._adlib_has_more(has_more),
            "search_id": sid,
        }

    def _render_ad(self, a: dict, fields, detail=False) -> dict:
        out: dict = {}
        ad_src, adv_src = a["ad"], a["advertiser"]
        for f in fields:
            group, _, name = f.partition(".")
            if group == "ad" and name in ad_src:
                value = ad_src[name]
                if name in ("first_shown_date", "last_shown_date"):
                    value = self._adlib_date(value)
                if name == "reach" and not detail and isinstance(value, dict):
                    value = {"unique_users_seen": value.get("unique_users_seen")}
                out.setdefault("ad", {})[name] = value
            elif group == "advertiser":
                adv = out.setdefault("advertiser", {})
                if name == "paid_for_by":
                    adv["paid_by"] = adv_src.get("paid_by")  # requested as paid_for_by [doc]
                elif name == "business_id":
                    adv["buisness_id" if self.adlib_business_id_typo else "business_id"] = adv_src["business_id"]
                elif name in ("follower_count", "avatar_url", "profile_url"):
                    adv.setdefault("tiktok_account", {})[name] = adv_src.get(name)
                elif name in adv_src:
                    adv[name] = adv_src[name]
            elif group == "ad_group" and name == "targeting_info":
                out.setdefault("ad_group", {})["targeting_info"] = a.get("ad_group", {}).get("targeting_info", {})
        if detail and "advertiser" in out:
            out["advertiser"].setdefault("country_code", adv_src.get("country_code"))
        return out

    def _ad_detail(self, req: Request, body: dict) -> dict:
        fields = _parse_fields(req, AD_DETAIL_FIELDS)
        ad_id = body.get("ad_id")
        if not isinstance(ad_id, int) or isinstance(ad_id, bool):
            raise _bad("ad_id must be an int64 number")
        a = self._ads_by_id.get(ad_id)
        if a is None:
            raise _bad(f"Ad id {ad_id} is invalid or does not exist")
        return self._render_ad(a, fields, detail=True)

    def _commercial_query(self, req: Request, body: dict) -> dict:
        fields = _parse_fields(req, COMMERCIAL_FIELDS)
        filters = body.get("filters")
        if not isinstance(filters, dict):
            raise _bad("filters is required")
        lo, hi = _validate_adlib_range(filters.get("content_published_date_range"), "content_published_date_range")
        countries = filters.get("creator_country_code")
        if isinstance(countries, str):
            countries = None if countries.upper() == "ALL" else [countries]
        if countries is not None:
            if not isinstance(countries, list) or not all(isinstance(c, str) for c in countries):
                raise _bad("creator_country_code must be a country code")
            bad = [c for c in countries if c.upper() not in EEA_COUNTRIES]
            if bad:
                raise _bad(f"creator_country_code {bad[0]} is not supported")
            countries = {c.upper() for c in countries}
        usernames = filters.get("creator_usernames")
        if usernames is not None and not isinstance(usernames, list):
            raise _bad("creator_usernames must be a list of strings")

        def build():
            out = []
            for item in self.commercial_content:
                if not lo <= item["create_date"] <= hi:
                    continue
                if countries and item.get("creator_country_code") not in countries:
                    continue
                if usernames and item["creator"]["username"] not in usernames:
                    continue
                out.append(item)
            return out

        items, has_more, sid = self._adlib_page(body, "commercial", build, 10, 50)
        rendered = []
        for item in items:
            r = {}
            for f in fields:
                if f not in item:
                    continue
                value = item[f]
                if f == "id" and self.commercial_id_string:
                    value = str(value)
                if f == "create_date":
                    value = self._adlib_date(value)
                r[f] = value
            rendered.append(r)
        return {"commercial_contents": rendered, "has_more": self._adlib_has_more(has_more), "search_id": sid}

    def _advertiser_query(self, req: Request, body: dict) -> dict:
        fields = _parse_fields(req, ADVERTISER_FIELDS, required=False) or sorted(ADVERTISER_FIELDS)
        term = body.get("search_term")
        if not isinstance(term, str) or not term or len(term) > 50:
            raise _bad("search_term is required (at most 50 characters)")
        max_count = _int_param(body, "max_count", 10, 1, 50)
        seen, out = set(), []
        for a in self.ads:
            adv = a["advertiser"]
            if term.lower() in adv["business_name"].lower() and adv["business_id"] not in seen:
                seen.add(adv["business_id"])
                row = {}
                for f in fields:
                    key = "buisness_id" if f == "business_id" and self.adlib_business_id_typo else f
                    row[key] = adv.get(f)
                out.append(row)
        return {"advertisers": out[:max_count]}


# ---------------------------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------------------------


def _parse_json_or_raw(raw: bytes):
    if not raw:
        return {}
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return raw.decode("utf-8", "replace")


def _parse_fields(req: Request, allowed: frozenset, required: bool = True) -> list[str]:
    values = req.query.get("fields")
    if not values:
        if required:
            raise _bad("Missing required parameter: fields")
        return []
    fields = []
    for value in values:
        for f in value.split(","):
            f = f.strip()
            if f and f not in fields:
                fields.append(f)
    unknown = [f for f in fields if f not in allowed]
    if unknown or not fields:
        raise _bad(f"Invalid fields: {','.join(unknown) or '(empty)'}")
    return fields


def _int_param(body: dict, key: str, default: int, lo: int, hi: int | None) -> int:
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(f"Invalid {key}: must be an integer")
    if value < lo or (hi is not None and value > hi):
        if key == "cursor":
            raise _bad("Invalid count or cursor")
        raise _bad(f"Invalid {key}: must be between {lo} and {hi}")
    return value


def _parse_yyyymmdd(value, name) -> dt.date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{8}", value):
        raise _bad(f"Invalid {name}: must be a YYYYMMDD string")
    try:
        return dt.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise _bad(f"Invalid {name}: {value} is not a date") from None


def _validate_date_range(body: dict, max_days: int) -> tuple[dt.date, dt.date]:
    start = _parse_yyyymmdd(body.get("start_date"), "start_date")
    end = _parse_yyyymmdd(body.get("end_date"), "end_date")
    if end < start:
        raise _bad("Invalid end_date: must not be before start_date")
    if (end - start).days > max_days:
        raise _bad(f"Invalid end_date: must be no more than {max_days} days after start_date")
    return start, end


def _validate_adlib_range(rng, name) -> tuple[str, str]:
    if not isinstance(rng, dict):
        raise _bad(f"filters.{name} is required")
    lo = rng.get("min")
    hi = rng.get("max")
    if isinstance(lo, int) and not isinstance(lo, bool):
        lo = str(lo)
    if isinstance(hi, int) and not isinstance(hi, bool):
        hi = str(hi)
    lo_d = _parse_yyyymmdd(lo, f"{name}.min")
    hi_d = _parse_yyyymmdd(hi, f"{name}.max")
    if lo_d < dt.date(2022, 10, 1):
        raise _bad(f"Invalid {name}.min: must be on or after 20221001")
    if hi_d < lo_d:
        raise _bad(f"Invalid {name}: max must not be before min")
    return lo, hi


def _validate_query(query) -> dict:
    if not isinstance(query, dict):
        raise _bad("query is required")
    unknown = set(query) - {"and", "or", "not"}
    if unknown:
        raise _bad(f"Invalid query key(s): {', '.join(sorted(unknown))}")
    nonempty = False
    for op in ("and", "or", "not"):
        conds = query.get(op)
        if conds is None:
            continue
        if not isinstance(conds, list):
            raise _bad(f"Invalid query.{op}: must be a list of conditions")
        for c in conds:
            if not isinstance(c, dict):
                raise _bad(f"Invalid condition in query.{op}")
            if c.get("field_name") not in CONDITION_FIELDS:
                raise _bad(f"Invalid field_name: {c.get('field_name')!r}")
            if c.get("operation") not in OPERATIONS:
                raise _bad(f"Invalid operation: {c.get('operation')!r}")
            values = c.get("field_values")
            if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
                raise _bad("Invalid field_values: must be a non-empty list of strings")
            if c["field_name"] == "create_date":
                for v in values:
                    _parse_yyyymmdd(v, "create_date field_values")
            if c["field_name"] == "video_length" and not set(values) <= {"SHORT", "MID", "LONG", "EXTRA_LONG"}:
                raise _bad("Invalid video_length value")
        nonempty = nonempty or bool(conds)
    if not nonempty:
        raise _bad("query must contain at least one non-empty and/or/not list")
    return query


def _day_start(d: dt.date) -> int:
    return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp())


def _length_bucket(seconds) -> str | None:
    if seconds is None:
        return None
    if seconds < 15:
        return "SHORT"
    if seconds <= 60:
        return "MID"
    if seconds <= 300:
        return "LONG"
    return "EXTRA_LONG"


def _compare(actual, op, values, numeric=False) -> bool:
    if actual is None:
        return False
    if op in ("EQ", "IN"):
        return (
            str(actual) in values
            if not numeric
            else any(int(actual) == int(v) for v in values if v.lstrip("-").isdigit())
        )
    try:
        ref = int(values[0]) if numeric else values[0]
        act = int(actual) if numeric else str(actual)
    except ValueError:
        return False
    return {"GT": act > ref, "GTE": act >= ref, "LT": act < ref, "LTE": act <= ref}[op]


def _match_condition(v: dict, c: dict) -> bool:
    name, op, values = c["field_name"], c["operation"], c["field_values"]
    if name == "keyword":
        desc = (v.get("video_description") or "").lower()
        return any(x.lower() in desc for x in values)
    if name == "hashtag_name":
        tags = {t.lower().lstrip("#") for t in v.get("hashtag_names") or []}
        if op in ("EQ", "IN"):
            return any(x.lower().lstrip("#") in tags for x in values)
        return False
    if name == "create_date":
        day = dt.datetime.fromtimestamp(int(v.get("create_time", 0)), dt.UTC).strftime("%Y%m%d")
        return _compare(day, op, values)
    if name == "video_id":
        return _compare(v.get("id"), op, values)
    if name == "effect_id":
        return any(str(e) in values for e in v.get("effect_ids") or [])
    if name == "video_length":
        return _length_bucket(v.get("video_duration")) in values
    if name in ("view_count", "comment_count"):
        return _compare(v.get(name), op, values, numeric=True)
    return _compare(v.get(name), op, values)  # username, region_code, music_id


def _match_query(v: dict, q: dict) -> bool:
    if q.get("and") and not all(_match_condition(v, c) for c in q["and"]):
        return False
    if q.get("or") and not any(_match_condition(v, c) for c in q["or"]):
        return False
    if q.get("not") and any(_match_condition(v, c) for c in q["not"]):
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Promotion rule (ground truth for the generated data)
# ---------------------------------------------------------------------------------------------

_DISCLOSURE_RE = re.compile(
    r"#(" + "|".join(sorted(DISCLOSURE_TAGS, key=len, reverse=True)) + r")(?![\w])", re.IGNORECASE
)


def is_promoted(video: dict) -> bool:
    """The DESIGN rule: video_tag number 1 or 7, or an ad-disclosure hashtag.

    Accepts Research-API keys (``video_description``, ``hashtag_names``) and files/worker keys
    (``description``, ``hashtags``), and both ``video_tag`` key variants.
    """
    tag = video.get("video_tag")
    if isinstance(tag, dict):
        number = tag.get("number", tag.get("video_tag_number"))
        try:
            if int(number) in BRANDED_TAG_NUMBERS:
                return True
        except (TypeError, ValueError):
            pass
    tags = video.get("hashtag_names", video.get("hashtags")) or []
    if any(str(t).lower().lstrip("#") in DISCLOSURE_TAGS for t in tags):
        return True
    desc = video.get("video_description", video.get("description")) or ""
    return bool(_DISCLOSURE_RE.search(desc))


# ---------------------------------------------------------------------------------------------
# Dataset generation
# ---------------------------------------------------------------------------------------------

#: (host as written, registrable domain it yields). Checked against tldextract in the tests.
DOMAIN_POOL: tuple[tuple[str, str], ...] = (
    ("shein.com", "shein.com"),
    ("us.shein.com", "shein.com"),
    ("temu.com", "temu.com"),
    ("amazon.com", "amazon.com"),
    ("amzn.to", "amzn.to"),
    ("amazon.co.uk", "amazon.co.uk"),
    ("amazon.de", "amazon.de"),
    ("etsy.com", "etsy.com"),
    ("aliexpress.com", "aliexpress.com"),
    ("s.click.aliexpress.com", "aliexpress.com"),
    ("linktr.ee", "linktr.ee"),
    ("bit.ly", "bit.ly"),
    ("sephora.com", "sephora.com"),
    ("ulta.com", "ulta.com"),
    ("zara.com", "zara.com"),
    ("asos.com", "asos.com"),
    ("zalando.de", "zalando.de"),
    ("douglas.de", "douglas.de"),
    ("shopee.co.id", "shopee.co.id"),
    ("tokopedia.com", "tokopedia.com"),
    ("mercadolivre.com.br", "mercadolivre.com.br"),
    ("mercadolibre.com.mx", "mercadolibre.com.mx"),
    ("cupshe.com", "cupshe.com"),
    ("gymshark.com", "gymshark.com"),
    ("glowlab.myshopify.com", "glowlab.myshopify.com"),
    ("cozyknits.myshopify.com", "cozyknits.myshopify.com"),
    ("maya-picks.github.io", "maya-picks.github.io"),
    ("müller.de", "müller.de"),
    ("bücher.de", "bücher.de"),
    ("stanley1913.com", "stanley1913.com"),
    ("dermstore.com", "dermstore.com"),
    ("lookfantastic.com", "lookfantastic.com"),
)
_PUNYCODE = {"müller.de": "xn--mller-kva.de", "bücher.de": "xn--bcher-kva.de"}

_DOMAIN_TEMPLATES = (
    "got mine from {d} 😍",
    "link?? nvm found it {d}",
    "{d} has it for half the price fr",
    "not me adding everything to cart on {d} 💀",
    "use code TIKTOK20 at {d} 🙌",
    "is {d} legit??",
    "ordered from {d} last week, still waiting 😩",
    "cheaper on {d} ngl",
    "lo compré en {d} y llegó en 3 días",
    "en {d} está más barato 👀",
    "comprei no {d} e chegou rapidinho",
    "alguém já comprou no {d}? é confiável?",
    "beli di {d} aja kak lebih murah",
    "cek {d} kak, ada diskon 50%",
    "hab's bei {d} bestellt, kam nach 2 Tagen",
    "gibt's auch bei {d} 👌",
)
_TWO_DOMAIN_TEMPLATES = (
    "{d} vs {e}, which one is cheaper?",
    "saw it on {d} but {e} had it cheaper lol",
    "ich hab beide probiert: {d} und {e}",
)
_CHATTER = (
    "omg 😍😍",
    "need this",
    "where is the link",
    "🔥🔥🔥",
    "the way i ran to buy this",
    "ate",
    "mother is mothering",
    "slay 💅",
    "no bc why is this so cute",
    "add to cart ✅",
    "i'm obsessed",
    "wait this is actually good",
    "ngl i thought it was fake",
    "😭😭😭",
    "qué lindo 😍",
    "lo necesito ya",
    "amei demais",
    "quero muito",
    "bagus banget kak",
    "mau dong 🙏",
    "sieht mega aus",
    "brauch ich sofort",
    "first 🥇",
    "who's here in 2026",
    "the packaging 😮‍💨",
    "size guide pls?",
    "does it ship to canada",
    "ratio",
    "W product",
)
_TRAPS = (
    "e.g. the blue one is better",
    "made in the U.S. apparently",
    "update to v2.3.1 fixed it",
    "only $9.99!!",
    "it's 19.99 on sale rn",
    "live at 10.30 tonight",
    "rated 4.5 stars",
    "my router says 192.168.0.1 lol",
    "o.O",
    "great video.thanks for sharing",
    "ok.so where do i buy",
    "check @jake.tv he reviewed it",
    "ask @maria.shop",
    "#tiktokmademebuyit #fyp",
    "sent you the main.py file",
    "my video.mov won't upload",
    "a.k.a. the best",
    "1.5x speed 🤣",
    "p.s. love u",
    "3.5mm jack still exists?",
    "lol.no",
    ":-) :-)",
)
_REDACTED = (
    "email me a*******@******** for collabs",
    "dm or mail j***@*****.*** pls",
    "my email is m*********@********** reply",
    "contact: s****@****",
)


def _render_host(host: str, form: str, rng: random.Random) -> str:
    if form == "bare":
        return host
    if form == "www":
        return "www." + host
    if form == "url":
        slug = rng.choice(
            ["p/1234567", "products/cloud-sneaker", "item/100500.html", "s/ref=tt", "blog/why-temu.com-is-cheap"]
        )
        query = rng.choice(
            [
                "?utm_source=tiktok.com&ref=dealhunter.net",
                "?redirect=https://evil-redirect.com/x",
                "?aff=maya.picks",
                "",
            ]
        )
        return f"https://{rng.choice(['', 'www.']) if host.count('.') == 1 else ''}{host}/{slug}{query}"
    if form == "http":
        return f"http://{host}"
    if form == "upper":
        return host.upper() if rng.random() < 0.5 else host[:1].upper() + host[1:]
    if form == "punct":
        return host + rng.choice(["!", ".", ",", "?", "!!", "...", ":", ";"])
    if form == "bracket":
        left, right = rng.choice([("(", ")"), ("[", "]"), ('"', '"'), ("'", "'"), ("«", "»"), ("<", ">")])
        return left + host + right
    if form == "emoji":
        return rng.choice(["👉", "🔥", "✨", "💕"]) + host + rng.choice(["🔥", "😍", "🛒", "✅"])
    if form == "hashtag":
        return host + rng.choice(["#fyp", "#ad", "#haul"])
    if form in ("[.]", "(.)", "[dot]", "(dot)", " dot ", " . "):
        return host.replace(".", form)
    if form == "idn":
        return _PUNYCODE.get(host, host) if rng.random() < 0.5 else host
    raise ValueError(form)


_FORMS = (
    "bare",
    "bare",
    "bare",
    "www",
    "url",
    "url",
    "http",
    "upper",
    "punct",
    "punct",
    "bracket",
    "emoji",
    "hashtag",
    "[.]",
    "(.)",
    "[dot]",
    "(dot)",
    " dot ",
    " . ",
)


def make_comment_text(rng: random.Random) -> tuple[str, list[str]]:
    """One realistic comment text and the registrable domains it mentions (sorted)."""
    roll = rng.random()
    if roll < 0.33:
        host, reg = rng.choice(DOMAIN_POOL)
        form = "idn" if host in _PUNYCODE else rng.choice(_FORMS)
        if form == "www" and host.count(".") != 1:
            form = "bare"
        return rng.choice(_DOMAIN_TEMPLATES).format(d=_render_host(host, form, rng)), [reg]
    if roll < 0.38:
        (h1, r1), (h2, r2) = rng.sample(DOMAIN_POOL, 2)
        text = rng.choice(_TWO_DOMAIN_TEMPLATES).format(
            d=_render_host(h1, "idn" if h1 in _PUNYCODE else "bare", rng),
            e=_render_host(
                h2,
                "idn" if h2 in _PUNYCODE else rng.choice(("www", "bare", "punct")) if h2.count(".") == 1 else "bare",
                rng,
            ),
        )
        return text, sorted({r1, r2})
    if roll < 0.45:
        return "", []
    if roll < 0.51:
        return rng.choice(_REDACTED), []
    if roll < 0.63:
        return rng.choice(_TRAPS), []
    return rng.choice(_CHATTER) + rng.choice(["", "", " 😂", " 🙏", "!!"]), []


_USER_PARTS = (
    "glow",
    "maya",
    "lena",
    "tech",
    "cozy",
    "daily",
    "budget",
    "mama",
    "fit",
    "chef",
    "sofia",
    "rizky",
    "ana",
    "jonas",
    "kiki",
    "nina",
    "deals",
    "style",
    "home",
    "beauty",
)
_USER_TAILS = (
    "withmaya",
    "_finds",
    ".reviews",
    "haul",
    "_official",
    "picks",
    "lifestyle",
    "tok",
    "_id",
    ".br",
    "dealz",
    "corner",
)
_TOPIC_TAGS = (
    "fyp",
    "haul",
    "skincare",
    "kitchengadgets",
    "ootd",
    "makeup",
    "gadgets",
    "homedecor",
    "fitness",
    "unboxing",
    "review",
    "amazonfinds",
    "sheinhaul",
    "temufinds",
    "beautytok",
)
_DESCRIPTIONS = (
    "this {thing} changed my life",
    "rating every {thing} I bought this month",
    "honest review of the viral {thing}",
    "POV: you finally found the perfect {thing}",
    "el {thing} que todos están comprando",
    "achei o {thing} perfeito",
    "review jujur {thing} viral",
    "mein neues Lieblings-{thing}",
)
_THINGS = (
    "serum",
    "blender",
    "hoodie",
    "water bottle",
    "lamp",
    "sneaker",
    "lip oil",
    "air fryer",
    "backpack",
    "phone case",
    "dress",
    "mascara",
)
_REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "BR", "MX", "ID", "PL", "SE", "AT", "PT")
_DISCLOSURE_CHOICES = ("ad", "sponsored", "paidpartnership", "anzeige", "werbung", "publicidad", "publi")


def _snowflake(ts: int, rng: random.Random, used: set) -> int:
    while True:
        value = (int(ts) << 32) | rng.getrandbits(32)
        if value not in used:
            used.add(value)
            return value


def make_dataset(
    n_videos: int,
    comments_per_video: int,
    promoted_ratio: float = 0.5,
    seed: int = 0,
    start_time: float | None = None,
) -> tuple[list[dict], list[dict]]:
    """Deterministic Research-API-shaped ``(videos, comments)``.

    Videos are posted in the four days before ``start_time`` (default: 00:00 UTC today).
    Video and comment ids are 19-digit snowflakes (``create_time << 32 | random``), so they
    exceed 2**53 and sort by time. Every video carries a default discovery hashtag; promoted
    ones have ``video_tag`` 1/7 or a disclosure hashtag, the others ``tiktokmademebuyit`` only.
    Each comment carries ``_domains`` (never served): the registrable domains it mentions.
    """
    rng = random.Random(seed)
    # default: the start of today (UTC), so every video lies in a day that has ended, the days
    # harvester's discovery ledger scans
    now = int(start_time if start_time is not None else time.time() // 86400 * 86400)
    used: set[int] = set()
    n_promoted = round(n_videos * promoted_ratio)
    promoted_idx = set(rng.sample(range(n_videos), n_promoted)) if n_videos else set()
    videos, comments = [], []
    for i in range(n_videos):
        ctime = now - rng.randint(3600, 4 * 86400)
        vid = _snowflake(ctime, rng, used)
        username = (
            rng.choice(_USER_PARTS) + rng.choice(_USER_TAILS) + (str(rng.randint(1, 99)) if rng.random() < 0.3 else "")
        )
        topic = rng.sample(_TOPIC_TAGS, 2)
        hashtags = list(topic)
        desc = rng.choice(_DESCRIPTIONS).format(thing=rng.choice(_THINGS))
        video = {
            "id": vid,
            "create_time": ctime,
            "username": username,
            "region_code": rng.choice(_REGIONS),
            "video_description": "",
            "hashtag_names": [],
            "like_count": rng.randint(10, 2_000_000),
            "comment_count": comments_per_video,
            "share_count": rng.randint(0, 50_000),
            "view_count": rng.randint(1_000, 30_000_000),
            "favorites_count": rng.randint(0, 100_000),
            "music_id": _snowflake(ctime - rng.randint(86400, 400 * 86400), rng, used),
            "effect_ids": [str(rng.randint(100000, 999999))] if rng.random() < 0.3 else [],
            "playlist_id": 0,
            "voice_to_text": "",
            "video_duration": rng.choice([9, 14, 22, 31, 45, 58, 75, 140]),
            "is_stem_verified": False,
        }
        if i in promoted_idx:
            style = rng.random()
            if style < 0.4:
                video["video_tag"] = {"type": "Branded", "number": 1}
                hashtags.append("tiktokmademebuyit")
            elif style < 0.55:
                video["video_tag"] = {"type": "Branded", "number": 7}
                hashtags.append("tiktokmademebuyit")
            else:
                tag = rng.choice(_DISCLOSURE_CHOICES)
                hashtags.insert(0, tag)
                if tag not in DEFAULT_DISCOVERY_HASHTAGS:
                    hashtags.append("tiktokmademebuyit")
        else:
            hashtags.append("tiktokmademebuyit")
        video["hashtag_names"] = hashtags
        display = [("#Ad" if t == "ad" and rng.random() < 0.5 else "#" + t) for t in hashtags]
        video["video_description"] = desc + " " + " ".join(display)
        videos.append(video)
        for _ in range(comments_per_video):
            cts = min(now, ctime + rng.randint(30, 2 * 86400))
            text, domains = make_comment_text(rng)
            comments.append(
                {
                    "id": _snowflake(cts, rng, used),
                    "video_id": vid,
                    "parent_comment_id": vid,
                    "text": text,
                    "like_count": int(rng.paretovariate(1.2)) - 1,
                    "reply_count": rng.choice([0, 0, 0, 0, 1, 2, 5]),
                    "create_time": cts,
                    "_domains": domains,
                }
            )
    return videos, comments


def expected_domains(
    videos, comments, max_pages: int = 2, page_size: int = 100, promoted_only: bool = True
) -> set[str]:
    """Registrable domains in the first ``max_pages * page_size`` comments (in list order) of
    each promoted video, from the generator's ``_domains`` labels."""
    keep = {int(v["id"]) for v in videos if not promoted_only or is_promoted(v)}
    seen: collections.Counter = collections.Counter()
    out: set[str] = set()
    for c in comments:
        vid = int(c["video_id"])
        if vid not in keep or c.get("_deleted"):
            continue
        seen[vid] += 1
        if seen[vid] <= max_pages * page_size:
            out.update(c.get("_domains", ()))
    return out


_BRANDS = (
    ("SHEIN", "shein.com"),
    ("Temu", "temu.com"),
    ("Glow Lab", "glowlab.myshopify.com"),
    ("Zalando", "zalando.de"),
    ("Gymshark", "gymshark.com"),
    ("Douglas", "douglas.de"),
    ("Cupshe", "cupshe.com"),
    ("Stanley", "stanley1913.com"),
    ("Lookfantastic", "lookfantastic.com"),
    ("Müller", "müller.de"),
)


def make_commercial_content(videos, ratio: float = 0.6, seed: int = 0) -> list[dict]:
    """Commercial Content API items for a subset of the promoted EEA videos.

    Each item's ``videos[0].url`` is ``https://www.tiktok.com/@<user>/video/<id>`` for a video
    that exists in ``videos``. Items whose video is not from the EEA are skipped (the API only
    covers EEA creators).
    """
    rng = random.Random(seed)
    items = []
    for v in videos:
        if not is_promoted(v) or v.get("region_code") not in EEA_COUNTRIES or rng.random() >= ratio:
            continue
        ts = int(v["create_time"])
        brand = rng.choice(_BRANDS)[0]
        items.append(
            {
                "id": (ts << 32) | rng.getrandbits(32),
                "create_timestamp": ts,
                "create_date": dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y%m%d"),
                "label": "Paid partnership",
                "brand_names": [brand],
                "creator": {"username": v["username"]},
                "creator_country_code": v["region_code"],
                "videos": [
                    {
                        "id": v["id"],
                        "url": f"https://www.tiktok.com/@{v['username']}/video/{v['id']}",
                        "cover_image_url": f"https://p16-sign-va.tiktokcdn.com/obj/cover-{v['id']}.jpeg",
                        "status": "active",
                    }
                ],
            }
        )
    return items


def make_ads(n: int = 20, seed: int = 0, start_time: float | None = None) -> list[dict]:
    """Ad-library ads (``{"ad", "advertiser", "ad_group", "countries"}``) with landing pages."""
    rng = random.Random(seed)
    # default: the start of today (UTC), so every video lies in a day that has ended, the days
    # harvester's discovery ledger scans
    now = int(start_time if start_time is not None else time.time() // 86400 * 86400)
    ads = []
    countries_all = sorted(EEA_COUNTRIES - {"IS", "LI", "NO"}) + ["GB", "CH"]
    for i in range(n):
        name, domain = _BRANDS[i % len(_BRANDS)]
        first = now - rng.randint(86400, 200 * 86400)
        last = min(now, first + rng.randint(86400, 60 * 86400))
        ad_id = (first << 32) | rng.getrandbits(32)
        countries = rng.sample(countries_all, rng.randint(1, 5))
        business_id = 7_000_000_000_000_000_000 + int(hashlib.sha1(name.encode()).hexdigest()[:12], 16)
        ads.append(
            {
                "ad": {
                    "id": ad_id,
                    "first_shown_date": time.strftime("%Y%m%d", time.gmtime(first)),
                    "last_shown_date": time.strftime("%Y%m%d", time.gmtime(last)),
                    "status": "active" if last >= now - 86400 else "inactive",
                    "status_statement": "",
                    "videos": [
                        {
                            "url": f"https://library-tt.tiktokcdn.com/video/{ad_id}.mp4",
                            "cover_image_url": f"https://library-tt.tiktokcdn.com/cover/{ad_id}.jpeg",
                        }
                    ],
                    "image_urls": [],
                    "reach": {
                        "unique_users_seen": rng.choice(["1K-10K", "11K", "120K", "1.2M"]),
                        "unique_users_seen_by_country": {c: f"{rng.randint(1, 99)}K" for c in countries},
                    },
                    "title": f"{name} — {rng.choice(['Black Friday', 'New in', 'Summer sale', 'Bestsellers'])}",
                    "external_url": f"https://www.{domain}/{rng.choice(['sale', 'new', 'lp/tt'])}?utm_source=tiktok",
                    "call_to_action": rng.choice(["Shop now", "Learn more", "Order now"]),
                    "advertising_objective": rng.choice(["CONVERSIONS", "TRAFFIC", "REACH"]),
                    "rejection_info": None,
                },
                "advertiser": {
                    "business_id": business_id,
                    "business_name": name,
                    "paid_by": name + (" GmbH" if rng.random() < 0.5 else " Ltd"),
                    "country_code": rng.choice(countries),
                    "follower_count": rng.randint(1000, 5_000_000),
                    "avatar_url": f"https://p16.tiktokcdn.com/avatar/{business_id}.jpeg",
                    "profile_url": f"https://www.tiktok.com/@{name.lower().replace(' ', '')}",
                },
                "ad_group": {
                    "targeting_info": {
                        "number_of_users_targeted": rng.choice(["100K-1M", "1M-10M"]),
                        "country": countries,
                        "age": {"18-24": True, "25-34": True, "35-44": rng.random() < 0.5, "45-54": False},
                        "gender": {"female": True, "male": rng.random() < 0.5, "unknown": False},
                        "audience_targeting": "Interest",
                        "video_interactions": None,
                        "creator_interactions": None,
                        "interest": ["Beauty & Personal Care"],
                    }
                },
                "countries": countries,
            }
        )
    return ads


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def serve_until_signalled(fake: FakeService, stats: Callable[[], dict] | None = None) -> int:
    """Start ``fake``, print ``READY <base_url>``, serve until SIGTERM/SIGINT."""
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    fake.start()
    print(f"READY {fake.base_url}", flush=True)
    try:
        while not stop.wait(0.2):
            pass
    finally:
        fake.stop()
        if stats is not None:
            print(json.dumps(stats()), file=sys.stderr, flush=True)
    return 0


def _parse_faults(values: list[str]) -> dict:
    faults: dict = {}
    for item in values or []:
        at, _, kind = item.partition("=")
        path, _, number = at.rpartition(":")
        faults[(path, int(number)) if path else int(number)] = kind
    return faults


def main(argv: list[str] | None = None) -> int:
    class Help(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
        """Every default shown; the description and the example kept as written."""

    p = argparse.ArgumentParser(
        description="Fake TikTok Research + Commercial Content API, on real HTTP (stdlib only).\n"
        "Prints 'READY http://HOST:PORT' on stdout once it listens, serves until\n"
        "SIGTERM/SIGINT (Ctrl-C), then prints its request counts as JSON on stderr.",
        epilog="Try harvester against it (README, 'Try it against the fake TikTok API'):\n"
        "  python tests/fakes/tiktok_server.py --port 8765\n"
        "  # in another shell, from the repository:\n"
        "  HARVESTER_DATABASE_URL=sqlite:///$PWD/fake.db HARVESTER_SOURCE=tiktok \\\n"
        "  TIKTOK_API_BASE_URL=http://127.0.0.1:8765 TIKTOK_CLIENT_KEY=test-key \\\n"
        "  TIKTOK_CLIENT_SECRET=test-secret harvester run",
        formatter_class=Help,
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument(
        "--port",
        type=int,
        default=0,
        help="port to listen on; 0 picks a free port at random (the URL is printed at start)",
    )
    p.add_argument("--videos", type=int, default=200, help="number of generated videos")
    p.add_argument("--comments-per-video", type=int, default=150, help="comments of each video")
    p.add_argument("--promoted-ratio", type=float, default=0.5, help="share of the videos that are promoted")
    p.add_argument("--seed", type=int, default=0, help="dataset seed")
    p.add_argument(
        "--start-time",
        type=int,
        default=None,
        help="Unix time the dataset is 'now' for; videos are posted in the 4 days before it; None: 00:00 UTC today",
    )
    p.add_argument("--latency", type=float, default=0.0, help="seconds slept per request")
    p.add_argument("--fault-rate", type=float, default=0.0, help="share of requests answered with a random fault")
    p.add_argument("--fault-seed", type=int, default=None, help="seed of the random faults")
    p.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="[PATH:]N=KIND",
        help="scheduled fault, e.g. 3=500 or comment/list:2=504html (repeatable)",
    )
    p.add_argument("--quota", type=int, default=1000, help="daily quota (0: unlimited)")
    p.add_argument("--burst-limit", type=int, default=None, help="requests per --burst-window before a 429")
    p.add_argument("--burst-window", type=float, default=1.0, help="seconds of the burst limit's window")
    p.add_argument("--retry-after", type=float, default=None, help="Retry-After of a 429, seconds")
    p.add_argument("--client-key", default="test-key", help="the client key the token endpoint accepts")
    p.add_argument("--client-secret", default="test-secret", help="the client secret the token endpoint accepts")
    p.add_argument("--token-lifetime", type=float, default=7200, help="seconds an access token lives")
    p.add_argument(
        "--comment-cursor",
        choices=("returned", "max_count"),
        default="returned",
        help="the comment cursor returned: past the comments served, or cursor + max_count",
    )
    p.add_argument(
        "--no-comment-cap",
        action="store_true",
        help="serve more than the first 1000 comments of a video (the API's cap)",
    )
    p.add_argument(
        "--empty-page-has-more",
        action="store_true",
        help="an empty page still says has_more (a paging loop without progress)",
    )
    p.add_argument("--missing-fields", type=float, default=0.0, help="rate of optional fields dropped from each record")
    p.add_argument(
        "--expected-domains", metavar="PATH", help="write the domains of the promoted videos' first 2 pages here"
    )
    args = p.parse_args(argv)

    videos, comments = make_dataset(
        args.videos, args.comments_per_video, args.promoted_ratio, args.seed, args.start_time
    )
    if args.expected_domains:
        with open(args.expected_domains, "w", encoding="utf-8") as fh:
            fh.writelines(d + "\n" for d in sorted(expected_domains(videos, comments)))
    fake = FakeTikTok(
        videos,
        comments,
        host=args.host,
        port=args.port,
        latency=args.latency,
        fault_rate=args.fault_rate,
        fault_seed=args.fault_seed,
        faults=_parse_faults(args.fault),
        retry_after=args.retry_after,
        daily_quota=args.quota or None,
        burst_limit=args.burst_limit,
        burst_window=args.burst_window,
        client_key=args.client_key,
        client_secret=args.client_secret,
        token_lifetime=args.token_lifetime,
        comment_cursor=args.comment_cursor,
        comment_cap=not args.no_comment_cap,
        empty_page_has_more=args.empty_page_has_more,
        missing_fields=args.missing_fields,
    )
    try:
        fake.start()
    except OSError as exc:
        p.error(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    print(
        f"fake TikTok API listening on {fake.base_url} (client key {args.client_key!r}, secret "
        f"{args.client_secret!r}; {args.videos} videos); Ctrl-C stops it",
        file=sys.stderr,
        flush=True,
    )
    return serve_until_signalled(fake, fake.stats)


if __name__ == "__main__":
    sys.exit(main())
