"""Turning the JSON records every API source receives into models, tolerantly."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from harvester_cli import errors
from harvester_cli.models import Comment, Video
from harvester_cli.sources import http


def comment_from_json(raw: Any, video_id: int, *, source: str, note: Callable[[str], None]) -> Comment | None:
    """A Comment from an API object; None (with a note) when it has no usable id."""
    if not isinstance(raw, dict):
        return None
    comment_id = http.as_id(raw.get("id"))
    if comment_id is None:
        note(f"{source}: a comment of video {video_id} without a usable id was skipped")
        return None
    text = raw.get("text")
    return Comment(
        id=comment_id,
        video_id=http.as_id(raw.get("video_id")) or video_id,
        text=text if isinstance(text, str) else ("" if text is None else str(text)),
        create_time=http.as_int(raw.get("create_time")),
        like_count=http.as_count(raw.get("like_count")),
        reply_count=http.as_count(raw.get("reply_count")),
        parent_comment_id=http.as_id(raw.get("parent_comment_id")),
    )


def wanted_ids(video_ids: Iterable[Any]) -> set[int]:
    """The --video-id values as ints; a value that is not an id is bad input."""
    wanted: set[int] = set()
    for raw in video_ids:
        value = http.as_int(raw)
        if value is None:
            raise errors.BadInput(f"{raw!r} is not a video id (digits only)")
        wanted.add(value)
    return wanted


class VideoFilter:
    """`--video-id` and `--limit` over a stream of discovered videos: repeats dropped, only the
    wanted ids kept, done once `limit` promoted videos passed or every wanted id was seen."""

    def __init__(self, video_ids: Iterable[Any], limit: int | None):
        self.wanted = wanted_ids(video_ids)
        self.limit = limit
        self.seen: set[int] = set()
        self.promoted = 0

    def accept(self, video: Video) -> bool:
        if video.id in self.seen or (self.wanted and video.id not in self.wanted):
            return False
        self.seen.add(video.id)
        if video.promoted_reason:
            self.promoted += 1
        return True

    @property
    def done(self) -> bool:
        if self.limit is not None and self.promoted >= self.limit:
            return True
        return bool(self.wanted) and len(self.seen) == len(self.wanted)

    def missing_note(self, where: str) -> str | None:
        missing = self.wanted - self.seen
        if not missing:
            return None
        return (
            f"{where}: {len(missing)} requested video id(s) not found: "
            f"{', '.join(str(i) for i in sorted(missing)[:10])}"
        )
