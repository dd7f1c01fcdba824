"""Plain records passed between sources, services and the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Video:
    id: int
    username: str | None = None
    description: str | None = None
    hashtags: tuple[str, ...] = ()
    create_time: int | None = None
    region_code: str | None = None
    video_tag: Any = None
    promoted_reason: str | None = None  # why it counts as promoted; None = not promoted


@dataclass(frozen=True)
class Comment:
    id: int
    video_id: int
    text: str
    create_time: int | None = None
    like_count: int | None = None
    reply_count: int | None = None
    parent_comment_id: int | None = None


@dataclass(frozen=True)
class CommentPage:
    comments: list[Comment]
    cursor: Any = None  # what to send back for the next page
    has_more: bool = False


@dataclass
class DiscoveryStats:
    candidates: int = 0
    promoted: int = 0
    skipped_not_promoted: int = 0
    requests: int = 0
    notes: list[str] = field(default_factory=list)
