"""TikTok Research API (+ Commercial Content API) source.

Protocol facts and quirks: /work/shared/reference/tiktok-api.md. In short:

- a client-credentials token (POST /v2/oauth/token/, form body), cached (in the process, and
  between runs on one host in the state directory), renewed shortly before it expires and once
  more when the API answers 401 access_token_invalid;
- discovery (`ledger_queries`, `scan_day`): POST /v2/research/video/query/ one UTC day at a
  time, paged with the `cursor` and `search_id` the API returns; optionally paid-partnership
  posts per creator country from /v2/research/adlib/commercial_content/query/ (paged by
  `search_id` alone); `discover(video_ids=...)` looks given ids up in windows of at most 30 days;
- comments: POST /v2/research/video/comment/list/, cursor echoed back as received.

Every API request calls `deps.spend()` first and runs under the one retry policy; the token
request is not counted against the budget.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from harvester_cli import errors
from harvester_cli.models import Comment, CommentPage, ScanPage, ScanQuery, Video
from harvester_cli.runtime import retry
from harvester_cli.sources import http, records
from harvester_cli.sources.base import SourceDeps
from harvester_cli.sources.promoted import hashtag_names, promoted_reason
from harvester_cli.sources.token_cache import TokenCache

logger = logging.getLogger(__name__)

TOKEN_PATH = "/v2/oauth/token/"
VIDEO_QUERY_PATH = "/v2/research/video/query/"
COMMENT_LIST_PATH = "/v2/research/video/comment/list/"
COMMERCIAL_QUERY_PATH = "/v2/research/adlib/commercial_content/query/"

VIDEO_FIELDS = (
    "id",
    "video_description",
    "create_time",
    "region_code",
    "username",
    "hashtag_names",
    "video_tag",
    "comment_count",
)
COMMENT_FIELDS = ("id", "video_id", "text", "like_count", "reply_count", "parent_comment_id", "create_time")
COMMERCIAL_FIELDS = ("id", "create_timestamp", "create_date", "label", "brand_names", "creator", "videos")

VIDEO_PAGE_SIZE = 100
COMMENT_PAGE_SIZE = 100
COMMERCIAL_PAGE_SIZE = 50
MAX_WINDOW_DAYS = 30  # inclusive dates per video query: end = start + 29 days
IDS_PER_QUERY = 100
ADLIB_EARLIEST = dt.date(2022, 10, 2)  # the range must start after 2022-10-01
DEFAULT_TOKEN_SECONDS = 7200

_VIDEO_URL_ID = re.compile(r"/video/(\d+)")
_SEARCH_ID_EXPIRED = re.compile(r"search[ _]?id\b.*\b(invalid|expired)", re.I)
_INVALID_CURSOR = re.compile(r"invalid count or cursor", re.I)


class _InvalidParams(errors.PermanentSourceError):
    """400 invalid_params."""


class _SearchIdExpired(_InvalidParams):
    """400 "Search Id <n> is invalid or expired": the backend cache is not ready yet."""


class _InvalidCursor(_InvalidParams):
    """400 "Invalid count or cursor", seen mid-paging."""


class _TokenRejected(errors.PermanentSourceError):
    """401 access_token_invalid."""


def _window_dates(today: dt.date, days: int) -> Iterator[tuple[dt.date, dt.date]]:
    """Inclusive (start, end) windows covering the last `days` dates up to today, newest first."""
    first = today - dt.timedelta(days=max(1, days) - 1)
    end = today
    while end >= first:
        start = max(first, end - dt.timedelta(days=MAX_WINDOW_DAYS - 1))
        yield start, end
        end = start - dt.timedelta(days=1)


def ledger_queries(settings) -> list[ScanQuery]:
    """The queries the discovery ledger tracks per day: the Research API candidate query, and one
    Commercial Content API query per HARVESTER_COMMERCIAL_COUNTRIES country. A fingerprint
    changes with every setting that changes what its query returns (a new scan)."""
    research = {
        "source": TikTokSource.name,
        "kind": "research",
        "hashtags": sorted({h.lower() for h in settings["HARVESTER_DISCOVERY_HASHTAGS"] or ()}),
        "keywords": sorted(set(settings["HARVESTER_DISCOVERY_KEYWORDS"] or ())),
        "regions": sorted(set(settings["HARVESTER_DISCOVERY_REGIONS"] or ())),
    }
    queries = [ScanQuery(_fingerprint(research), "research", research)]
    for country in settings["HARVESTER_COMMERCIAL_COUNTRIES"] or ():
        commercial = {"source": TikTokSource.name, "kind": "commercial", "country": country}
        queries.append(ScanQuery(_fingerprint(commercial), "commercial", commercial))
    return queries


def _fingerprint(description: dict) -> str:
    text = json.dumps(description, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _ymd(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class TikTokSource:
    """The `tiktok` source: Research API discovery and comments, Commercial Content API ids."""

    name = "tiktok"
    #: pause before retrying a just-issued search_id the API calls invalid or expired
    search_id_pause: float = 5.0
    #: attempts per page when the search_id quirk appears (then that window's paging ends)
    search_id_attempts: int = 4
    #: renew the token this long before it expires (at most a quarter of its lifetime)
    token_margin: float = 60.0

    @staticmethod
    def check_settings(settings) -> None:
        """Refuse missing credentials (ConfigError) before any run is recorded."""
        for env in ("TIKTOK_CLIENT_KEY", "TIKTOK_CLIENT_SECRET"):
            if not settings[env]:
                raise errors.ConfigError(
                    f"{env} is not set; set TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET to the "
                    "Research API client credentials (environment or .env)"
                )

    def __init__(
        self,
        deps: SourceDeps,
        *,
        client=None,
        clock: Callable[[], float] = time.monotonic,
        utcnow: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ):
        settings = deps.settings
        self.check_settings(settings)
        self.deps = deps
        self.base_url = settings["TIKTOK_API_BASE_URL"].rstrip("/")
        self._client_key = settings["TIKTOK_CLIENT_KEY"]
        self._client_secret = settings["TIKTOK_CLIENT_SECRET"]
        self.client = client or http.build_client(settings, transport=deps.transport)
        self.clock = clock
        self.utcnow = utcnow
        self._token_lock = threading.Lock()
        self._token_value: str | None = None
        self._token_renew_at = 0.0
        self.tokens_fetched = 0
        self._cache = (
            TokenCache(deps.state_dir, self.base_url, self._client_key) if deps.state_dir is not None else None
        )

    # -- lifecycle ------------------------------------------------------------------------------

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> TikTokSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- token ----------------------------------------------------------------------------------

    def _token(self) -> str:
        """The access token: this run's, else the one an earlier run on this host kept (until
        shortly before it expires), else a new one (one fetch at a time, across runs too)."""
        with self._token_lock:
            now = self.clock()
            if self._token_value is not None and now < self._token_renew_at:
                return self._token_value
            cache = self._cache
            if cache is None:
                return self._use(*self._fetch_token(), now)
            with cache.fetching():
                cached = cache.load(self.token_margin)
                if cached is not None:
                    return self._use(cached[0], cached[1], now, fresh=False)
                token, lifetime = self._fetch_token()
                cache.save(token, lifetime)
                return self._use(token, lifetime, now)

    def _use(self, token: str, lifetime: float, now: float, fresh: bool = True) -> str:
        margin = min(self.token_margin, lifetime / 4) if fresh else self.token_margin
        self._token_value = token
        self._token_renew_at = now + lifetime - margin
        return token

    def _forget_token(self, token: str) -> None:
        with self._token_lock:
            if self._token_value == token:  # another thread may have renewed it already
                self._token_value = None
            if self._cache is not None:
                self._cache.forget(token)

    def _fetch_token(self) -> tuple[str, float]:
        what = "TikTok token request"
        response = http.send(
            self.client,
            "POST",
            self.base_url + TOKEN_PATH,
            what=what,
            stop=self.deps.stop,
            data={
                "client_key": self._client_key,
                "client_secret": self._client_secret,
                "grant_type": "client_credentials",
            },
            headers={"Cache-Control": "no-cache"},
        )
        try:
            body = http.decode_json(response)
        except (UnicodeDecodeError, ValueError):
            body = None
        # The endpoint can answer HTTP 200 with an error body: look for the token itself.
        if isinstance(body, dict) and isinstance(body.get("access_token"), str) and body["access_token"]:
            lifetime = http.as_int(body.get("expires_in"))
            self.tokens_fetched += 1
            return body["access_token"], float(DEFAULT_TOKEN_SECONDS if lifetime is None else max(lifetime, 0))
        code, message = http.error_info(body)
        if response.status_code >= 500 or response.status_code in (408, 429) or body is None:
            http.check(response, what=what)  # raises the transient error for these
            raise errors.TransientSourceError(
                f"{what}: answer without access_token or error (HTTP {response.status_code}, not JSON)"
            )
        if code in ("server_error", "temporarily_unavailable", "internal_error"):
            raise errors.TransientSourceError(f"{what}: {http.describe(response, body)}", status=response.status_code)
        if code is None and message is None:
            raise errors.TransientSourceError(f"{what}: HTTP {response.status_code} without access_token or error")
        raise errors.PermanentSourceError(
            f"TikTok refused the client credentials ({http.describe(response, body)}); check "
            "TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET and that the project is approved",
            status=response.status_code,
        )

    # -- one API request -------------------------------------------------------------------------

    def _on_retry(self, attempt: int, exc: BaseException, wait: float) -> None:
        self.deps.note(f"tiktok: attempt {attempt} failed: {exc}; retrying in {wait:.1f}s")

    def _post(self, path: str, fields: Sequence[str], body: dict, *, what: str) -> dict:
        """POST one API request (budget, token, retries); return the envelope's `data`."""
        url = self.base_url + path
        params = {"fields": ",".join(fields)}

        def attempt() -> dict:
            for renewed in (False, True):
                token = self._token()
                self.deps.spend()
                response = http.send(
                    self.client,
                    "POST",
                    url,
                    what=what,
                    params=params,
                    json=body,
                    headers={"Authorization": f"Bearer {token}"},
                    stop=self.deps.stop,
                )
                try:
                    return self._data(response, what)
                except _TokenRejected as exc:
                    if renewed:
                        raise errors.PermanentSourceError(
                            f"{exc} (again, with a freshly issued token); check the project's API access",
                            status=exc.status,
                        ) from None
                    self._forget_token(token)
                    self.deps.note(f"{what}: access token rejected; renewing it and retrying once")
            raise AssertionError("unreachable")

        return retry.call(attempt, self.deps.policy, stop=self.deps.stop, on_retry=self._on_retry)

    def _data(self, response, what: str) -> dict:
        """Classify a response; return `data` of a good one."""
        try:
            body = http.decode_json(response)
        except (UnicodeDecodeError, ValueError):
            body = None
        code, message = http.error_info(body)
        status = response.status_code
        if code not in (None, "", "ok") or status >= 400:
            self._raise_for_code(response, body, code, message or "", what)
        payload = http.check(response, what=what)  # non-JSON 2xx -> transient
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, dict):
            raise errors.TransientSourceError(f"{what}: HTTP {status} without a data object", status=status)
        return data

    def _raise_for_code(self, response, body: Any, code: str | None, message: str, what: str) -> None:
        status = response.status_code
        detail = http.describe(response, body)
        if code == http.QUOTA_CODE:
            self.deps.exhausted()
            raise errors.QuotaExhausted(
                f"{what}: TikTok daily quota used up ({detail}); it resets at 00:00 UTC", status=status
            )
        if code == "access_token_invalid":
            raise _TokenRejected(f"{what}: {detail}", status=status)
        if code in ("scope_not_authorized", "scope_permission_missed"):
            raise errors.PermanentSourceError(
                f"{what}: {detail}; the TikTok project is not approved for this API", status=status
            )
        if code in ("invalid_params", "invalid_param"):
            if _SEARCH_ID_EXPIRED.search(message):
                raise _SearchIdExpired(f"{what}: {detail}", status=status)
            if _INVALID_CURSOR.search(message):
                raise _InvalidCursor(f"{what}: {detail}", status=status)
            raise _InvalidParams(f"{what}: {detail}", status=status)
        if code in ("rate_limit_exceeded", "internal_error", "timeout") and status < 400:
            raise errors.TransientSourceError(f"{what}: {detail}", status=status)
        if status >= 400:
            http.check(response, what=what)  # raises per status
        raise errors.PermanentSourceError(f"{what}: {detail}", status=status)

    def _page(self, path: str, fields: Sequence[str], body: dict, *, what: str) -> dict | None:
        """One page, waiting out the search_id quirk; None when paging must end here."""
        for attempt in range(1, self.search_id_attempts + 1):
            try:
                return self._post(path, fields, body, what=what)
            except _SearchIdExpired as exc:
                if attempt >= self.search_id_attempts:
                    self.deps.note(f"{exc}; gave up after {attempt} attempts, paging of this query ends here")
                    return None
                self.deps.note(f"{exc}; waiting {self.search_id_pause:g}s for the search to be ready")
                if self.deps.stop.wait(self.search_id_pause):
                    raise errors.RunStopped(
                        "stopped while waiting for a TikTok search id", "cancelled", errors.EXIT_FAILED
                    ) from None
            except _InvalidCursor as exc:
                self.deps.note(f"{exc}; paging of this query ends here")
                return None
        return None

    # -- discovery --------------------------------------------------------------------------------

    def _candidate_query(self) -> dict:
        settings = self.deps.settings
        hashtags = list(settings["HARVESTER_DISCOVERY_HASHTAGS"] or ())
        keywords = list(settings["HARVESTER_DISCOVERY_KEYWORDS"] or ())
        regions = list(settings["HARVESTER_DISCOVERY_REGIONS"] or ())
        any_of: list[dict] = []
        if hashtags:
            any_of.append({"field_name": "hashtag_name", "operation": "IN", "field_values": hashtags})
        any_of += [{"field_name": "keyword", "operation": "EQ", "field_values": [k]} for k in keywords]
        if not any_of:
            raise errors.ConfigError(
                "HARVESTER_DISCOVERY_HASHTAGS and HARVESTER_DISCOVERY_KEYWORDS are both empty; "
                "set at least one of them (comma-separated)"
            )
        query: dict = {"or": any_of}
        if regions:
            query["and"] = [{"field_name": "region_code", "operation": "IN", "field_values": regions}]
        return query

    def windows(self) -> list[tuple[dt.date, dt.date]]:
        """The look-back window as inclusive (start, end) dates, at most 30 each, newest first."""
        today = self.utcnow().astimezone(dt.UTC).date()
        return list(_window_dates(today, int(self.deps.settings["HARVESTER_DISCOVERY_DAYS"])))

    def _query_videos(self, query: dict, start: dt.date, end: dt.date) -> Iterator[Video]:
        """Every video of one query and window, page by page (cursor + search_id echoed)."""
        what = f"TikTok video query {_ymd(start)}-{_ymd(end)}"
        cursor: Any = None
        search_id: Any = None
        guard = http.PageGuard(what)
        while True:
            body: dict = {
                "query": query,
                "start_date": _ymd(start),
                "end_date": _ymd(end),
                "max_count": VIDEO_PAGE_SIZE,
            }
            if search_id is not None:
                body["cursor"] = cursor
                body["search_id"] = search_id
            data = self._page(VIDEO_QUERY_PATH, VIDEO_FIELDS, body, what=what)
            if data is None:
                return
            for raw in data.get("videos") or ():
                video = self._parse_video(raw)
                if video is not None:
                    yield video
            if not http.as_bool(data.get("has_more")):
                return
            next_cursor = http.as_int(data.get("cursor"))
            next_search_id = data.get("search_id")
            if next_cursor is None or next_search_id in (None, ""):
                self.deps.note(f"{what}: has_more without cursor/search_id; paging ends here")
                return
            guard.page(records=len(data.get("videos") or ()), cursor=cursor, next_cursor=next_cursor)
            cursor, search_id = next_cursor, next_search_id

    def _parse_video(self, raw: Any) -> Video | None:
        if not isinstance(raw, dict):
            return None
        video_id = http.as_id(raw.get("id") if raw.get("id") is not None else raw.get("video_id"))
        if video_id is None:
            self.deps.note(f"tiktok: a video without a usable id was skipped ({http.shorten(raw, 120)})")
            return None
        hashtags = hashtag_names(raw.get("hashtag_names"))
        description = _text(raw.get("video_description"))
        video_tag = raw.get("video_tag")
        return Video(
            id=video_id,
            username=_text(raw.get("username")),
            description=description,
            hashtags=hashtags,
            create_time=http.as_int(raw.get("create_time")),
            region_code=_text(raw.get("region_code")),
            video_tag=video_tag,
            promoted_reason=promoted_reason(video_tag, description, hashtags),
            comment_count=http.as_count(raw.get("comment_count")),
        )

    # -- the discovery ledger: one query per UTC day, resumable ------------------------------------

    def ledger_queries(self) -> list[ScanQuery]:
        """The queries discovery scans day by day (see `ledger_queries`)."""
        self._candidate_query()  # refuses an empty query before anything is recorded
        return ledger_queries(self.deps.settings)

    def scan_day(
        self, query: ScanQuery, day: dt.date, cursor: int | None = None, search_id: str | None = None
    ) -> Iterator[ScanPage]:
        """The pages of one query for one UTC day, from `cursor`/`search_id` when a stopped scan
        resumes (the search restarts from its first page when the API no longer honours it)."""
        if query.kind == "commercial":
            yield from self._scan_commercial(query.description["country"], day, search_id)
            return
        what = f"TikTok video query {_ymd(day)}"
        body_base = {
            "query": self._candidate_query(),
            "start_date": _ymd(day),
            "end_date": _ymd(day),
            "max_count": VIDEO_PAGE_SIZE,
        }
        restarted = False
        resuming = search_id is not None  # the first request continues an earlier run's search
        guard = http.PageGuard(what)  # an endless cursor fails the day's scan
        while True:
            body = dict(body_base)
            if search_id is not None:
                body["cursor"] = cursor or 0
                body["search_id"] = search_id
            if resuming:
                resuming = False
                data = self._resume(VIDEO_QUERY_PATH, VIDEO_FIELDS, body, what)
                if data is None:  # the saved search expired: the day starts over
                    cursor, search_id, restarted = None, None, True
                    continue
            else:
                data = self._page(VIDEO_QUERY_PATH, VIDEO_FIELDS, body, what=what)
            if data is None:
                yield ScanPage([], 0, last=True, restarted=restarted)
                return
            raw = data.get("videos") or ()
            videos = [v for v in (self._parse_video(r) for r in raw) if v is not None]
            more = http.as_bool(data.get("has_more"))
            next_cursor = http.as_int(data.get("cursor"))
            next_search_id = data.get("search_id")
            if more and (next_cursor is None or next_search_id in (None, "")):
                self.deps.note(f"{what}: has_more without cursor/search_id; paging ends here")
                more = False
            if more:
                guard.page(records=len(raw), cursor=cursor, next_cursor=next_cursor)
            yield ScanPage(
                videos,
                len(raw),
                cursor=next_cursor if more else None,
                search_id=str(next_search_id) if more else None,
                last=not more,
                restarted=restarted,
            )
            if not more:
                return
            cursor, search_id, restarted = next_cursor, str(next_search_id), False

    def _resume(self, path: str, fields: Sequence[str], body: dict, what: str) -> dict | None:
        """The next page of a search saved by an earlier run; None when the API no longer has it."""
        try:
            return self._post(path, fields, body, what=what)
        except (_SearchIdExpired, _InvalidCursor) as exc:
            self.deps.note(f"{exc}; the saved search is gone, so this day's scan starts over")
            return None

    def _scan_commercial(self, country: str, day: dt.date, search_id: str | None) -> Iterator[ScanPage]:
        what = f"TikTok commercial content query {country} {_ymd(day)}"
        restarted = False
        resuming = search_id is not None
        guard = http.PageGuard(what)
        if day < ADLIB_EARLIEST:
            yield ScanPage([], 0, last=True)
            return
        while True:
            body: dict = {
                "filters": {
                    "content_published_date_range": {"min": _ymd(day), "max": _ymd(day)},
                    "creator_country_code": country,
                },
                "max_count": COMMERCIAL_PAGE_SIZE,
            }
            if search_id is not None:
                body["search_id"] = search_id
            try:
                if resuming:
                    resuming = False
                    data = self._resume(COMMERCIAL_QUERY_PATH, COMMERCIAL_FIELDS, body, what)
                    if data is None:
                        search_id, restarted = None, True
                        continue
                else:
                    data = self._page(COMMERCIAL_QUERY_PATH, COMMERCIAL_FIELDS, body, what=what)
            except _InvalidParams as exc:
                self.deps.note(f"{exc}; country {country} skipped for {day}")
                data = None
            if data is None:
                yield ScanPage([], 0, last=True, restarted=restarted)
                return
            items = data.get("commercial_contents") or ()
            videos = [v for item in items for v in self._parse_commercial(item)]
            more = http.as_bool(data.get("has_more"))
            next_search_id = data.get("search_id")
            if more and next_search_id in (None, ""):
                self.deps.note(f"{what}: has_more without search_id; paging ends here")
                more = False
            if more:
                guard.page(records=len(items))
            yield ScanPage(
                videos, len(items), search_id=str(next_search_id) if more else None, last=not more, restarted=restarted
            )
            if not more:
                return
            search_id, restarted = str(next_search_id), False

    def discover(self, *, video_ids: Sequence[int] = (), limit: int | None = None) -> Iterator[Video]:
        """The videos of `video_ids` (`harvester discover --video-id`) found in the look-back
        window, promoted_reason set when promoted; `limit` caps the promoted ones. Discovery
        without ids goes day by day through the ledger (`ledger_queries`, `scan_day`)."""
        if not video_ids:
            raise errors.BadInput(
                "the tiktok source discovers day by day (ledger_queries and scan_day); discover() needs video ids"
            )
        if limit is not None and limit <= 0:
            return
        wanted: list[int] = []
        for raw in video_ids:
            value = http.as_int(raw)
            if value is None:
                raise errors.BadInput(f"{raw!r} is not a TikTok video id (digits only)")
            if value not in wanted:
                wanted.append(value)
        promoted = 0
        for video in self._videos_by_id(wanted):
            yield video
            if video.promoted_reason:
                promoted += 1
                if limit is not None and promoted >= limit:
                    return

    def _videos_by_id(self, wanted: list[int]) -> Iterator[Video]:
        """Each wanted video once: `video_id IN` queries of up to 100 ids over the windows."""
        windows = self.windows()
        for offset in range(0, len(wanted), IDS_PER_QUERY):
            missing = set(wanted[offset : offset + IDS_PER_QUERY])
            query = {
                "and": [
                    {
                        "field_name": "video_id",
                        "operation": "IN",
                        "field_values": [str(i) for i in wanted[offset : offset + IDS_PER_QUERY]],
                    }
                ]
            }
            for start, end in windows:
                for video in self._query_videos(query, start, end):
                    if video.id in missing:
                        missing.discard(video.id)
                        yield video
                    if not missing:
                        break
                if not missing:
                    break
            if missing:
                self.deps.note(
                    f"tiktok: {len(missing)} requested video id(s) not found in the last "
                    f"{self.deps.settings['HARVESTER_DISCOVERY_DAYS']} days: "
                    f"{', '.join(str(i) for i in sorted(missing)[:10])}"
                )

    # -- Commercial Content API --------------------------------------------------------------------

    def _parse_commercial(self, item: Any) -> Iterator[Video]:
        if not isinstance(item, dict):
            return
        raw_creator = item.get("creator")
        creator = raw_creator if isinstance(raw_creator, dict) else {}
        label = _text(item.get("label")) or "paid partnership"
        created = http.as_int(item.get("create_timestamp"))
        if created is not None and created > 10**11:  # milliseconds
            created //= 1000
        for entry in item.get("videos") or ():
            if not isinstance(entry, dict):
                continue
            match = _VIDEO_URL_ID.search(str(entry.get("url") or ""))
            video_id = http.as_id(match.group(1) if match else entry.get("id"))
            if video_id is None:
                self.deps.note(
                    f"tiktok: commercial content {http.shorten(item.get('id'), 40)} has no video id in its URL; skipped"
                )
                continue
            yield Video(
                id=video_id,
                username=_text(creator.get("username")),
                create_time=created,
                promoted_reason=f"commercial content: {http.shorten(label, 80)}",
            )

    # -- comments ---------------------------------------------------------------------------------

    def fetch_comments(self, video_id: int, cursor: Any = None) -> CommentPage:
        """One page of up to 100 comments; the next cursor is the one the API returned."""
        vid = http.as_int(video_id)
        if vid is None:
            raise errors.BadInput(f"{video_id!r} is not a TikTok video id (digits only)")
        start = 0 if cursor is None else http.as_int(cursor)
        if start is None:
            raise errors.BadInput(f"{cursor!r} is not a comment cursor (a whole number)")
        what = f"TikTok comment list (video {vid}, cursor {start})"
        body = {"video_id": vid, "max_count": COMMENT_PAGE_SIZE, "cursor": start}
        try:
            data = self._post(COMMENT_LIST_PATH, COMMENT_FIELDS, body, what=what)
        except _InvalidParams as exc:
            self.deps.note(f"{exc}; treated as no (more) comments")
            return CommentPage([], cursor=None, has_more=False)
        comments = [c for c in (self._parse_comment(raw, vid) for raw in data.get("comments") or ()) if c is not None]
        has_more = http.as_bool(data.get("has_more"))
        next_cursor = http.as_int(data.get("cursor"))
        if has_more and next_cursor is None:
            self.deps.note(f"{what}: has_more without a cursor; no further pages")
            has_more = False
        return CommentPage(comments, cursor=next_cursor, has_more=has_more)

    def _parse_comment(self, raw: Any, video_id: int) -> Comment | None:
        return records.comment_from_json(raw, video_id, source="tiktok", note=self.deps.note)
