"""Turning the JSON records every API source receives into models, tolerantly."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from harvester_cli import errors
from harvester_cli.models import Comment
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
