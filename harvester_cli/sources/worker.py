"""The `worker` source: the seed's worker service over HTTP.

Contract (also in the README):

- every request carries `Authorization: Bearer <WORKER_API_KEY>`;
- `GET /videos?cursor=<opaque string, optional>&limit=<1..100>`
  -> `{"videos": [...], "next_cursor": "<string>" | null}`; a video has `id` (int), `username`,
  `description`, `hashtags` (list), `create_time` (Unix s), optionally `video_tag`,
  `region_code` and `promoted` (the worker's own verdict);
- `GET /videos/<id>/comments?cursor=<int>&limit=100`
  -> `{"comments": [...], "next_cursor": <int> | null}`; a comment has `id`, `video_id`,
  `text`, `create_time`, `like_count`, `reply_count`, `parent_comment_id`; 404: no comments.

A video is promoted when the worker says so (`promoted: true`) or by the same rule as the
tiktok source. Every request counts against the daily budget and runs under the retry policy.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

from harvester_cli import errors
from harvester_cli.models import Comment, CommentPage, Video
from harvester_cli.runtime import retry
from harvester_cli.sources import http, records
from harvester_cli.sources.base import SourceDeps
from harvester_cli.sources.promoted import hashtag_names, promoted_reason

logger = logging.getLogger(__name__)

PAGE_SIZE = 100
MAX_CURSOR_REPEATS = 3
WORKER_REASON = "worker: promoted"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class WorkerSource:
    """Discovery and comments from the HTTP worker service."""

    name = "worker"

    @staticmethod
    def check_settings(settings) -> None:
        """Refuse missing settings (ConfigError) before any run is recorded."""
        if not settings["WORKER_WEBHOOK_URL"]:
            raise errors.ConfigError(
                "WORKER_WEBHOOK_URL is not set; set it to the worker service's base URL "
                "(e.g. https://worker.example.com)"
            )
        if not settings["WORKER_API_KEY"]:
            raise errors.ConfigError("WORKER_API_KEY is not set; set it to the worker service's bearer key")

    def __init__(self, deps: SourceDeps, *, client=None):
        settings = deps.settings
        self.check_settings(settings)
        self.deps = deps
        self.base_url = settings["WORKER_WEBHOOK_URL"].rstrip("/")
        self.client = client or http.build_client(
            settings, transport=deps.transport, headers={"Authorization": f"Bearer {settings['WORKER_API_KEY']}"}
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> WorkerSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one request ------------------------------------------------------------------------------

    def _on_retry(self, attempt: int, exc: BaseException, wait: float) -> None:
        self.deps.note(f"worker: attempt {attempt} failed: {exc}; retrying in {wait:.1f}s")

    def _get(self, path: str, params: dict, *, what: str, not_found_ok: bool = False) -> Any:
        """GET under budget and retries; the JSON body, or None for a tolerated 404."""
        url = self.base_url + path

        def attempt() -> Any:
            self.deps.spend()
            response = http.send(self.client, "GET", url, what=what, params=params, stop=self.deps.stop)
            if response.status_code == 404 and not_found_ok:
                return None
            if response.status_code in (401, 403):
                raise errors.PermanentSourceError(
                    f"{what}: the worker refused the key ({http.describe(response, _json_or_none(response))}); "
                    "check WORKER_API_KEY",
                    status=response.status_code,
                )
            try:
                return http.check(response, what=what)
            except errors.QuotaExhausted:
                self.deps.exhausted()
                raise

        return retry.call(attempt, self.deps.policy, stop=self.deps.stop, on_retry=self._on_retry)

    # -- discovery --------------------------------------------------------------------------------

    def _pages(self) -> Iterator[list]:
        cursor: str | None = None
        # An empty "try again" page (with the same cursor) is fine a few times in a row; more,
        # or pages that go back to an older cursor, are a loop: the listing fails (NoProgress).
        guard = http.PageGuard("worker video list", limit=MAX_CURSOR_REPEATS + 1)
        while True:
            params: dict = {"limit": PAGE_SIZE}
            if cursor is not None:
                params["cursor"] = cursor
            body = self._get("/videos", params, what="worker video list")
            if not isinstance(body, dict):
                raise errors.TransientSourceError("worker video list: the answer is not a JSON object")
            videos = body.get("videos")
            yield videos if isinstance(videos, list) else []
            next_cursor = body.get("next_cursor")
            if next_cursor in (None, ""):
                return
            next_cursor = str(next_cursor)
            guard.page(records=len(videos) if isinstance(videos, list) else 0, cursor=cursor, next_cursor=next_cursor)
            cursor = next_cursor

    def _parse_video(self, raw: Any) -> Video | None:
        if not isinstance(raw, dict):
            return None
        video_id = http.as_id(raw.get("id"))
        if video_id is None:
            self.deps.note(f"worker: a video without a usable id was skipped ({http.shorten(raw, 120)})")
            return None
        hashtags = hashtag_names(raw.get("hashtags"))
        description = _text(raw.get("description"))
        video_tag = raw.get("video_tag")
        reason = promoted_reason(video_tag, description, hashtags)
        if reason is None and raw.get("promoted") is True:
            reason = WORKER_REASON
        return Video(
            id=video_id,
            username=_text(raw.get("username")),
            description=description,
            hashtags=hashtags,
            create_time=http.as_int(raw.get("create_time")),
            region_code=_text(raw.get("region_code")),
            video_tag=video_tag,
            promoted_reason=reason,
        )

    def discover(self, *, video_ids: Sequence[int] = (), limit: int | None = None) -> Iterator[Video]:
        """Page through /videos; with `video_ids`, keep only those. `limit` caps promoted ones."""
        if limit is not None and limit <= 0:
            return
        picked = records.VideoFilter(video_ids, limit)
        for page in self._pages():
            for raw in page:
                video = self._parse_video(raw)
                if video is not None and picked.accept(video):
                    yield video
                    if picked.done:
                        return
        note = picked.missing_note("worker")
        if note:
            self.deps.note(note)

    # -- comments ---------------------------------------------------------------------------------

    def fetch_comments(self, video_id: int, cursor: Any = None) -> CommentPage:
        """One page of up to 100 comments; an unknown video (404) is an empty last page."""
        vid = http.as_int(video_id)
        if vid is None:
            raise errors.BadInput(f"{video_id!r} is not a video id (digits only)")
        params: dict = {"limit": PAGE_SIZE}
        if cursor is not None:
            start = http.as_int(cursor)
            if start is None:
                raise errors.BadInput(f"{cursor!r} is not a comment cursor (a whole number)")
            params["cursor"] = start
        what = f"worker comments (video {vid})"
        body = self._get(f"/videos/{vid}/comments", params, what=what, not_found_ok=True)
        if body is None:
            return CommentPage([], cursor=None, has_more=False)
        if not isinstance(body, dict):
            raise errors.TransientSourceError(f"{what}: the answer is not a JSON object")
        comments = []
        for raw in body.get("comments") or ():
            comment = self._parse_comment(raw, vid)
            if comment is not None:
                comments.append(comment)
        next_cursor = http.as_int(body.get("next_cursor"))
        return CommentPage(comments, cursor=next_cursor, has_more=next_cursor is not None)

    def _parse_comment(self, raw: Any, video_id: int) -> Comment | None:
        return records.comment_from_json(raw, video_id, source="worker", note=self.deps.note)


def _json_or_none(response) -> Any:
    try:
        return http.decode_json(response)
    except (UnicodeDecodeError, ValueError):
        return None
