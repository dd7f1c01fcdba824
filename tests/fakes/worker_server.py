"""A fake of our "worker" source (the seed's worker service) over real HTTP, stdlib only.

The contract (documented in the README):

- Auth: ``Authorization: Bearer <WORKER_API_KEY>``; missing or wrong: 401 ``{"error": "unauthorized"}``.
- ``GET /videos?cursor=<opaque string, optional>&limit=<1..100, default 50>``
  -> 200 ``{"videos": [...], "next_cursor": "<string>" | null}``. A video has ``id`` (JSON
  integer, 64-bit), ``username``, ``description``, ``hashtags``, ``create_time`` and optionally
  ``video_tag``, ``region_code``, ``promoted`` (the worker's own verdict).
- ``GET /videos/<id>/comments?cursor=<int, default 0>&limit=<1..100, default 100>``
  -> 200 ``{"comments": [...], "next_cursor": <int> | null}``. A comment has ``id``,
  ``video_id``, ``text``, ``create_time`` and optionally ``like_count``, ``reply_count``,
  ``parent_comment_id``. Unknown video: 404 ``{"error": "video not found"}``.
- Bad ``limit``/``cursor``: 400 ``{"error": "invalid limit"}`` / ``{"error": "invalid cursor"}``.

Usage::

    with FakeWorker(videos, comments, faults={2: "500"}) as worker:
        httpx.get(worker.base_url + "/videos", headers={"Authorization": "Bearer worker-key"})

    python tests/fakes/worker_server.py --port 0 --videos 200 --comments-per-video 150
"""

from __future__ import annotations

import argparse
import base64
import binascii
import collections
import re
import sys
from collections.abc import Iterable

try:
    from . import tiktok_server as tt
except ImportError:  # run as a script: python tests/fakes/worker_server.py
    import tiktok_server as tt

__all__ = ["FakeWorker", "to_worker_video", "to_worker_comment", "VIDEOS_PATH", "COMMENTS_PATH"]

VIDEOS_PATH = "/videos"
COMMENTS_PATH = "/videos/{id}/comments"
_COMMENTS_RE = re.compile(r"^/videos/([^/]+)/comments/?$")

_VIDEO_KEYS = ("id", "username", "description", "hashtags", "create_time", "video_tag", "region_code")
_COMMENT_KEYS = ("id", "video_id", "text", "create_time", "like_count", "reply_count", "parent_comment_id")


def to_worker_video(v: dict, include_promoted: bool = True) -> dict:
    """A worker video from a Research-API-shaped (``make_dataset``) or files-shaped dict."""
    out = {
        "id": int(v.get("id", v.get("video_id"))),
        "username": v.get("username", ""),
        "description": v.get("description", v.get("video_description", "")),
        "hashtags": list(v.get("hashtags", v.get("hashtag_names")) or []),
        "create_time": int(v["create_time"]),
    }
    tag = v.get("video_tag")
    if isinstance(tag, dict):
        out["video_tag"] = {
            "type": tag.get("type", tag.get("video_tag_type")),
            "number": tag.get("number", tag.get("video_tag_number")),
        }
    if v.get("region_code"):
        out["region_code"] = v["region_code"]
    if include_promoted:
        out["promoted"] = v["promoted"] if isinstance(v.get("promoted"), bool) else tt.is_promoted(v)
    return out


def to_worker_comment(c: dict) -> dict:
    return {k: c[k] for k in _COMMENT_KEYS if k in c}


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError(cursor) from None
    if not raw.startswith("o:") or not raw[2:].isdigit():
        raise ValueError(cursor)
    return int(raw[2:])


class FakeWorker(tt.FakeService):
    """Fake worker service. Options: ``api_key``, ``include_promoted``, plus the shared ones
    (``latency``, ``faults``, ``fault_rate``, ``fault_seed``, ``fault_kinds``, ``retry_after``,
    ``hang_seconds``, ``host``, ``port``). ``faults`` keys: request number (int),
    ``(path, n)`` with path ``"/videos"`` or ``"comments"`` (n-th request to that route), or a
    path (every request to it: a permanent fault); ``fail_video_ids={id: kind}`` faults every
    comment request of those videos."""

    known_paths = (VIDEOS_PATH, COMMENTS_PATH)
    server_name = "fake-worker"

    def __init__(
        self,
        videos: Iterable[dict] | None = None,
        comments: Iterable[dict] | None = None,
        *,
        api_key: str = "worker-key",
        include_promoted: bool = True,
        fail_video_ids: dict | None = None,
        **service_options,
    ):
        super().__init__(**service_options)
        self.api_key = api_key
        self.include_promoted = include_promoted
        self.fail_video_ids = dict(fail_video_ids or {})
        self.comment_pages_served: collections.Counter = collections.Counter()
        self.set_data(videos or [], comments or [])

    def set_data(self, videos, comments):
        with self.lock:
            self.videos = [to_worker_video(v, self.include_promoted) for v in videos]
            self.comments = [to_worker_comment(c) for c in comments if not c.get("_deleted")]
            self._video_ids = {v["id"] for v in self.videos}
            self._by_video: dict[int, list] = collections.defaultdict(list)
            for c in self.comments:
                self._by_video[int(c["video_id"])].append(c)

    def comment_pages(self, video_id: int) -> int:
        with self.lock:
            return self.comment_pages_served[int(video_id)]

    def stats(self) -> dict:
        with self.lock:
            return {
                "requests": len(self.requests),
                "faults": len(self.fault_log),
                "by_status": dict(collections.Counter(str(s) for _p, _b, s in self.requests)),
            }

    def _path_key(self, path: str) -> str:
        return COMMENTS_PATH if _COMMENTS_RE.match(path) else path

    def _eligible(self, path: str) -> bool:
        return self._path_key(path) in self.known_paths

    @staticmethod
    def _json(status: int, obj, headers=None) -> tt.Reply:
        return tt.Reply(status, tt.dumps(obj), headers=dict(headers or {}))

    def _handle(self, req: tt.Request) -> tt.Reply:
        req.body = {k: v[-1] for k, v in req.query.items()}
        route = self._path_key(req.path)
        if route not in self.known_paths:
            return self._json(404, {"error": "not found"})
        if req.method != "GET":
            return self._json(405, {"error": "method not allowed"})
        scheme, _, key = (req.headers.get("Authorization") or "").strip().partition(" ")
        if scheme.lower() != "bearer" or key.strip() != self.api_key:
            return self._json(401, {"error": "unauthorized"})

        match = _COMMENTS_RE.match(req.path)
        with self.lock:
            fault = self._pick_fault(req)
            if fault is None and match and match.group(1).isdigit():
                kind = self.fail_video_ids.get(int(match.group(1)))
                fault = tt.normalise_fault(kind) if kind else None
            req.fault = fault
        if fault:
            pre = self._apply_pre_fault(req, fault)
            if pre is not None:
                return pre
            if fault == "500":
                return self._json(500, {"error": "internal error"})
            if fault in ("429", "quota"):
                return self._json(429, {"error": "rate limited"}, self._retry_after_headers())
            if fault == "401":
                return self._json(401, {"error": "unauthorized"})
            if fault in ("search_id_expired", "invalid_cursor", "invalid_params"):
                return self._json(400, {"error": "invalid cursor"})

        try:
            with self.lock:
                if match:
                    data = self._comments(req, match.group(1))
                else:
                    data = self._videos(req)
        except _WorkerError as e:
            return self._json(e.status, {"error": e.message})
        reply = self._json(200, data)
        return self._truncate(reply) if fault == "truncated" else reply

    def _limit(self, req, default: int) -> int:
        raw = req.body.get("limit")
        if raw is None or raw == "":
            return default
        if not re.fullmatch(r"\d+", raw) or not 1 <= int(raw) <= 100:
            raise _WorkerError(400, "invalid limit")
        return int(raw)

    def _videos(self, req) -> dict:
        limit = self._limit(req, 50)
        cursor = req.body.get("cursor") or ""
        try:
            offset = _decode_cursor(cursor) if cursor else 0
        except ValueError:
            raise _WorkerError(400, "invalid cursor") from None
        if req.fault == "empty_page":
            return {"videos": [], "next_cursor": _encode_cursor(offset)}
        page = self.videos[offset : offset + limit]
        nxt = offset + len(page)
        return {"videos": page, "next_cursor": _encode_cursor(nxt) if nxt < len(self.videos) else None}

    def _comments(self, req, raw_id: str) -> dict:
        if not raw_id.isdigit() or int(raw_id) not in self._video_ids | set(self._by_video):
            raise _WorkerError(404, "video not found")
        video_id = int(raw_id)
        limit = self._limit(req, 100)
        raw_cursor = req.body.get("cursor") or "0"
        if not re.fullmatch(r"\d+", raw_cursor):
            raise _WorkerError(400, "invalid cursor")
        cursor = int(raw_cursor)
        if req.fault == "empty_page":
            return {"comments": [], "next_cursor": cursor}
        items = self._by_video.get(video_id, [])
        page = items[cursor : cursor + limit]
        nxt = cursor + len(page)

        def served():
            with self.lock:
                self.comment_pages_served[video_id] += 1

        req.on_success.append(served)
        return {"comments": page, "next_cursor": nxt if nxt < len(items) else None}


class _WorkerError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def main(argv: list[str] | None = None) -> int:
    class Help(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
        """Every default shown; the description and the example kept as written."""

    p = argparse.ArgumentParser(
        description="Fake worker service (the worker source contract, README 'The worker contract'),\n"
        "on real HTTP (stdlib only). Prints 'READY http://HOST:PORT' on stdout once it\n"
        "listens, serves until SIGTERM/SIGINT (Ctrl-C), then prints its request counts\n"
        "as JSON on stderr.",
        epilog="Try harvester against it:\n"
        "  python tests/fakes/worker_server.py --port 8766\n"
        "  # in another shell, from the repository:\n"
        "  HARVESTER_DATABASE_URL=sqlite:///$PWD/worker.db HARVESTER_SOURCE=worker \\\n"
        "  WORKER_WEBHOOK_URL=http://127.0.0.1:8766 WORKER_API_KEY=worker-key harvester run",
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
    p.add_argument("--api-key", default="worker-key", help="the bearer key it accepts (WORKER_API_KEY)")
    p.add_argument("--latency", type=float, default=0.0, help="seconds slept per request")
    p.add_argument("--fault-rate", type=float, default=0.0, help="share of requests answered with a random fault")
    p.add_argument("--fault-seed", type=int, default=None, help="seed of the random faults")
    p.add_argument(
        "--fault", action="append", default=[], metavar="[PATH:]N=KIND", help="scheduled fault, e.g. 3=500 (repeatable)"
    )
    args = p.parse_args(argv)
    videos, comments = tt.make_dataset(
        args.videos, args.comments_per_video, args.promoted_ratio, args.seed, args.start_time
    )
    fake = FakeWorker(
        videos,
        comments,
        api_key=args.api_key,
        host=args.host,
        port=args.port,
        latency=args.latency,
        fault_rate=args.fault_rate,
        fault_seed=args.fault_seed,
        faults=tt._parse_faults(args.fault),
    )
    try:
        fake.start()
    except OSError as exc:
        p.error(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    print(
        f"fake worker listening on {fake.base_url} (api key {args.api_key!r}; {args.videos} videos); Ctrl-C stops it",
        file=sys.stderr,
        flush=True,
    )
    return tt.serve_until_signalled(fake, fake.stats)


if __name__ == "__main__":
    sys.exit(main())
