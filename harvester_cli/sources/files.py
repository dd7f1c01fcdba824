"""The `files` source: `videos.jsonl` and `comments.jsonl` in HARVESTER_FILES_DIR.

A video line has `id`, `username`, `description`, `hashtags` (list), `create_time` (Unix s) and
optionally `video_tag` and `region_code`; a comment line has `id`, `video_id`, `text`,
`create_time` and optionally `like_count`, `reply_count`, `parent_comment_id`. Ids are JSON
integers or digit strings. A malformed line is reported (file and line number, through
`deps.note`) and skipped (JSON nested too deeply included). Comments are served in file order,
100 a page; the cursor is the index into that video's comments. The comment index keeps only
byte offsets, built once per source instance on first use, so memory stays small however large
the file is.

A half-written dataset is refused (ConfigError, exit 2), never read as "no comments": harvesting
needs comments.jsonl (an empty file for a dataset without comments), a file whose size or
modification time changes while it is read (a copy still under way) fails the run, and so does
comments.jsonl changing between the index and a page. With HARVESTER_FILES_COMPLETE_MARKER
(e.g. `_SUCCESS`), that file must exist in the directory and be no older than the data files
(the copy writes it last) before either file is read.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from harvester_cli import errors
from harvester_cli.models import Comment, CommentPage, Video
from harvester_cli.sources import http, records
from harvester_cli.sources.base import SourceDeps
from harvester_cli.sources.promoted import promoted_reason

logger = logging.getLogger(__name__)

VIDEOS_FILE = "videos.jsonl"
COMMENTS_FILE = "comments.jsonl"
PAGE_SIZE = 100
_BOM = b"\xef\xbb\xbf"


class _Malformed(ValueError):
    """Why a line cannot be used."""


def _id(obj: dict, key: str) -> int:
    if key not in obj or obj[key] is None:
        raise _Malformed(f"missing {key}")
    value = http.as_id(obj[key])
    if value is None:
        raise _Malformed(f"{key} {http.shorten(json.dumps(obj[key]), 40)} is not a positive 64-bit integer")
    return value


def _opt_int(obj: dict, key: str) -> int | None:
    if obj.get(key) is None:
        return None
    value = http.as_count(obj[key])
    if value is None:
        raise _Malformed(f"{key} is not a 64-bit integer")
    return value


def _opt_str(obj: dict, key: str) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise _Malformed(f"{key} is not a string")


def parse_video(obj: Any) -> Video:
    """A Video from one decoded videos.jsonl line; raises ValueError saying what is wrong."""
    if not isinstance(obj, dict):
        raise _Malformed("not a JSON object")
    tags = obj.get("hashtags")
    if tags is None:
        hashtags: tuple[str, ...] = ()
    elif isinstance(tags, list) and all(isinstance(t, str) for t in tags):
        hashtags = tuple(t.lstrip("#") for t in tags)
    else:
        raise _Malformed("hashtags is not a list of strings")
    video_tag = obj.get("video_tag")
    if video_tag is not None and not isinstance(video_tag, (dict, list)):
        raise _Malformed("video_tag is not an object")
    description = _opt_str(obj, "description")
    return Video(
        id=_id(obj, "id"),
        username=_opt_str(obj, "username"),
        description=description,
        hashtags=hashtags,
        create_time=_opt_int(obj, "create_time"),
        region_code=_opt_str(obj, "region_code"),
        video_tag=video_tag,
        promoted_reason=promoted_reason(video_tag, description, hashtags),
    )


def parse_comment(obj: Any) -> Comment:
    """A Comment from one decoded comments.jsonl line; raises ValueError saying what is wrong."""
    if not isinstance(obj, dict):
        raise _Malformed("not a JSON object")
    return Comment(
        id=_id(obj, "id"),
        video_id=_id(obj, "video_id"),
        text=_opt_str(obj, "text") or "",
        create_time=_opt_int(obj, "create_time"),
        like_count=_opt_int(obj, "like_count"),
        reply_count=_opt_int(obj, "reply_count"),
        parent_comment_id=_opt_int(obj, "parent_comment_id"),
    )


def _decode(line: bytes) -> Any:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise _Malformed("not valid UTF-8") from None
    try:
        return http.loads(text)
    except ValueError as exc:
        raise _Malformed(f"not valid JSON ({getattr(exc, 'msg', None) or exc})") from None


def _snapshot(path: Path) -> tuple[int, int] | None:
    """(size, modification time in ns) of a file; None when it does not exist."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_size, stat.st_mtime_ns


class FilesSource:
    """Videos and comments from two JSONL files, for offline imports and the demo."""

    name = "files"
    #: malformed lines reported one by one per file and pass; the rest are counted
    max_notes: int = 20

    @staticmethod
    def check_settings(settings) -> Path:
        """The directory HARVESTER_FILES_DIR names; ConfigError when it cannot be the source."""
        raw = settings["HARVESTER_FILES_DIR"]
        if not raw:
            raise errors.ConfigError(
                "HARVESTER_FILES_DIR is not set; set it to a directory holding videos.jsonl "
                "and comments.jsonl (examples/sample is one)"
            )
        directory = Path(raw).expanduser()
        if not directory.is_dir():
            state = "is not a directory" if directory.exists() else "does not exist"
            raise errors.ConfigError(
                f"HARVESTER_FILES_DIR={directory} {state}; point it at a directory holding "
                "videos.jsonl and comments.jsonl"
            )
        if not (directory / VIDEOS_FILE).is_file():
            raise errors.ConfigError(
                f"{directory / VIDEOS_FILE} not found; HARVESTER_FILES_DIR must hold videos.jsonl "
                "(one JSON video per line) and comments.jsonl"
            )
        return directory

    def __init__(self, deps: SourceDeps):
        directory = self.check_settings(deps.settings)
        self.deps = deps
        self.directory = directory
        self.videos_path = directory / VIDEOS_FILE
        self.comments_path = directory / COMMENTS_FILE
        self._index: dict[int, array] | None = None
        self._indexed: tuple[int, int] | None = None  # comments.jsonl as the index saw it
        self._index_lock = threading.Lock()
        self.marker = deps.settings["HARVESTER_FILES_COMPLETE_MARKER"] or None

    def close(self) -> None:
        pass

    def __enter__(self) -> FilesSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ----------------------------------------------------------------------------------

    def _check_complete(self) -> None:
        """With HARVESTER_FILES_COMPLETE_MARKER: the marker exists and is no older than the data."""
        if not self.marker:
            return
        marker = self.directory / self.marker
        mark = _snapshot(marker)
        if mark is None:
            raise errors.ConfigError(
                f"{marker} not found: the dataset in {self.directory} is not marked complete "
                "(HARVESTER_FILES_COMPLETE_MARKER); nothing was read, run again once the copy has "
                "written it"
            )
        for path in (self.videos_path, self.comments_path):
            data = _snapshot(path)
            if data is not None and data[1] > mark[1]:
                raise errors.ConfigError(
                    f"{path} is newer than {marker}: a new copy of the dataset is under way "
                    "(HARVESTER_FILES_COMPLETE_MARKER); nothing was read, run again once it is complete"
                )

    def _lines(self, path: Path, parse) -> Iterator[tuple[int, Any]]:
        """(byte offset, parsed record) of every good line; bad ones are noted and skipped.

        Raises ConfigError at the end when the file changed while it was read (still being written)."""
        bad = 0
        offset = 0
        before = _snapshot(path)
        with path.open("rb") as fh:
            for number, line in enumerate(fh, 1):
                start, offset = offset, offset + len(line)
                if number == 1 and line.startswith(_BOM):
                    line = line[len(_BOM) :]
                if not line.strip():
                    continue
                try:
                    record = parse(_decode(line))
                except ValueError as exc:
                    bad += 1
                    if bad <= self.max_notes:
                        self.deps.note(f"{path}:{number}: {exc}; line skipped")
                    continue
                yield start, record
        if bad > self.max_notes:
            self.deps.note(f"{path}: {bad - self.max_notes} more malformed line(s) skipped")
        after = _snapshot(path)
        if after != before:
            raise _changed(path, before, after)

    # -- discovery --------------------------------------------------------------------------------

    def discover(self, *, video_ids: Sequence[int] = (), limit: int | None = None) -> Iterator[Video]:
        """Stream videos.jsonl; with `video_ids`, only those; `limit` caps the promoted ones."""
        if limit is not None and limit <= 0:
            return
        picked = records.VideoFilter(video_ids, limit)
        self._check_complete()
        for _offset, video in self._lines(self.videos_path, parse_video):
            if picked.accept(video):
                yield video
                if picked.done:
                    return
        note = picked.missing_note(str(self.videos_path))
        if note:
            self.deps.note(note)

    # -- comments ---------------------------------------------------------------------------------

    def prepare_comments(self) -> None:
        """Refuse a half-written dataset before a harvest claims anything (see the module doc)."""
        self._comment_index()

    def _comment_index(self) -> dict[int, array]:
        """video id -> byte offsets of its comment lines, in file order (built once)."""
        with self._index_lock:
            if self._index is None:
                self._check_complete()
                if not self.comments_path.is_file():
                    raise errors.ConfigError(
                        f"{self.comments_path} not found next to {VIDEOS_FILE}: the dataset is incomplete "
                        "(still being copied?); nothing was harvested. Run again once it is there (an "
                        "empty comments.jsonl for a dataset without comments)"
                    )
                index: dict[int, array] = {}
                before = _snapshot(self.comments_path)
                for offset, comment in self._lines(self.comments_path, parse_comment):
                    index.setdefault(comment.video_id, array("q")).append(offset)
                self._index, self._indexed = index, before
            return self._index

    def fetch_comments(self, video_id: int, cursor: Any = None) -> CommentPage:
        """Up to 100 comments of a video in file order, from index `cursor` (None = 0)."""
        vid = http.as_int(video_id)
        if vid is None:
            raise errors.BadInput(f"{video_id!r} is not a video id (digits only)")
        start = 0 if cursor is None else http.as_int(cursor)
        if start is None or start < 0:
            raise errors.BadInput(f"{cursor!r} is not a comment cursor (a whole number)")
        offsets = self._comment_index().get(vid)
        now = _snapshot(self.comments_path)
        if now != self._indexed:
            raise _changed(self.comments_path, self._indexed, now, during="this run")
        if not offsets:
            return CommentPage([], cursor=None, has_more=False)
        chosen = offsets[start : start + PAGE_SIZE]
        comments: list[Comment] = []
        if chosen:
            with self.comments_path.open("rb") as fh:
                for offset in chosen:
                    fh.seek(offset)
                    line = fh.readline()
                    if offset == 0 and line.startswith(_BOM):
                        line = line[len(_BOM) :]
                    try:
                        comments.append(parse_comment(_decode(line)))
                    except ValueError as exc:  # the file changed since it was indexed
                        self.deps.note(f"{self.comments_path} at byte {offset}: {exc}; skipped")
        end = start + len(chosen)
        has_more = end < len(offsets)
        return CommentPage(comments, cursor=end if has_more else None, has_more=has_more)


def _changed(
    path: Path, before: tuple[int, int] | None, after: tuple[int, int] | None, during: str = "it was read"
) -> errors.ConfigError:
    def size(snapshot: tuple[int, int] | None) -> str:
        return "missing" if snapshot is None else f"{snapshot[0]} bytes"

    return errors.ConfigError(
        f"{path} changed while {during} ({size(before)} -> {size(after)}): it is still being written; "
        "run again once the copy is complete (or set HARVESTER_FILES_COMPLETE_MARKER)"
    )
